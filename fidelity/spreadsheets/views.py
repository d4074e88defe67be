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

from common.downloads import XLSX_CONTENT_TYPE, file_response
from common.quarters import Quarter
from fidelity.errors import WorkflowError
from fidelity.frameworks.selectors import pilot_framework_words
from fidelity.returns.services import not_editable_message, return_submit_errors
from fidelity.spreadsheets import selectors
from fidelity.spreadsheets import services as imports
from fidelity.spreadsheets import workbook as spreadsheet
from fidelity.spreadsheets.forms import PastReturnsForm, ReturnUploadForm
from partners import access
from partners.models import Team


def _session_key(team: Team, quarter: Quarter) -> str:
    return f"spreadsheet-upload:{team.pk}:{quarter.slug}"


def _quarter(team: Team, slug: str) -> Quarter:
    """The quarter named in the URL; 404 for nonsense or a quarter not started yet."""
    quarter = selectors.spreadsheet_quarter(pilot=team.organisation.pilot, slug=slug)
    if quarter is None:
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
    items = selectors.spreadsheet_returns_for(user=request.user)
    managed = access.pilots_managed_by(user=request.user)
    if not items and not managed.exists():
        raise Http404
    return render(
        request,
        "fidelity/spreadsheet_index.html",
        {"items": items, "manages": managed.exists()},
    )


@require_GET
def spreadsheet_template(request: HttpRequest, team_pk: int, quarter: str) -> HttpResponse:
    team = _team_for_template(request, team_pk)
    q = _quarter(team, quarter)
    return file_response(
        filename=f"qa-return-{team.name}-{q.slug}.xlsx".replace(" ", "-"),
        content=imports.return_template(team=team, quarter=q),
        content_type=XLSX_CONTENT_TYPE,
    )


@require_http_methods(["GET", "POST"])
def spreadsheet_upload(request: HttpRequest, team_pk: int, quarter: str) -> HttpResponse:
    team = _editable_team(request, team_pk)
    q = _quarter(team, quarter)
    qa_return = selectors.existing_return(team=team, quarter=q)
    if qa_return and not qa_return.is_editable:
        messages.error(request, not_editable_message(qa_return))
        return redirect("fidelity:return_detail", pk=qa_return.pk)
    problems: list[spreadsheet.CellProblem] = []
    form = ReturnUploadForm()
    if request.method == "POST":
        form = ReturnUploadForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            parsed, problems = selectors.uploaded_return(
                spec=selectors.upload_spec(team=team, quarter=q),
                data=upload.read(),
                name=upload.name,
            )
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
    qa_return = selectors.existing_return(team=team, quarter=q)
    parsed = imports.parsed_from_json(pending["parsed"])
    changes = imports.import_changes(
        spec=selectors.upload_spec(team=team, quarter=q), qa_return=qa_return, parsed=parsed
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
    to_fix = return_submit_errors(qa_return=qa_return)
    if to_fix:
        messages.warning(
            request,
            f"Before it can be submitted, {len(to_fix)} "
            f"{'thing needs' if len(to_fix) == 1 else 'things need'} fixing: "
            + " ".join(to_fix.values()),
        )
    return redirect("fidelity:return_tasks", pk=qa_return.pk)


# --- A pilot manager imports past quarters -----------------------------------------------------


def _managed_pilot(request: HttpRequest):
    pilots = access.pilots_managed_by(user=request.user)
    requested = request.POST.get("pilot") or request.GET.get("pilot")
    pilot = access.pilot_in_view(user=request.user, requested=requested, pilots=pilots)
    if pilot is None:
        raise Http404
    return pilot, pilots


@require_http_methods(["GET", "POST"])
def spreadsheet_bulk(request: HttpRequest) -> HttpResponse:
    pilot, pilots = _managed_pilot(request)
    if request.method == "GET" and request.GET.get("team"):
        try:
            team, quarter = selectors.past_template_for(
                pilot=pilot,
                team_pk=request.GET["team"],
                quarter_slug=request.GET.get("quarter", ""),
            )
        except LookupError:
            messages.error(request, "Choose a team and a past quarter for the template.")
        else:
            return redirect(reverse("fidelity:spreadsheet_template", args=[team.pk, quarter.slug]))
    form = PastReturnsForm()
    outcome = imports.PastImport(created=[], problems=[])
    if request.method == "POST":
        form = PastReturnsForm.bind(request)
        if form.is_valid():
            files = [(upload.name, upload.read()) for upload in form.cleaned_data["files"]]
            try:
                outcome = imports.returns_import_past(user=request.user, pilot=pilot, files=files)
            except WorkflowError as error:
                messages.error(request, str(error))
            else:
                count = len(outcome.problems)
                if count:
                    messages.error(
                        request,
                        f"Nothing was imported: {count} "
                        f"{'problem needs' if count == 1 else 'problems need'} fixing first.",
                    )
                else:
                    count = len(outcome.created)
                    messages.success(
                        request,
                        f"Imported {count} past {'return' if count == 1 else 'returns'} as "
                        "submitted.",
                    )
    return render(
        request,
        "fidelity/spreadsheet_bulk.html",
        {
            "pilot": pilot,
            "pilots": pilots,
            "teams": selectors.past_template_teams(pilot=pilot),
            "past": selectors.past_quarters(pilot=pilot),
            "form": form,
            "problems": outcome.problems,
            "created": outcome.created,
            "words": pilot_framework_words(pilot=pilot),
        },
    )
