"""Writes on the quarterly QA return: open, copy forward, save a draft, submit, approve, send back, reopen."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from common.quarters import Quarter
from fidelity.dashboards.data_version import pilot_data_changed
from fidelity.errors import SubmitError, WorkflowError
from fidelity.frameworks import scoring
from fidelity.frameworks.models import (
    Indicator,
)
from fidelity.frameworks.selectors import current_framework_version
from fidelity.improvement.selectors import (
    improvement_plan_errors,
)
from fidelity.measures.selectors import return_measure_values, return_measures
from fidelity.measures.services import measure_values_save
from fidelity.measures.validation import measure_errors, measure_id_of
from fidelity.returns import due_dates, validation, workflow
from fidelity.returns.models import (
    CASELOAD_FIELDS,
    COUNTED_STATUSES,
    IndicatorScore,
    PrincipleScore,
    QAActivity,
    QAReturn,
    ReturnStatus,
    ReturnTransition,
)
from fidelity.returns.selectors import team_expected_in
from partners import access
from partners.models import Pilot, Team, User


@transaction.atomic
def return_store_scores(*, qa_return: QAReturn) -> None:
    """Computes the return's principle and overall scores and stores them as summary rows."""
    principles = list(qa_return.framework_version.principles.all())
    by_principle: dict[int, list[IndicatorScore]] = defaultdict(list)
    for row in IndicatorScore.objects.filter(qa_return=qa_return).select_related("indicator"):
        by_principle[row.indicator.principle_id].append(row)
    team = qa_return.team
    pilot_id = team.organisation.pilot_id
    rows = []
    for principle in principles:
        scores = by_principle.get(principle.pk, [])
        rows.append(
            PrincipleScore.summarising(
                qa_return=qa_return,
                principle=principle,
                pilot_id=pilot_id,
                scored=[s.score for s in scores if not s.not_assessed and s.score is not None],
                not_assessed=sum(1 for s in scores if s.not_assessed),
            )
        )
    PrincipleScore.objects.filter(qa_return=qa_return).delete()
    PrincipleScore.objects.bulk_create(rows)
    qa_return.overall_score = scoring.overall_score(r.score for r in rows)
    QAReturn.objects.filter(pk=qa_return.pk).update(overall_score=qa_return.overall_score)
    pilot_data_changed(pilot_id)


@dataclass(frozen=True)
class FieldChange:
    label: str
    saved: str
    yours: str


class ConflictError(Exception):
    """Someone else saved the return after this person opened it. Nothing was saved."""

    def __init__(self, *, changes: list[FieldChange], saved_by: str, lock_version: int) -> None:
        self.changes = changes
        self.saved_by = saved_by
        self.lock_version = lock_version
        super().__init__(
            f"{saved_by} saved this return while you were editing it. Nothing of yours was saved."
        )


def _require_team_leader(user: User, team: Team) -> None:
    if not access.teams_editable_by(user=user).filter(pk=team.pk).exists():
        raise WorkflowError(workflow.NOT_ALLOWED[workflow.TEAM_LEADER])


def current_quarter(*, pilot: Pilot) -> Quarter:
    return Quarter.containing(timezone.localdate(), pilot.quarter_convention)


@transaction.atomic
def return_open(*, team: Team, quarter: Quarter, user: User) -> QAReturn:
    """Opens the team's draft for `quarter` (or gives back the one already open).

    Returns are opened for the current quarter or a past one, never a future one.
    """
    _require_team_leader(user, team)
    pilot = team.organisation.pilot
    if quarter.index > current_quarter(pilot=pilot).index:
        raise WorkflowError(f"{quarter.label} has not started yet; its return cannot be opened.")
    if not team_expected_in(team=team, quarter=quarter):
        first = Quarter.from_index(team.start_quarter, pilot.quarter_convention)
        raise WorkflowError(
            f"{team.name} starts in {first.label}; it makes no return for {quarter.label}."
        )
    existing = QAReturn.objects.filter(team=team, year=quarter.year, quarter=quarter.number).first()
    if existing:
        return existing
    version = current_framework_version(pilot=pilot)
    qa_return = QAReturn(
        team=team,
        framework_version=version,
        year=quarter.year,
        quarter=quarter.number,
        deadline=quarter.deadline(pilot.return_deadline_days),
        created_by=user,
    )
    qa_return._history_user = user
    qa_return.save()
    IndicatorScore.objects.bulk_create(
        IndicatorScore(qa_return=qa_return, indicator=indicator)
        for indicator in Indicator.objects.filter(principle__version=version)
    )
    return qa_return


@transaction.atomic
def return_copy_forward(*, team: Team, quarter: Quarter, user: User) -> QAReturn:
    """Starts `quarter`'s draft from the team's latest earlier return: scores, reasons,
    evidence (as a starting point) and QA activities. Only into an empty draft."""
    previous = (
        QAReturn.objects.filter(team=team, quarter_index__lt=quarter.index)
        .order_by("-quarter_index")
        .first()
    )
    if previous is None:
        raise WorkflowError("There is no earlier return to copy from.")
    qa_return = return_open(team=team, quarter=quarter, user=user)
    qa_return = QAReturn.objects.select_for_update().get(pk=qa_return.pk)
    touched = (
        qa_return.activities.exists()
        or qa_return.scores.filter(
            Q(score__isnull=False) | Q(not_assessed=True) | ~Q(evidence="")
        ).exists()
    )
    if qa_return.status != ReturnStatus.DRAFT or touched:
        raise WorkflowError(
            "This quarter's return already has answers, so nothing was copied into it."
        )
    # Match indicators by principle and indicator code, so a copy across framework versions
    # carries over every indicator that still exists.
    old = {
        (s.indicator.principle.code, s.indicator.code): s
        for s in previous.scores.select_related("indicator__principle")
    }
    for row in qa_return.scores.select_related("indicator__principle"):
        source = old.get((row.indicator.principle.code, row.indicator.code))
        if source is None:
            continue
        row.score = source.score
        row.not_assessed = source.not_assessed
        row.not_assessed_reason = source.not_assessed_reason
        row.evidence = source.evidence
        row._history_user = user
        row.save()
    for activity in previous.activities.all():
        QAActivity.objects.create(
            qa_return=qa_return,
            kind=activity.kind,
            date=activity.date,
            count=activity.count,
            finding=activity.finding,
        )
    qa_return.lock_version += 1
    qa_return._history_user = user
    qa_return.save()
    return qa_return


def _text(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    return str(value)


def _score_text(row: Mapping[str, Any], labels: Mapping[int, str]) -> str:
    if row.get("not_assessed"):
        return "Not assessed"
    score = row.get("score")
    return "(blank)" if score is None else f"{score} {labels.get(score, '')}".strip()


def _differences(
    qa_return: QAReturn,
    figures: Mapping[str, Any],
    scores: Mapping[int, Mapping[str, Any]],
    activities: Sequence[Mapping[str, Any]] | None,
) -> list[FieldChange]:
    """Where the saved return differs from what this person is trying to save."""
    changes = []
    measure_names = {m.pk: m.name for m in return_measures(qa_return=qa_return)}
    measure_values = return_measure_values(qa_return=qa_return)
    for name, value in figures.items():
        measure_id = measure_id_of(name)
        if measure_id is not None:
            saved, label = measure_values.get(measure_id), measure_names.get(measure_id, name)
        else:
            saved, label = getattr(qa_return, name), QAReturn._meta.get_field(name).verbose_name
        if saved != value:
            changes.append(FieldChange(str(label).capitalize(), _text(saved), _text(value)))
    labels = {s.value: s.label for s in qa_return.framework_version.scale.all()}
    for row in qa_return.scores.select_related("indicator"):
        mine = scores.get(row.indicator_id)
        if mine is None:
            continue
        saved_row = {"score": row.score, "not_assessed": row.not_assessed}
        if _score_text(saved_row, labels) != _score_text(mine, labels):
            changes.append(
                FieldChange(
                    f"Indicator {row.indicator.code} score",
                    _score_text(saved_row, labels),
                    _score_text(mine, labels),
                )
            )
        for name, label in (("evidence", "evidence"), ("not_assessed_reason", "reason")):
            if (mine.get(name) or "") != getattr(row, name):
                changes.append(
                    FieldChange(
                        f"Indicator {row.indicator.code} {label}",
                        _text(getattr(row, name)),
                        _text(mine.get(name)),
                    )
                )
    if activities is None:  # not on the page being saved
        return changes
    saved_ids = set(qa_return.activities.values_list("pk", flat=True))
    kept_ids = {a["id"] for a in activities if a.get("id") and not a.get("delete")}
    if saved_ids - {a["id"] for a in activities if a.get("id")}:
        changes.append(FieldChange("QA activities", "An activity was added", "(not on your page)"))
    elif kept_ids - saved_ids:
        changes.append(FieldChange("QA activities", "An activity was removed", "(still on yours)"))
    return changes


def _last_saved_by(qa_return: QAReturn) -> str:
    record = qa_return.history.select_related("history_user").first()
    if record and record.history_user:
        return str(record.history_user)
    return "Someone else"


@transaction.atomic
def return_save_draft(
    *,
    qa_return: QAReturn,
    user: User,
    lock_version: int,
    figures: Mapping[str, Any],
    scores: Mapping[int, Mapping[str, Any]],
    activities: Sequence[Mapping[str, Any]] | None = None,
) -> QAReturn:
    """Saves whatever is filled in. Refuses a save based on an older version of the return.

    `figures` maps caseload field names, and `measure_key`s of the pilot's measures, to values;
    `scores` maps an indicator id to its score,
    not_assessed, not_assessed_reason and evidence; `activities` are dicts of id (None for a new
    one), kind, date, count, finding and delete (None: the page saved shows no activities).
    Each may hold one section of the return only.
    """
    locked = QAReturn.objects.select_for_update().select_related("team").get(pk=qa_return.pk)
    _require_team_leader(user, locked.team)
    if not locked.is_editable:
        raise WorkflowError(not_editable_message(locked))
    if locked.lock_version != lock_version:
        raise ConflictError(
            changes=_differences(locked, figures, scores, activities),
            saved_by=_last_saved_by(locked),
            lock_version=locked.lock_version,
        )
    measures = {}
    for name, value in figures.items():
        measure_id = measure_id_of(name)
        if measure_id is not None:
            measures[measure_id] = value
        elif name in CASELOAD_FIELDS:
            setattr(locked, name, value)
        else:
            raise ValueError(f"{name} is not a caseload figure or a measure.")
    measure_values_save(qa_return=locked, values=measures, user=user)
    for row in locked.scores.all():
        mine = scores.get(row.indicator_id)
        if mine is None:
            continue
        not_assessed = bool(mine.get("not_assessed"))
        new = {
            "score": None if not_assessed else mine.get("score"),
            "not_assessed": not_assessed,
            "not_assessed_reason": (mine.get("not_assessed_reason") or "") if not_assessed else "",
            "evidence": mine.get("evidence") or "",
        }
        if any(getattr(row, k) != v for k, v in new.items()):
            for k, v in new.items():
                setattr(row, k, v)
            row._history_user = user
            row.save()
    existing = {a.pk: a for a in locked.activities.all()}
    for item in activities or ():
        activity = existing.get(item.get("id")) if item.get("id") else None
        if item.get("id") and activity is None:
            continue  # removed by someone else meanwhile; the conflict check covers real clashes
        if activity is not None and item.get("delete"):
            activity._history_user = user
            activity.delete()
            continue
        if item.get("delete"):
            continue
        activity = activity or QAActivity(qa_return=locked)
        fields = {k: item.get(k) for k in ("kind", "date", "count", "finding")}
        if activity.pk and all(getattr(activity, k) == v for k, v in fields.items()):
            continue
        for k, v in fields.items():
            setattr(activity, k, v)
        activity._history_user = user
        activity.save()
    locked.lock_version += 1
    locked._history_user = user
    locked.save()
    return locked


def not_editable_message(qa_return: QAReturn) -> str:
    if qa_return.status == ReturnStatus.APPROVED:
        return (
            "This return is approved and locked. A pilot manager can reopen it if it must change."
        )
    return "This return has been submitted and is waiting for review, so it cannot be changed now."


def return_submit_errors(*, qa_return: QAReturn) -> dict[str, str]:
    """Everything that stops the return being submitted, keyed by where it is."""
    errors = {}
    for row in qa_return.scores.select_related("indicator"):
        for field, message in validation.score_errors(
            score=row.score, not_assessed=row.not_assessed, reason=row.not_assessed_reason
        ).items():
            key = validation.score_error_key(indicator_code=row.indicator.code, field=field)
            errors[key] = message
    figures = {name: getattr(qa_return, name) for name in CASELOAD_FIELDS}
    errors.update(validation.caseload_errors(figures))
    errors.update(
        measure_errors(
            measures=return_measures(qa_return=qa_return),
            values=return_measure_values(qa_return=qa_return),
            figures=figures,
        )
    )
    errors.update(improvement_plan_errors(qa_return=qa_return))
    return errors


@dataclass(frozen=True)
class SaveOutcome:
    qa_return: QAReturn
    submitted: bool
    # Why the saved draft could not be submitted (return_submit_errors); empty otherwise.
    submit_errors: dict[str, str]


def return_save_and_submit(
    *,
    qa_return: QAReturn,
    user: User,
    lock_version: int,
    figures: Mapping[str, Any],
    scores: Mapping[int, Mapping[str, Any]],
    activities: Sequence[Mapping[str, Any]] | None = None,
    submit: bool,
) -> SaveOutcome:
    """Saves the team leader's answers as a draft and, if they pressed Submit, submits it.

    The answers are kept even when the return cannot be submitted yet: the outcome then carries
    every reason (`return_submit_errors`), for the form to show next to each field. Raises
    ConflictError (someone saved meanwhile; nothing saved) and WorkflowError as
    `return_save_draft` does.
    """
    saved = return_save_draft(
        qa_return=qa_return,
        user=user,
        lock_version=lock_version,
        figures=figures,
        scores=scores,
        activities=activities,
    )
    if not submit:
        return SaveOutcome(qa_return=saved, submitted=False, submit_errors={})
    try:
        submitted = return_submit(qa_return=saved, user=user)
    except SubmitError as error:
        return SaveOutcome(qa_return=saved, submitted=False, submit_errors=error.errors)
    return SaveOutcome(qa_return=submitted, submitted=True, submit_errors={})


def _require_role(user: User, qa_return: QAReturn, who: str) -> None:
    if who not in workflow.roles_on_return(qa_return=qa_return, user=user):
        raise WorkflowError(workflow.NOT_ALLOWED[who])


def _locked(qa_return: QAReturn) -> QAReturn:
    return (
        QAReturn.objects.select_for_update()
        .select_related("team__organisation", "framework_version")
        .get(pk=qa_return.pk)
    )


@transaction.atomic
def return_move(
    *,
    qa_return: QAReturn,
    user: User,
    transition: str,
    note: str = "",
    due: datetime.date | None = None,
) -> QAReturn:
    """Moves the return by one entry of `workflow.TRANSITIONS`, after checking the person's role,
    the return's status and what the move requires, in that order. Every move is recorded as a
    ReturnTransition and in the return's history, with `note` (a comment or reason) as its reason.

    Arriving at submitted or approved stamps who and when and stores the scores; reopening an
    approved return clears its approval time (its stored scores stay until it is resubmitted).
    A move that sets a due date (send back, reopen) makes `due` the return's deadline, or
    `due_dates.default_changes_due` when none is given; a date in the past is refused.
    """
    move = workflow.TRANSITIONS[transition]
    locked = _locked(qa_return)
    _require_role(user, locked, move.who)
    if locked.status not in move.from_statuses:
        raise WorkflowError(move.wrong_status.format(status=locked.get_status_display().lower()))
    note = note.strip()
    if move.requires in (workflow.COMMENT, workflow.REASON) and not note:
        raise WorkflowError(move.missing)
    if move.requires == workflow.NO_SUBMIT_ERRORS:
        errors = return_submit_errors(qa_return=locked)
        if errors:
            raise SubmitError(errors)
    if move.sets_due_date:
        today = timezone.localdate()
        due = due or due_dates.default_changes_due(today=today, deadline=locked.deadline)
        if error := due_dates.due_date_error(due=due, today=today):
            raise WorkflowError(error)
        locked.deadline = due
    transition_row = ReturnTransition.objects.create(
        qa_return=locked, from_status=locked.status, to_status=move.to_status, by=user, comment=note
    )
    if locked.status == ReturnStatus.APPROVED:
        locked.approved_at = None
    if move.to_status == ReturnStatus.SUBMITTED:
        locked.submitted_at, locked.submitted_by = timezone.now(), user
    if move.to_status == ReturnStatus.APPROVED:
        locked.approved_at, locked.approved_by = timezone.now(), user
    locked.status = move.to_status
    locked.lock_version += 1
    locked._history_user = user
    locked._change_reason = transition_row.comment or transition_row.get_to_status_display()
    locked.save()
    if move.to_status in COUNTED_STATUSES:
        return_store_scores(qa_return=locked)  # counts (again), with scores worked out afresh
    else:
        # It stops counting at once: cached figures of the pilot are rebuilt.
        pilot_data_changed(locked.team.organisation.pilot_id)
    return locked


def return_submit(*, qa_return: QAReturn, user: User) -> QAReturn:
    return return_move(qa_return=qa_return, user=user, transition="submit")


def return_approve(*, qa_return: QAReturn, user: User, comment: str = "") -> QAReturn:
    return return_move(qa_return=qa_return, user=user, transition="approve", note=comment)


def return_send_back(
    *, qa_return: QAReturn, user: User, comment: str, due: datetime.date | None = None
) -> QAReturn:
    """Sends a submitted return back to the team, due again on `due` (by default 10 working
    days from today, or its own deadline if later)."""
    return return_move(
        qa_return=qa_return, user=user, transition="send_back", note=comment, due=due
    )


def return_reopen(
    *, qa_return: QAReturn, user: User, reason: str, due: datetime.date | None = None
) -> QAReturn:
    """Unlocks an approved return for changes, due again on `due` as when sending back. Its
    stored scores stay until it is resubmitted, when they are computed again."""
    return return_move(qa_return=qa_return, user=user, transition="reopen", note=reason, due=due)
