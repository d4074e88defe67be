"""Writes: every change to frameworks and returns goes through these functions."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from partners import access
from partners.models import Pilot, Team, User

from . import scoring, selectors, validation
from .data_version import pilot_data_changed
from .models import (
    CASELOAD_FIELDS,
    Band,
    FrameworkVersion,
    ImprovementAction,
    Indicator,
    IndicatorScore,
    PeerReview,
    PeerReviewScore,
    PeerReviewStatus,
    PilotFramework,
    Principle,
    PrincipleScore,
    QAActivity,
    QAReturn,
    ReturnStatus,
    ReturnTransition,
    ScaleLevel,
)
from .quarters import Quarter
from .selectors import current_framework_version


def band_rules(version: FrameworkVersion) -> list[scoring.BandRule]:
    return [scoring.BandRule(name=b.slug, minimum=b.minimum) for b in version.bands.all()]


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
        scored = [s.score for s in scores if not s.not_assessed and s.score is not None]
        rows.append(
            PrincipleScore(
                qa_return=qa_return,
                principle=principle,
                principle_code=principle.code,
                team=team,
                pilot_id=pilot_id,
                quarter_index=qa_return.quarter_index,
                score=scoring.principle_score(scored),
                scored_count=len(scored),
                not_assessed_count=sum(1 for s in scores if s.not_assessed),
            )
        )
    PrincipleScore.objects.filter(qa_return=qa_return).delete()
    PrincipleScore.objects.bulk_create(rows)
    qa_return.overall_score = scoring.overall_score(r.score for r in rows)
    QAReturn.objects.filter(pk=qa_return.pk).update(overall_score=qa_return.overall_score)
    pilot_data_changed(pilot_id)


# --- Errors views show as messages -------------------------------------------------------------


class WorkflowError(Exception):
    """A move the return's state or the person's role does not allow. The message is for users."""


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


class SubmitError(WorkflowError):
    """A return that is not complete or consistent. `errors` maps a place to its message."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(
            f"The return cannot be submitted yet: {len(errors)} "
            f"{'thing needs' if len(errors) == 1 else 'things need'} fixing."
        )


# --- Framework versions ------------------------------------------------------------------------


def framework_version_in_use(*, version: FrameworkVersion) -> bool:
    return QAReturn.objects.filter(framework_version=version).exists()


@transaction.atomic
def framework_revise(
    *,
    version: FrameworkVersion,
    notes: str,
    indicator_changes: Mapping[str, Mapping[str, str]] | None = None,
    new_indicators: Sequence[tuple[str, str]] = (),
    caseload_target_per_fte: Decimal | None = None,
) -> FrameworkVersion:
    """Applies an edit to a framework version; if returns already use it, to a copy instead.

    `indicator_changes` maps an indicator code to new field values (text, guidance);
    `new_indicators` adds (principle code, text) pairs. Returns already made keep the version they
    were scored on; pilots that used the old version move to the new one.
    """
    target = version
    if framework_version_in_use(version=version):
        target = _framework_copy(version=version, notes=notes)
        PilotFramework.objects.filter(version=version).update(version=target)
    elif notes:
        target.notes = notes
    if caseload_target_per_fte is not None:
        target.caseload_target_per_fte = caseload_target_per_fte
    target.save()
    indicators = {i.code: i for i in Indicator.objects.filter(principle__version=target)}
    for code, fields in (indicator_changes or {}).items():
        if code not in indicators:
            raise WorkflowError(f"There is no indicator {code} in this framework.")
        indicator = indicators[code]
        for name in ("text", "guidance"):
            if name in fields:
                setattr(indicator, name, fields[name])
        indicator.save()
    for principle_code, text in new_indicators:
        principle = target.principles.get(code=principle_code)
        position = (principle.indicators.aggregate(m=Max("position"))["m"] or 0) + 1
        Indicator.objects.create(
            principle=principle,
            code=f"{principle.position}.{position}",
            position=position,
            text=text,
        )
    return target


def _framework_copy(*, version: FrameworkVersion, notes: str) -> FrameworkVersion:
    number = (version.framework.versions.aggregate(m=Max("number"))["m"] or 0) + 1
    copy = FrameworkVersion.objects.create(
        framework=version.framework,
        number=number,
        notes=notes or f"Revised from version {version.number}.",
        caseload_target_per_fte=version.caseload_target_per_fte,
    )
    ScaleLevel.objects.bulk_create(
        ScaleLevel(version=copy, value=s.value, label=s.label) for s in version.scale.all()
    )
    Band.objects.bulk_create(
        Band(version=copy, name=b.name, slug=b.slug, minimum=b.minimum) for b in version.bands.all()
    )
    for principle in version.principles.prefetch_related("indicators"):
        new_principle = Principle.objects.create(
            version=copy,
            code=principle.code,
            position=principle.position,
            title=principle.title,
            description=principle.description,
        )
        Indicator.objects.bulk_create(
            Indicator(
                principle=new_principle,
                code=i.code,
                position=i.position,
                text=i.text,
                guidance=i.guidance,
            )
            for i in principle.indicators.all()
        )
    return copy


# --- Opening a return --------------------------------------------------------------------------


def _require_team_leader(user: User, team: Team) -> None:
    if not access.teams_editable_by(user).filter(pk=team.pk).exists():
        raise WorkflowError("Only the team's leader can fill in or submit its return.")


def _require_manager(user: User, qa_return: QAReturn) -> None:
    if not access.is_pilot_manager(user, qa_return.team.organisation.pilot_id):
        raise WorkflowError("Only a manager of this pilot can review returns.")


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


# --- Saving a draft ----------------------------------------------------------------------------


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
    activities: Sequence[Mapping[str, Any]],
) -> list[FieldChange]:
    """Where the saved return differs from what this person is trying to save."""
    changes = []
    for name, value in figures.items():
        saved = getattr(qa_return, name)
        if saved != value:
            label = QAReturn._meta.get_field(name).verbose_name
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
    activities: Sequence[Mapping[str, Any]] = (),
) -> QAReturn:
    """Saves whatever is filled in. Refuses a save based on an older version of the return.

    `figures` maps caseload field names to values; `scores` maps an indicator id to its score,
    not_assessed, not_assessed_reason and evidence; `activities` are dicts of id (None for a new
    one), kind, date, count, finding and delete.
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
    for name, value in figures.items():
        if name not in CASELOAD_FIELDS:
            raise ValueError(f"{name} is not a caseload figure.")
        setattr(locked, name, value)
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
    for item in activities:
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


# --- Workflow ----------------------------------------------------------------------------------


def return_submit_errors(*, qa_return: QAReturn) -> dict[str, str]:
    """Everything that stops the return being submitted, keyed by where it is."""
    errors = {}
    for row in qa_return.scores.select_related("indicator"):
        for field, message in validation.score_errors(
            score=row.score, not_assessed=row.not_assessed, reason=row.not_assessed_reason
        ).items():
            errors[f"indicator {row.indicator.code} {field}"] = message
    figures = {name: getattr(qa_return, name) for name in CASELOAD_FIELDS}
    errors.update(validation.caseload_errors(figures))
    errors.update(improvement_plan_errors(qa_return=qa_return))
    return errors


def improvement_plan_errors(*, qa_return: QAReturn) -> dict[str, str]:
    """Low scores without an action or a reason, and carried actions not yet updated."""
    errors = {}
    for low in selectors.improvement_low_scores(qa_return=qa_return):
        a = low.action
        problems = validation.plan_errors(
            no_action=bool(a and a.no_action),
            reason=a.no_action_reason if a else "",
            what=a.what if a else "",
            owner=a.owner if a else "",
            target=a.target_quarter_index if a else None,
        )
        if problems:
            errors[f"improvement {low.row.indicator.code}"] = (
                f"Indicator {low.row.indicator.code} scored {low.row.score}: add an improvement "
                "action (what will change, who owns it, by when) or say why no action is needed."
            )
    for action in selectors.improvement_actions_carried(qa_return=qa_return):
        if action.updated_on_id != qa_return.pk or validation.update_errors(
            status=action.status, note=action.update_note
        ):
            errors[f"carried action {action.pk}"] = (
                f"Say how the action on indicator {action.indicator.code} from "
                f"{action.qa_return.quarter_value.label} stands: done, in progress, or dropped "
                "with a reason."
            )
    return errors


def _move(
    qa_return: QAReturn, user: User, to_status: str, comment: str = "", **fields: Any
) -> QAReturn:
    transition = ReturnTransition.objects.create(
        qa_return=qa_return,
        from_status=qa_return.status,
        to_status=to_status,
        by=user,
        comment=comment,
    )
    qa_return.status = to_status
    for name, value in fields.items():
        setattr(qa_return, name, value)
    qa_return.lock_version += 1
    qa_return._history_user = user
    qa_return._change_reason = transition.comment or transition.get_to_status_display()
    qa_return.save()
    return qa_return


def _locked(qa_return: QAReturn) -> QAReturn:
    return (
        QAReturn.objects.select_for_update()
        .select_related("team__organisation", "framework_version")
        .get(pk=qa_return.pk)
    )


@transaction.atomic
def return_submit(*, qa_return: QAReturn, user: User) -> QAReturn:
    locked = _locked(qa_return)
    _require_team_leader(user, locked.team)
    if locked.status not in (ReturnStatus.DRAFT, ReturnStatus.RETURNED):
        raise WorkflowError(
            f"This return is {locked.get_status_display().lower()}; only a draft or a return "
            "sent back for changes can be submitted."
        )
    errors = return_submit_errors(qa_return=locked)
    if errors:
        raise SubmitError(errors)
    _move(locked, user, ReturnStatus.SUBMITTED, submitted_at=timezone.now(), submitted_by=user)
    return_store_scores(qa_return=locked)
    return locked


@transaction.atomic
def return_approve(*, qa_return: QAReturn, user: User, comment: str = "") -> QAReturn:
    locked = _locked(qa_return)
    _require_manager(user, locked)
    if locked.status != ReturnStatus.SUBMITTED:
        raise WorkflowError(
            f"Only a submitted return can be approved; this one is "
            f"{locked.get_status_display().lower()}."
        )
    _move(
        locked, user, ReturnStatus.APPROVED, comment, approved_at=timezone.now(), approved_by=user
    )
    return_store_scores(qa_return=locked)
    return locked


@transaction.atomic
def return_send_back(*, qa_return: QAReturn, user: User, comment: str) -> QAReturn:
    locked = _locked(qa_return)
    _require_manager(user, locked)
    if locked.status != ReturnStatus.SUBMITTED:
        raise WorkflowError(
            f"Only a submitted return can be sent back for changes; this one is "
            f"{locked.get_status_display().lower()}."
        )
    if not comment.strip():
        raise WorkflowError("Say what needs to change before sending the return back.")
    return _move(locked, user, ReturnStatus.RETURNED, comment.strip())


@transaction.atomic
def return_reopen(*, qa_return: QAReturn, user: User, reason: str) -> QAReturn:
    """Unlocks an approved return for changes. Its stored scores stay until it is resubmitted,
    when they are computed again."""
    locked = _locked(qa_return)
    _require_manager(user, locked)
    if locked.status != ReturnStatus.APPROVED:
        raise WorkflowError(
            f"Only an approved return can be reopened; this one is "
            f"{locked.get_status_display().lower()}."
        )
    if not reason.strip():
        raise WorkflowError("Give a reason for reopening the approved return.")
    return _move(locked, user, ReturnStatus.RETURNED, reason.strip(), approved_at=None)


# --- Improvement plans -------------------------------------------------------------------------


@transaction.atomic
def improvement_plan_save(
    *,
    qa_return: QAReturn,
    user: User,
    plans: Mapping[int, Mapping[str, Any]],
    updates: Mapping[int, Mapping[str, Any]] = {},  # noqa: B006 (read only)
) -> QAReturn:
    """Saves the return's improvement plan as far as it is filled in.

    `plans` maps an indicator id (scored 1 or 2 on this return) to no_action, no_action_reason,
    what, owner and target (a quarter index); `updates` maps the id of an action carried from an
    earlier return to its status (in_progress, done, dropped) and update_note.
    """
    locked = QAReturn.objects.select_for_update().select_related("team").get(pk=qa_return.pk)
    _require_team_leader(user, locked.team)
    if not locked.is_editable:
        raise WorkflowError(not_editable_message(locked))
    low = {
        item.row.indicator_id: item for item in selectors.improvement_low_scores(qa_return=locked)
    }
    for indicator_id, plan in plans.items():
        item = low.get(indicator_id)
        if item is None:
            continue  # the score is no longer low; its plan is not needed
        action = item.action or ImprovementAction(
            qa_return=locked,
            team=locked.team,
            indicator=item.row.indicator,
            principle_code=item.row.indicator.principle.code,
        )
        no_action = bool(plan.get("no_action"))
        action.no_action = no_action
        action.no_action_reason = (plan.get("no_action_reason") or "") if no_action else ""
        action.what = "" if no_action else plan.get("what") or ""
        action.owner = "" if no_action else plan.get("owner") or ""
        action.target_quarter_index = None if no_action else plan.get("target")
        action._history_user = user
        action.save()
    carried = {a.pk: a for a in selectors.improvement_actions_carried(qa_return=locked)}
    for action_id, update in updates.items():
        action = carried.get(action_id)
        status = update.get("status") or ""
        if action is None or not status:
            continue
        action.status = status
        action.update_note = update.get("update_note") or ""
        action.updated_on = locked
        action._history_user = user
        action.save()
    # Raise the lock version so a return form opened before this change does not overwrite it.
    locked.lock_version += 1
    locked._history_user = user
    locked.save()
    return locked


# --- Peer review -------------------------------------------------------------------------------


class PeerReviewError(WorkflowError):
    """A peer review move that is not allowed. The message is for users."""


@transaction.atomic
def peer_review_assign(
    *,
    team: Team,
    quarter: Quarter,
    reviewer: User,
    user: User,
    indicator_ids: Sequence[int] = (),
) -> PeerReview:
    """A pilot manager asks a co-production reviewer to review a team for a quarter, on all of
    the framework's indicators or those chosen."""
    pilot = team.organisation.pilot
    if not access.is_pilot_manager(user, pilot.pk):
        raise PeerReviewError("Only a manager of this pilot can assign peer reviews.")
    if not access.reviewers_of(pilot).filter(pk=reviewer.pk).exists():
        raise PeerReviewError("That person is not on this pilot's co-production panel.")
    if PeerReview.objects.filter(
        team=team, year=quarter.year, quarter=quarter.number, reviewer=reviewer
    ).exists():
        raise PeerReviewError(f"{reviewer} already reviews {team} for {quarter.label}.")
    version = current_framework_version(pilot=pilot)
    indicators = Indicator.objects.filter(principle__version=version)
    if indicator_ids:
        indicators = indicators.filter(pk__in=indicator_ids)
    review = PeerReview(
        team=team,
        framework_version=version,
        year=quarter.year,
        quarter=quarter.number,
        reviewer=reviewer,
        assigned_by=user,
    )
    review._history_user = user
    review.save()
    PeerReviewScore.objects.bulk_create(
        PeerReviewScore(review=review, indicator=indicator) for indicator in indicators
    )
    return review


def _require_reviewer(review: PeerReview, user: User) -> None:
    if review.reviewer_id != user.pk:
        raise PeerReviewError("Only the reviewer it was assigned to can fill in this review.")
    if review.is_submitted:
        raise PeerReviewError("This review has been submitted, so it cannot be changed.")


@transaction.atomic
def peer_review_save(
    *,
    review: PeerReview,
    user: User,
    scores: Mapping[int, Mapping[str, Any]] = {},  # noqa: B006 (read only)
    methods: Mapping[str, Any] = {},  # noqa: B006 (read only)
) -> PeerReview:
    """Saves one step of the review: `scores` maps an indicator id to score, not_assessed and
    evidence; `methods` sets client_interviews, case_files, observation and summary."""
    locked = PeerReview.objects.select_for_update().get(pk=review.pk)
    _require_reviewer(locked, user)
    for row in locked.scores.filter(indicator_id__in=list(scores)):
        mine = scores[row.indicator_id]
        not_assessed = bool(mine.get("not_assessed"))
        row.not_assessed = not_assessed
        row.score = None if not_assessed else mine.get("score")
        row.evidence = mine.get("evidence") or ""
        row.save()
    for name in ("client_interviews", "case_files", "observation", "summary"):
        if name in methods:
            setattr(locked, name, methods[name])
    if locked.status == PeerReviewStatus.ASSIGNED:
        locked.status = PeerReviewStatus.IN_PROGRESS
    locked._history_user = user
    locked.save()
    return locked


def peer_review_submit_errors(*, review: PeerReview) -> dict[str, str]:
    errors = {}
    rows = list(review.scores.select_related("indicator"))
    for row in rows:
        if row.score is None and not row.not_assessed:
            errors[row.indicator.code] = (
                f"Indicator {row.indicator.code}: choose a score, or 'I could not tell'."
            )
    if rows and all(row.not_assessed for row in rows):
        errors["scores"] = "Score at least one indicator before you send the review."
    return errors


@transaction.atomic
def peer_review_submit(*, review: PeerReview, user: User) -> PeerReview:
    locked = PeerReview.objects.select_for_update().get(pk=review.pk)
    _require_reviewer(locked, user)
    errors = peer_review_submit_errors(review=locked)
    if errors:
        raise SubmitError(errors)
    locked.status = PeerReviewStatus.SUBMITTED
    locked.submitted_at = timezone.now()
    locked._history_user = user
    locked.save()
    return locked
