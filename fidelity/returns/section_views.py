"""The return as a task list: the list of sections, one short page per section, and "Check your
answers", where the return is submitted. Thin views over fidelity.returns.services (writes) and
fidelity.returns.sections (reads)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from fidelity.errors import SubmitError, WorkflowError
from fidelity.improvement.selectors import improvement_actions_carried, improvement_low_scores
from fidelity.measures.selectors import (
    return_measure_answers,
    return_measure_values,
    return_measures,
)
from fidelity.measures.validation import measure_key
from fidelity.returns import sections as tasklist
from fidelity.returns.forms import ActivityFormSet, CaseloadForm, MeasuresForm, ScoreFormSet
from fidelity.returns.models import CASELOAD_FIELDS, QAReturn
from fidelity.returns.selectors import (
    get_return_for_user,
    return_comment_to_answer,
    return_is_editable_by,
)
from fidelity.returns.services import (
    ConflictError,
    not_editable_message,
    return_save_and_submit,
    return_save_draft,
)


def editable_return(request: HttpRequest, pk: int) -> QAReturn | HttpResponse:
    """The return if this person may fill it in now; otherwise a redirect to its page with why
    (404 for a return they may not see)."""
    qa_return = get_return_for_user(user=request.user, pk=pk)
    if return_is_editable_by(qa_return=qa_return, user=request.user):
        return qa_return
    if qa_return.is_editable:
        messages.error(request, "Only the team's leader can fill in its return.")
    else:
        messages.error(request, not_editable_message(qa_return))
    return redirect("fidelity:return_detail", pk=qa_return.pk)


def after_save(request: HttpRequest, qa_return: QAReturn, slug: str) -> HttpResponse:
    """Where "Save and continue" (the next section, or Check your answers after the last) and
    "Save and return to the task list" go; back to Check your answers when the change came
    from there.

    Views work this out before they save: once the save is committed, nothing may stand between
    it and the person being told (a database that went away just then answered 500 to a save
    that had been kept)."""
    if "tasks" in request.POST:
        return redirect("fidelity:return_tasks", pk=qa_return.pk)
    if request.GET.get("from") == "check":
        return redirect("fidelity:return_check", pk=qa_return.pk)
    slugs = [s for s, _ in tasklist.section_outline(qa_return=qa_return)]
    following = tasklist.next_section(slugs=slugs, slug=slug)
    if following is None:
        return redirect("fidelity:return_check", pk=qa_return.pk)
    return redirect(tasklist.section_url(qa_return=qa_return, slug=following))


@require_GET
def return_tasks(request: HttpRequest, pk: int) -> HttpResponse:
    qa_return = editable_return(request, pk)
    if isinstance(qa_return, HttpResponse):
        return qa_return
    sections = tasklist.return_sections(qa_return=qa_return)
    return render(
        request,
        "fidelity/return_tasks.html",
        {
            "qa_return": qa_return,
            "sections": [
                (s, tasklist.section_url(qa_return=qa_return, slug=s.slug)) for s in sections
            ],
            "completed": sum(1 for s in sections if s.status == tasklist.COMPLETED),
            "comment": return_comment_to_answer(qa_return=qa_return),
        },
    )


def _section_forms(request: HttpRequest, qa_return: QAReturn, slug: str):
    """(principle, scores formset, activities formset, figures form) for one section page;
    only the section's own part is not None. The figures form is the caseload's or the
    pilot's measures'."""
    data = request.POST if request.method == "POST" else None
    if slug == tasklist.CASELOAD:
        initial = {name: getattr(qa_return, name) for name in CASELOAD_FIELDS}
        return None, None, None, CaseloadForm(data, prefix="caseload", initial=initial)
    if slug == tasklist.MEASURES:
        measures = return_measures(qa_return=qa_return)
        if not measures:
            raise Http404
        values = return_measure_values(qa_return=qa_return)
        initial = {measure_key(m.pk): values.get(m.pk) for m in measures}
        form = MeasuresForm(
            data, prefix=tasklist.MEASURES_PREFIX, initial=initial, measures=measures
        )
        return None, None, None, form
    if slug == tasklist.ACTIVITIES:
        activities = ActivityFormSet(data, prefix="activity", queryset=qa_return.activities.all())
        return None, None, activities, None
    rows = [
        row
        for row in qa_return.scores.select_related("indicator__principle")
        if tasklist.principle_slug(row.indicator.principle) == slug
    ]
    if not rows:
        raise Http404
    scale = list(qa_return.framework_version.scale.values_list("value", "label"))
    scores = ScoreFormSet(data, prefix=tasklist.SCORE_PREFIX, rows=rows, scale=scale)
    return rows[0].indicator.principle, scores, None, None


def _field_errors(forms) -> list[tuple[str, str]]:
    """(message, field id) for every field error on the page, in page order."""
    summary = []
    for form in forms:
        for name, errors in form.errors.items():
            if name == "__all__":
                continue
            field = form[name]
            target = f"{field.auto_id}_0" if name == "rating" else field.auto_id
            label = (
                f"Indicator {form.indicator.code}" if hasattr(form, "indicator") else field.label
            )
            summary.extend((f"{label}: {error}", target) for error in errors)
    return summary


@require_http_methods(["GET", "POST"])
def return_section(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """One section of the return on its own page, saved by "Save and continue"."""
    qa_return = editable_return(request, pk)
    if isinstance(qa_return, HttpResponse):
        return qa_return
    principle, scores, activities, figures = _section_forms(request, qa_return, slug)
    forms = [f for f in (figures,) if f] + list(scores or []) + list(activities or [])
    conflict = None
    if request.method == "POST":
        if all(f.is_valid() for f in forms) and (activities is None or activities.is_valid()):
            saved = after_save(request, qa_return, slug)
            try:
                return_save_draft(
                    qa_return=qa_return,
                    user=request.user,
                    lock_version=_int(request.POST.get("lock_version")),
                    figures=figures.cleaned_data if figures else {},
                    scores=scores.values() if scores else {},
                    activities=activities.values() if activities else None,
                )
            except ConflictError as error:
                conflict = error
                messages.error(request, str(error))
            except WorkflowError as error:
                messages.error(request, str(error))
                return redirect("fidelity:return_detail", pk=qa_return.pk)
            else:
                messages.success(request, "Saved.")
                return saved
    elif request.GET.get("from") == "check":
        # Arriving from Check your answers: each of the section's problems next to its field.
        errors = tasklist.return_submit_errors(qa_return=qa_return)
        for form in forms:
            form.errors  # noqa: B018 (an unbound form's errors start empty here)
            form.cleaned_data = {}
        for part in (scores, figures):
            if part is not None:
                part.show_submit_errors(errors)
    # The heading and "Section 2 of 10" only: not every section's status (return_sections).
    caseload = figures if isinstance(figures, CaseloadForm) else None
    slugs, titles = zip(*tasklist.section_outline(qa_return=qa_return), strict=True)
    return render(
        request,
        "fidelity/return_section.html",
        {
            "qa_return": qa_return,
            "section_title": titles[slugs.index(slug)],
            "position": slugs.index(slug) + 1,
            "count": len(slugs),
            "principle": principle,
            "scores": scores,
            "activities": activities,
            "caseload": caseload,
            "measures": figures if isinstance(figures, MeasuresForm) else None,
            "error_summary": _field_errors(forms) if request.method == "POST" else [],
            "conflict": conflict,
            "lock_version": conflict.lock_version if conflict else qa_return.lock_version,
            "warning": caseload.warning(qa_return.framework_version.caseload_target_per_fte)
            if caseload and (not caseload.is_bound or caseload.is_valid())
            else None,
        },
    )


def _answers(qa_return: QAReturn) -> list[tuple[tasklist.Section, str, list[tuple]]]:
    """(section, its url, [(question, answer, field id)]) for Check your answers."""
    sections = tasklist.return_sections(qa_return=qa_return)
    labels = dict(qa_return.framework_version.scale.values_list("value", "label"))
    rows = list(qa_return.scores.select_related("indicator__principle"))
    result = []
    for section in sections:
        answers: list[tuple] = []
        if section.principle is not None:
            for row in rows:
                if row.indicator.principle_id != section.principle.pk:
                    continue
                code = row.indicator.code
                if row.not_assessed:
                    answer = f"Not assessed: {row.not_assessed_reason or '(no reason given)'}"
                elif row.score is not None:
                    answer = f"{row.score} {labels.get(row.score, '')}".strip()
                else:
                    answer = ""
                answers.append(
                    (
                        f"{code} {row.indicator.text}",
                        answer,
                        row.evidence,
                        tasklist.score_field_id(indicator_code=code, field="rating"),
                    )
                )
        elif section.slug == tasklist.ACTIVITIES:
            for activity in qa_return.activities.all():
                count = f" ({activity.count})" if activity.count is not None else ""
                answers.append(
                    (
                        f"{activity.get_kind_display()}, {activity.date}",
                        f"{activity.finding}{count}",
                        "",
                        "activities",
                    )
                )
        elif section.slug == tasklist.CASELOAD:
            for name in CASELOAD_FIELDS:
                label = str(QAReturn._meta.get_field(name).verbose_name)
                value = getattr(qa_return, name)
                answers.append(
                    (
                        label[0].upper() + label[1:],
                        "" if value is None else str(value),
                        "",
                        f"id_caseload-{name}",
                    )
                )
        elif section.slug == tasklist.MEASURES:
            for measure, value in return_measure_answers(qa_return=qa_return):
                answers.append(
                    (
                        measure.name,
                        "" if value is None else str(value),
                        "",
                        tasklist.measure_field_id(measure.pk),
                    )
                )
        else:
            for low in improvement_low_scores(qa_return=qa_return):
                action = low.action
                if action is None:
                    answer = ""
                elif action.no_action:
                    answer = f"No action: {action.no_action_reason}"
                else:
                    target = action.target_quarter.label if action.target_quarter else "no date"
                    answer = f"{action.what} ({action.owner}, by {target})"
                answers.append(
                    (
                        f"New action on {low.row.indicator.code} (scored {low.row.score})",
                        answer,
                        "",
                        f"id_plan-{low.row.indicator_id}-plan_0",
                    )
                )
            for action in improvement_actions_carried(qa_return=qa_return):
                updated = action.updated_on_id == qa_return.pk
                answers.append(
                    (
                        f"Action on {action.indicator.code} from "
                        f"{action.qa_return.quarter_value.label}",
                        action.get_status_display() if updated else "",
                        action.update_note if updated else "",
                        f"id_update-{action.pk}-status",
                    )
                )
        result.append(
            (section, tasklist.section_url(qa_return=qa_return, slug=section.slug), answers)
        )
    return result


@require_GET
def return_check(request: HttpRequest, pk: int) -> HttpResponse:
    qa_return = editable_return(request, pk)
    if isinstance(qa_return, HttpResponse):
        return qa_return
    return _check_page(request, qa_return)


def _check_page(request: HttpRequest, qa_return: QAReturn, status: int = 200) -> HttpResponse:
    return render(
        request,
        "fidelity/return_check.html",
        {
            "qa_return": qa_return,
            "problems": tasklist.return_problems(qa_return=qa_return),
            "answers": _answers(qa_return),
            "lock_version": qa_return.lock_version,
        },
        status=status,
    )


@require_POST
def return_check_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit, from Check your answers only. Refused (with every problem listed) while the submit
    service finds any; refused if the return changed since the page was shown."""
    qa_return = editable_return(request, pk)
    if isinstance(qa_return, HttpResponse):
        return qa_return
    try:
        outcome = return_save_and_submit(
            qa_return=qa_return,
            user=request.user,
            lock_version=_int(request.POST.get("lock_version")),
            figures={},
            scores={},
            submit=True,
        )
    except ConflictError as error:
        messages.error(request, f"{error} Check the answers below again, then submit.")
        return redirect("fidelity:return_check", pk=qa_return.pk)
    except WorkflowError as error:
        messages.error(request, str(error))
        return redirect("fidelity:return_detail", pk=qa_return.pk)
    if outcome.submitted:
        messages.success(request, "Return submitted for review. Thank you.")
        return redirect("fidelity:return_detail", pk=qa_return.pk)
    messages.error(request, str(SubmitError(outcome.submit_errors)))
    return _check_page(request, outcome.qa_return)


def _int(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
