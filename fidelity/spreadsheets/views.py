"""Returns as spreadsheets: download the template, upload it, preview the changes, confirm.

A team leader's upload is checked cell by cell, then kept in the session (never re-uploaded)
until they confirm; confirming saves it into the draft in one go, refused if the draft changed
meanwhile. A pilot manager imports past quarters from several filled-in templates at once.
Teams are fetched through partners.access, so anything the person may not see is a 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fidelity.errors import WorkflowError
from fidelity.frameworks.models import FrameworkVersion
from fidelity.frameworks.selectors import current_framework_version
from fidelity.returns.models import QAReturn
from fidelity.returns.quarters import Quarter
from fidelity.returns.selectors import quarter_of_today
from fidelity.returns.services import not_editable_message
from fidelity.spreadsheets import services as imports
from fidelity.spreadsheets import workbook as spreadsheet
from fidelity.spreadsheets.forms import PastReturnsForm, ReturnUploadForm
from partners import access
from partners.models import Team

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAST_QUARTERS = 12


def _session_key(team: Team, quarter: Quarter) -> str:
    return f"spreadsheet-upload:{team.pk}:{quarter.slug}"


def _quarter(team: Team, slug: str, *, past_only: bool = False) -> Quarter:
    """The quarter named in the URL; 404 for nonsense or a quarter not started yet."""
    pilot = team.organisation.pilot
    try:
        quarter = Quarter.from_slug(slug, pilot.quarter_convention)
    except ValueError:
        raise Http404 from None
    current = quarter_of_today(pilot=pilot)
    if quarter.index > current.index or (past_only and quarter.index == current.index):
        raise Http404
    return quarter


def _team_for_template(request: HttpRequest, team_pk: int) -> Team:
    """A team leader's own team, or any team of a pilot the person manages."""
    teams = Team.objects.filter(pk__in=access.teams_editable_by(user=request.user).values("pk"))
    teams = teams | Team.objects.filter(
        organisation__pilot__in=access.pilots_managed_by(user=request.user)
    )
    return get_object_or_404(teams.select_related("organisation__pilot"), pk=team_pk)


def _editable_team(request: HttpRequest, team_pk: int) -> Team:
    return get_object_or_404(
        access.teams_editable_by(user=request.user).select_related("organisation__pilot"),
        pk=team_pk,
    )


@require_GET
def spreadsheet_index(request: HttpRequest) -> HttpResponse:
    """Where a team leader downloads and uploads this quarter's template (and a manager finds
    the import of past quarters)."""
    teams = access.teams_editable_by(user=request.user).select_related("organisation__pilot")
    managed = access.pilots_managed_by(user=request.user)
    if not teams.exists() and not managed.exists():
        raise Http404
    items = []
    for team in teams:
        quarter = quarter_of_today(pilot=team.organisation.pilot)
        quarters = [quarter]
        for qa_return in QAReturn.objects.filter(team=team).order_by("-quarter_index"):
            if qa_return.is_editable and qa_return.quarter_index != quarter.index:
                quarters.append(qa_return.quarter_value)
        for q in quarters:
            qa_return = imports.existing_return(team=team, quarter=q)
            items.append({"team": team, "quarter": q, "qa_return": qa_return})
    return render(
        request,
        "fidelity/spreadsheet_index.html",
        {"items": items, "manages": managed.exists()},
    )


@require_GET
def spreadsheet_template(request: HttpRequest, team_pk: int, quarter: str) -> HttpResponse:
    team = _team_for_template(request, team_pk)
    q = _quarter(team, quarter)
    filename = f"qa-return-{team.name}-{q.slug}".replace(" ", "-")
    response = HttpResponse(imports.return_template(team=team, quarter=q), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
    return response


def _spec_for(team: Team, quarter: Quarter, qa_return: QAReturn | None):
    version = (
        qa_return.framework_version
        if qa_return
        else current_framework_version(pilot=team.organisation.pilot)
    )
    return imports.template_spec(team=team, quarter=quarter, version=version)


def _check_upload(data: bytes, spec, *, complete: bool, name: str):
    """(parsed return or None, problems) for one uploaded file."""
    try:
        workbook = spreadsheet.open_workbook(data, name=name)
        about = spreadsheet.read_about(workbook)
    except spreadsheet.SpreadsheetError as error:
        return None, error.problems
    problems = spreadsheet.check_matches(about, spec)
    if problems:
        return None, problems
    parsed = spreadsheet.parse_return(workbook, spec, complete=complete)
    return parsed, parsed.problems


@require_http_methods(["GET", "POST"])
def spreadsheet_upload(request: HttpRequest, team_pk: int, quarter: str) -> HttpResponse:
    team = _editable_team(request, team_pk)
    q = _quarter(team, quarter)
    qa_return = imports.existing_return(team=team, quarter=q)
    if qa_return and not qa_return.is_editable:
        messages.error(request, not_editable_message(qa_return))
        return redirect("fidelity:return_detail", pk=qa_return.pk)
    problems: list[spreadsheet.CellProblem] = []
    form = ReturnUploadForm()
    if request.method == "POST":
        form = ReturnUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            spec = _spec_for(team, q, qa_return)
            parsed, problems = _check_upload(upload.read(), spec, complete=False, name=upload.name)
            if not problems:
                request.session[_session_key(team, q)] = {
                    "filename": upload.name,
                    "lock_version": qa_return.lock_version if qa_return else None,
                    "parsed": imports.parsed_to_json(parsed),
                }
                return redirect("fidelity:spreadsheet_preview", team_pk=team.pk, quarter=q.slug)
    return render(
        request,
        "fidelity/spreadsheet_upload.html",
        {"team": team, "quarter": q, "qa_return": qa_return, "form": form, "problems": problems},
    )


def _pending(request: HttpRequest, team: Team, quarter: Quarter) -> dict | None:
    return request.session.get(_session_key(team, quarter))


@require_GET
def spreadsheet_preview(request: HttpRequest, team_pk: int, quarter: str) -> HttpResponse:
    team = _editable_team(request, team_pk)
    q = _quarter(team, quarter)
    pending = _pending(request, team, q)
    if pending is None:
        messages.info(request, "Upload your filled-in template to see what it would change.")
        return redirect("fidelity:spreadsheet_upload", team_pk=team.pk, quarter=q.slug)
    qa_return = imports.existing_return(team=team, quarter=q)
    parsed = imports.parsed_from_json(pending["parsed"])
    changes = imports.import_changes(
        spec=_spec_for(team, q, qa_return), qa_return=qa_return, parsed=parsed
    )
    return render(
        request,
        "fidelity/spreadsheet_preview.html",
        {
            "team": team,
            "quarter": q,
            "qa_return": qa_return,
            "filename": pending["filename"],
            "changes": changes,
        },
    )


@require_POST
def spreadsheet_confirm(request: HttpRequest, team_pk: int, quarter: str) -> HttpResponse:
    team = _editable_team(request, team_pk)
    q = _quarter(team, quarter)
    pending = request.session.pop(_session_key(team, q), None)
    upload_again = redirect("fidelity:spreadsheet_upload", team_pk=team.pk, quarter=q.slug)
    if pending is None:
        messages.error(request, "There is no checked upload to save. Upload your file again.")
        return upload_again
    try:
        qa_return = imports.return_import_draft(
            team=team,
            quarter=q,
            user=request.user,
            lock_version=pending["lock_version"],
            parsed=imports.parsed_from_json(pending["parsed"]),
        )
    except WorkflowError as error:
        messages.error(request, str(error))
        return upload_again
    messages.success(
        request,
        f"Your spreadsheet {pending['filename']} is saved in the draft. Check it, then submit "
        "when it is ready.",
    )
    return redirect("fidelity:return_edit", pk=qa_return.pk)


# --- A pilot manager imports past quarters -----------------------------------------------------


def _managed_pilot(request: HttpRequest):
    pilots = access.pilots_managed_by(user=request.user)
    requested = request.POST.get("pilot") or request.GET.get("pilot")
    pilot = access.pilot_in_view(user=request.user, requested=requested, pilots=pilots)
    if pilot is None:
        raise Http404
    return pilot, pilots


def _check_past_file(upload, pilot, seen: set) -> tuple[imports.PastReturn | None, list]:
    name = upload.name
    try:
        workbook = spreadsheet.open_workbook(upload.read(), name=name)
        about = spreadsheet.read_about(workbook)
    except spreadsheet.SpreadsheetError as error:
        return None, error.problems
    team = (
        Team.objects.filter(organisation__pilot=pilot, pk=about.team_id)
        .select_related("organisation__pilot")
        .first()
    )
    if team is None:
        return None, [
            spreadsheet.CellProblem(
                spreadsheet.ABOUT, "B5", "this file is for a team outside this pilot."
            )
        ]
    try:
        quarter = Quarter.from_slug(about.quarter_slug, pilot.quarter_convention)
    except ValueError:
        return None, [
            spreadsheet.CellProblem(spreadsheet.ABOUT, "B7", "the quarter is not recognised.")
        ]
    if quarter.index >= quarter_of_today(pilot=pilot).index:
        return None, [
            spreadsheet.CellProblem(
                spreadsheet.ABOUT,
                "B7",
                f"{quarter.label} is not a past quarter. Team leaders upload the current "
                "quarter's return themselves.",
            )
        ]
    if imports.existing_return(team=team, quarter=quarter) or (team.pk, quarter.index) in seen:
        return None, [
            spreadsheet.CellProblem(
                spreadsheet.ABOUT,
                "B7",
                f"{team.name} already has a return for {quarter.label}"
                + ("" if (team.pk, quarter.index) not in seen else " in another of these files")
                + "; nothing is imported over an existing return.",
            )
        ]
    seen.add((team.pk, quarter.index))
    current = current_framework_version(pilot=pilot)
    version = (
        FrameworkVersion.objects.filter(
            pk=about.framework_version_id, framework=current.framework
        ).first()
        or current
    )
    spec = imports.template_spec(team=team, quarter=quarter, version=version)
    problems = spreadsheet.check_matches(about, spec)
    if problems:
        return None, problems
    parsed = spreadsheet.parse_return(workbook, spec, complete=True)
    if parsed.problems:
        return None, parsed.problems
    return imports.PastReturn(
        filename=name, team=team, quarter=quarter, version=version, parsed=parsed
    ), []


@require_http_methods(["GET", "POST"])
def spreadsheet_bulk(request: HttpRequest) -> HttpResponse:
    pilot, pilots = _managed_pilot(request)
    teams = Team.objects.filter(organisation__pilot=pilot).order_by("name")
    past = quarter_of_today(pilot=pilot).previous().back(PAST_QUARTERS)[::-1]
    if request.method == "GET" and request.GET.get("team"):
        team = (
            teams.filter(pk=request.GET["team"]).first() if request.GET["team"].isdigit() else None
        )
        quarter = next((q for q in past if q.slug == request.GET.get("quarter")), None)
        if team is None or quarter is None:
            messages.error(request, "Choose a team and a past quarter for the template.")
        else:
            return redirect(reverse("fidelity:spreadsheet_template", args=[team.pk, quarter.slug]))
    form = PastReturnsForm()
    problems: list[tuple[str, spreadsheet.CellProblem]] = []
    created: list[QAReturn] = []
    if request.method == "POST":
        form = PastReturnsForm(request.POST, request.FILES)
        if form.is_valid():
            checked, seen = [], set()
            for upload in form.cleaned_data["files"]:
                item, file_problems = _check_past_file(upload, pilot, seen)
                problems.extend((upload.name, p) for p in file_problems)
                if item:
                    checked.append(item)
            if not problems:
                try:
                    created = imports.returns_import_past(user=request.user, returns=checked)
                except WorkflowError as error:
                    messages.error(request, str(error))
                else:
                    messages.success(
                        request,
                        f"Imported {len(created)} past "
                        f"{'return' if len(created) == 1 else 'returns'} as submitted.",
                    )
            else:
                messages.error(
                    request,
                    f"Nothing was imported: {len(problems)} "
                    f"{'problem needs' if len(problems) == 1 else 'problems need'} fixing first.",
                )
    return render(
        request,
        "fidelity/spreadsheet_bulk.html",
        {
            "pilot": pilot,
            "pilots": pilots,
            "teams": teams,
            "past": past,
            "form": form,
            "problems": problems,
            "created": created,
        },
    )
