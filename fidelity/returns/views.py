"""Return pages: thin views over fidelity.returns.services (writes) and .selectors (reads).

Every view that takes a return id fetches it with `selectors.get_return_for_user`, which answers
404 for anything the person may not see.
"""

from __future__ import annotations

from itertools import groupby

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_POST

from common.downloads import FHIR_JSON_CONTENT_TYPE, csv_response, json_response, xlsx_response
from common.quarters import Quarter
from fidelity.errors import WorkflowError
from fidelity.frameworks import scoring
from fidelity.frameworks.selectors import band_rules
from fidelity.improvement.selectors import improvement_actions_carried
from fidelity.measures.selectors import return_measure_answers
from fidelity.peer_review.selectors import peer_gaps
from fidelity.returns import exports, validation
from fidelity.returns.fhir import return_response_json, returns_bundle_json
from fidelity.returns.forms import (
    ApproveForm,
    CommentForm,
    ReopenForm,
)
from fidelity.returns.models import CASELOAD_FIELDS, QAReturn
from fidelity.returns.section_views import editable_return
from fidelity.returns.selectors import (
    STATUS_LABELS,
    get_return_for_user,
    home_panel_for,
    quarter_of_today,
    quarters_to_open,
    return_comment_to_answer,
    return_display_status,
    return_history,
    return_is_editable_by,
    return_is_reviewable_by,
    return_progress,
    returns_visible_to,
    review_quarter,
)
from fidelity.returns.services import (
    return_approve,
    return_copy_forward,
    return_open,
    return_reopen,
    return_send_back,
)
from fidelity.returns.workflow import transitions_allowed
from partners import access
from partners.audit import record_event
from partners.models import SecurityEventKind


@require_GET
def return_list(request: HttpRequest) -> HttpResponse:
    returns = returns_visible_to(user=request.user).order_by("-quarter_index", "team__name")
    if not (
        returns.exists()
        or access.teams_led_by(user=request.user).exists()
        or access.pilots_managed_by(user=request.user).exists()
    ):
        raise Http404
    today = timezone.localdate()
    rows = [
        (r, return_display_status(qa_return=r, deadline=r.deadline, today=today)) for r in returns
    ]
    return render(
        request,
        "fidelity/return_list.html",
        {
            "rows": [(r, s, STATUS_LABELS[s]) for r, s in rows],
            "to_open": quarters_to_open(user=request.user),
        },
    )


@require_POST
def return_start(request: HttpRequest) -> HttpResponse:
    team = get_object_or_404(
        access.teams_editable_by(user=request.user), pk=request.POST.get("team")
    )
    try:
        quarter = Quarter.from_slug(
            request.POST.get("quarter", ""), team.organisation.pilot.quarter_convention
        )
    except ValueError:
        messages.error(request, "That quarter was not recognised. Choose one from the list.")
        return redirect("fidelity:return_list")
    try:
        if request.POST.get("copy_forward"):
            qa_return = return_copy_forward(team=team, quarter=quarter, user=request.user)
            messages.success(
                request,
                "This quarter's draft starts from your last return. Check every score and update "
                "the evidence.",
            )
        else:
            qa_return = return_open(team=team, quarter=quarter, user=request.user)
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect("fidelity:return_list")
    return redirect("fidelity:return_tasks", pk=qa_return.pk)


def _principle_groups(rows, forms=None):
    """[(principle, [(row, form)])] in framework order."""
    pairs = list(zip(rows, forms or [None] * len(rows), strict=True))
    return [
        (principle, list(items))
        for principle, items in groupby(pairs, key=lambda pair: pair[0].indicator.principle)
    ]


def _score_rows(qa_return: QAReturn):
    return list(qa_return.scores.select_related("indicator__principle"))


@require_GET
def return_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _return_detail_page(request, get_return_for_user(user=request.user, pk=pk))


def _return_detail_page(
    request: HttpRequest,
    qa_return: QAReturn,
    *,
    send_back_form: CommentForm | None = None,
    reopen_form: ReopenForm | None = None,
) -> HttpResponse:
    """The return's page; the review forms bound to what the manager sent when it was refused."""
    version = qa_return.framework_version
    rows = _score_rows(qa_return)
    labels = dict(version.scale.values_list("value", "label"))
    figures = {name: getattr(qa_return, name) for name in CASELOAD_FIELDS}
    done, total = return_progress(qa_return=qa_return)
    reviewable = return_is_reviewable_by(qa_return=qa_return, user=request.user)
    bands = {b.slug: b.name for b in version.bands.all()}
    rules = band_rules(version=version)
    principle_scores = []
    for ps in qa_return.principle_scores.select_related("principle").order_by(
        "principle__position"
    ):
        band = scoring.band_for(ps.score, rules)
        principle_scores.append(
            (ps, band.name if band else None, bands.get(band.name) if band else None)
        )
    overall_band = scoring.band_for(qa_return.overall_score, rules)
    return render(
        request,
        "fidelity/return_detail.html",
        {
            "qa_return": qa_return,
            "groups": _principle_groups(rows),
            "labels": labels,
            "figures": [
                *(
                    (qa_return._meta.get_field(name).verbose_name, figures[name])
                    for name in CASELOAD_FIELDS
                ),
                *((m.name, value) for m, value in return_measure_answers(qa_return=qa_return)),
            ],
            "warning": validation.caseload_warning(figures, version.caseload_target_per_fte),
            "activities": qa_return.activities.all(),
            "transitions": qa_return.transitions.select_related("by"),
            "history": return_history(qa_return=qa_return),
            "principle_scores": principle_scores,
            "words": version.words,
            "overall_band": overall_band.name if overall_band else None,
            "overall_band_name": bands.get(overall_band.name) if overall_band else None,
            "done": done,
            "total": total,
            "display_status": return_display_status(
                qa_return=qa_return, deadline=qa_return.deadline, today=timezone.localdate()
            ),
            "editable": return_is_editable_by(qa_return=qa_return, user=request.user),
            "reviewable": reviewable,
            "allowed": transitions_allowed(qa_return=qa_return, user=request.user),
            "comment": return_comment_to_answer(qa_return=qa_return),
            "approve_form": ApproveForm(prefix="approve"),
            "send_back_form": send_back_form
            or CommentForm(prefix="send_back", deadline=qa_return.deadline),
            "reopen_form": reopen_form or ReopenForm(prefix="reopen", deadline=qa_return.deadline),
            "raised": qa_return.improvement_actions.select_related(
                "indicator", "team__organisation__pilot"
            ),
            "carried": improvement_actions_carried(qa_return=qa_return),
            "peer_gaps": peer_gaps(team=qa_return.team, quarter_index=qa_return.quarter_index),
        },
    )


def return_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The old single-page form's address: the return is now a task list."""
    qa_return = editable_return(request, pk)
    if isinstance(qa_return, HttpResponse):
        return qa_return
    return redirect("fidelity:return_tasks", pk=qa_return.pk)


@require_POST
def return_review(request: HttpRequest, pk: int) -> HttpResponse:
    """A pilot manager approves, sends back (with a comment) or reopens (with a reason)."""
    qa_return = get_return_for_user(user=request.user, pk=pk)
    action = request.POST.get("action")
    try:
        if action == "approve":
            form = ApproveForm(request.POST, prefix="approve")
            form.is_valid()
            return_approve(
                qa_return=qa_return,
                user=request.user,
                comment=form.cleaned_data.get("comment", ""),
            )
            messages.success(request, f"{qa_return} approved.")
        elif action == "send_back":
            form = CommentForm(request.POST, prefix="send_back")
            if not form.is_valid():
                messages.error(request, "The return was not sent back: correct what is marked.")
                return _return_detail_page(request, qa_return, send_back_form=form)
            return_send_back(
                qa_return=qa_return,
                user=request.user,
                comment=form.cleaned_data["comment"],
                due=form.cleaned_data["due"],
            )
            messages.success(
                request,
                f"{qa_return} sent back to the team with your comment; the changes are due by "
                f"{date_format(form.cleaned_data['due'])}.",
            )
        elif action == "reopen":
            form = ReopenForm(request.POST, prefix="reopen")
            if not form.is_valid():
                messages.error(request, "The return was not reopened: correct what is marked.")
                return _return_detail_page(request, qa_return, reopen_form=form)
            return_reopen(
                qa_return=qa_return,
                user=request.user,
                reason=form.cleaned_data["reason"],
                due=form.cleaned_data["due"],
            )
            messages.success(
                request,
                f"{qa_return} reopened; the team can change it again, by "
                f"{date_format(form.cleaned_data['due'])}.",
            )
        else:
            raise WorkflowError("Choose approve, send back or reopen.")
    except WorkflowError as error:
        messages.error(request, str(error))
    return redirect("fidelity:return_detail", pk=qa_return.pk)


@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    pilots = access.pilots_managed_by(user=request.user)
    pilot = access.pilot_in_view(
        user=request.user, requested=request.GET.get("pilot"), pilots=pilots
    )
    if pilot is None:
        raise Http404
    current = quarter_of_today(pilot=pilot)
    quarter = current
    if request.GET.get("quarter"):
        try:
            quarter = Quarter.from_slug(request.GET["quarter"], pilot.quarter_convention)
        except ValueError:
            messages.error(request, "That quarter was not recognised; showing this quarter.")
    returns = review_quarter(pilot=pilot, quarter=quarter, today=timezone.localdate())
    return render(
        request,
        "fidelity/review_list.html",
        {
            "pilot": pilot,
            "pilots": pilots,
            "quarter": quarter,
            "deadline": quarter.deadline(pilot.return_deadline_days),
            "previous": quarter.previous(),
            "next": quarter.next() if quarter.index < current.index else None,
            "statuses": returns.statuses,
            "counts": returns.counts,
        },
    )


@require_GET
def return_export(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    qa_return = get_return_for_user(user=request.user, pk=pk)
    if fmt not in ("csv", "xlsx", "fhir.json"):
        raise Http404
    record_event(
        kind=SecurityEventKind.EXPORT, request=request, detail=f"Return {qa_return.pk} ({fmt})"
    )
    quarter = qa_return.quarter_value
    filename = f"return-{qa_return.team.name}-{quarter.slug}.{fmt}".replace(" ", "-")
    if fmt == "fhir.json":
        return json_response(
            filename=filename,
            content=return_response_json(qa_return=qa_return),
            content_type=FHIR_JSON_CONTENT_TYPE,
        )
    table = exports.return_table(qa_return=qa_return)
    if fmt == "csv":
        return csv_response(filename=filename, table=table)
    return xlsx_response(filename=filename, tables=[table])


@require_GET
def returns_bundle(request: HttpRequest, quarter: str) -> HttpResponse:
    """A quarter's returns in a pilot (`?pilot=`), as a FHIR Bundle: only those this person may
    open; 404 for a pilot where they see no team."""
    pilot = access.pilot_in_view(
        user=request.user,
        requested=request.GET.get("pilot"),
        pilots=access.pilots_visible_to(user=request.user),
        fall_back=False,
    )
    if (
        pilot is None
        or not access.teams_visible_to(user=request.user).filter(organisation__pilot=pilot).exists()
    ):
        raise Http404
    try:
        chosen = Quarter.from_slug(quarter, pilot.quarter_convention)
    except ValueError:
        raise Http404 from None
    returns = returns_visible_to(user=request.user).filter(
        team__organisation__pilot=pilot, quarter_index=chosen.index
    )
    record_event(
        kind=SecurityEventKind.EXPORT,
        request=request,
        detail=f"Returns of {pilot} {chosen.label} (FHIR bundle)",
    )
    return json_response(
        filename=f"returns-{pilot.name}-{chosen.slug}.fhir.json".replace(" ", "-"),
        content=returns_bundle_json(returns=returns),
        content_type=FHIR_JSON_CONTENT_TYPE,
    )


@require_GET
def team_returns(request: HttpRequest, team_pk: int) -> HttpResponse:
    """The team's returns, for the team page (an htmx fragment)."""
    team = get_object_or_404(access.teams_visible_to(user=request.user), pk=team_pk)
    today = timezone.localdate()
    returns = returns_visible_to(user=request.user).filter(team=team)
    rows = []
    for r in returns.order_by("-quarter_index")[:8]:
        status = return_display_status(qa_return=r, deadline=r.deadline, today=today)
        rows.append((r, status, STATUS_LABELS[status]))
    return render(request, "fidelity/_return_team_list.html", {"team": team, "rows": rows})


@require_GET
def home_panel(request: HttpRequest) -> HttpResponse:
    """What this person should do next about returns: an htmx fragment for the home page."""
    panel = home_panel_for(user=request.user, today=timezone.localdate())
    return render(request, "fidelity/_home_panel.html", {"panel": panel})
