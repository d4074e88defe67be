"""Improvement plan pages: the team's plan on a return, the pilot's open actions, exports."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from common.downloads import csv_response, xlsx_response
from common.quarters import Quarter
from fidelity.errors import WorkflowError
from fidelity.frameworks.selectors import pilot_framework_words
from fidelity.improvement.exports import improvement_actions_table
from fidelity.improvement.forms import PlanForm, UpdateForm
from fidelity.improvement.selectors import (
    improvement_actions_carried,
    improvement_actions_open,
    improvement_low_scores,
    improvement_summary,
)
from fidelity.improvement.services import improvement_plan_save
from fidelity.returns.section_views import after_save
from fidelity.returns.sections import IMPROVEMENT, return_problems
from fidelity.returns.selectors import get_return_for_user, return_is_editable_by
from partners import access
from partners.audit import record_event
from partners.models import SecurityEventKind


def return_improvement(request: HttpRequest, pk: int) -> HttpResponse:
    """The team leader's improvement plan for a return: low scores and carried actions."""
    qa_return = get_return_for_user(user=request.user, pk=pk)
    if not return_is_editable_by(qa_return=qa_return, user=request.user):
        raise Http404
    quarter = qa_return.quarter_value
    quarters = [quarter] + [
        Quarter.from_index(quarter.index + n, quarter.convention) for n in range(1, 5)
    ]
    lows = improvement_low_scores(qa_return=qa_return)
    carried = list(improvement_actions_carried(qa_return=qa_return))
    data = request.POST if request.method == "POST" else None
    if data is not None and "rest_in_progress" in data:
        data = data.copy()
        for action in carried:
            if not data.get(f"update-{action.pk}-status"):
                data[f"update-{action.pk}-status"] = "in_progress"
    plans = [
        PlanForm(data, prefix=f"plan-{low.row.indicator_id}", low=low, quarters=quarters)
        for low in lows
    ]
    updates = [
        UpdateForm(data, prefix=f"update-{a.pk}", action=a, qa_return=qa_return) for a in carried
    ]
    if request.method == "POST" and all(f.is_valid() for f in [*plans, *updates]):
        saved = after_save(request, qa_return, IMPROVEMENT)  # worked out before the save
        try:
            improvement_plan_save(
                qa_return=qa_return,
                user=request.user,
                plans={f.low.row.indicator_id: f.values() for f in plans if not f.is_blank},
                updates={f.action.pk: f.values() for f in updates},
            )
        except WorkflowError as error:
            messages.error(request, str(error))
            return redirect("fidelity:return_detail", pk=qa_return.pk)
        messages.success(request, "Improvement plan saved.")
        if "rest_in_progress" in data:
            return redirect("fidelity:return_improvement", pk=qa_return.pk)
        return saved
    return render(
        request,
        "fidelity/improvement_plan.html",
        {
            "qa_return": qa_return,
            "plans": plans,
            "updates": updates,
            "problems": [
                p for p in return_problems(qa_return=qa_return) if p.section == IMPROVEMENT
            ],
            "error_summary": [
                (f"{error}", form[name].auto_id)
                for form in [*plans, *updates]
                for name, errors in form.errors.items()
                for error in errors
            ],
            "unanswered": sum(1 for f in updates if not f["status"].value()),
        },
    )


def _managed_pilot(request: HttpRequest):
    pilot = access.pilot_in_view(user=request.user, requested=request.GET.get("pilot"))
    if pilot is None:
        raise Http404
    return pilot


@require_GET
def improvement_dashboard_panel(request: HttpRequest) -> HttpResponse:
    """Open and overdue actions per principle and LA: an htmx fragment for the dashboard."""
    pilot = _managed_pilot(request)
    summary = improvement_summary(pilot=pilot, today=timezone.localdate())
    rows = [
        (
            code,
            title,
            summary.totals.get(code),
            [(la, summary.cells.get((code, la.pk))) for la in summary.local_authorities],
        )
        for code, title in summary.principles
    ]
    return render(
        request,
        "fidelity/_improvement_panel.html",
        {"pilot": pilot, "summary": summary, "rows": rows, "words": summary.words},
    )


def _filtered_actions(request: HttpRequest, pilot):
    actions = improvement_actions_open(pilot=pilot).order_by(
        "principle_code", "team__name", "indicator__position"
    )
    if request.GET.get("principle"):
        actions = actions.filter(principle_code=request.GET["principle"])
    if request.GET.get("la", "").isdigit():
        actions = actions.filter(team__local_authorities=int(request.GET["la"]))
    current = Quarter.containing(timezone.localdate(), pilot.quarter_convention).index
    if request.GET.get("overdue"):
        actions = actions.filter(target_quarter_index__lt=current)
    return list(actions), current


@require_GET
def improvement_list(request: HttpRequest) -> HttpResponse:
    """The pilot's open improvement actions, filtered by principle, LA and overdue."""
    pilot = _managed_pilot(request)
    actions, current = _filtered_actions(request, pilot)
    return render(
        request,
        "fidelity/improvement_list.html",
        {
            "pilot": pilot,
            "rows": [(a, a.is_overdue(current)) for a in actions],
            "query": request.GET.urlencode(),
        },
    )


@require_GET
def improvement_export(request: HttpRequest, fmt: str) -> HttpResponse:
    pilot = _managed_pilot(request)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    actions, current = _filtered_actions(request, pilot)
    record_event(
        kind=SecurityEventKind.EXPORT, request=request, detail=f"Improvement actions ({fmt})"
    )
    table = improvement_actions_table(
        actions=actions, current_index=current, words=pilot_framework_words(pilot=pilot)
    )
    filename = f"improvement-actions.{fmt}"
    if fmt == "csv":
        return csv_response(filename=filename, table=table)
    return xlsx_response(filename=filename, tables=[table])
