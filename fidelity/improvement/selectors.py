"""Reads on improvement plans: low scores that need an action, actions carried from earlier
returns, open and overdue actions, and what stops a plan being complete.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from common.quarters import Quarter
from fidelity.frameworks.selectors import current_framework_version
from fidelity.frameworks.words import FrameworkWords
from fidelity.improvement.models import OPEN_ACTION_STATUSES, ActionStatus, ImprovementAction
from fidelity.returns import validation
from fidelity.returns.models import (
    COUNTED_STATUSES,
    IndicatorScore,
    QAReturn,
)
from partners.models import Pilot, Team


def improvement_plan_errors(*, qa_return: QAReturn) -> dict[str, str]:
    """Low scores without an action or a reason, and carried actions not yet updated."""
    errors = {}
    for low in improvement_low_scores(qa_return=qa_return):
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
    for action in improvement_actions_carried(qa_return=qa_return):
        if action.updated_on_id != qa_return.pk or validation.update_errors(
            status=action.status, note=action.update_note
        ):
            errors[f"carried action {action.pk}"] = (
                f"Say how the action on indicator {action.indicator.code} from "
                f"{action.qa_return.quarter_value.label} stands: done, in progress, or dropped "
                "with a reason."
            )
    return errors


@dataclass(frozen=True)
class LowScore:
    """An indicator scored 1 or 2 on a return, with its plan so far (if any)."""

    row: IndicatorScore
    action: ImprovementAction | None


def improvement_low_scores(*, qa_return: QAReturn) -> list[LowScore]:
    """The return's indicators that need an improvement action or a reason for none."""
    actions = {a.indicator_id: a for a in qa_return.improvement_actions.all()}
    return [
        LowScore(row=row, action=actions.get(row.indicator_id))
        for row in qa_return.scores.select_related("indicator__principle")
        if validation.needs_action(row.score, row.not_assessed)
    ]


def improvement_actions_carried(*, qa_return: QAReturn) -> QuerySet[ImprovementAction]:
    """The team's actions from earlier returns still open when this return was opened, and those
    already updated on it: each must be updated on this return before it is submitted."""
    still_open = Q(no_action=False, status__in=OPEN_ACTION_STATUSES) & (
        Q(updated_on__isnull=True) | Q(updated_on__quarter_index__lt=qa_return.quarter_index)
    )
    return (
        ImprovementAction.objects.filter(
            team_id=qa_return.team_id, qa_return__quarter_index__lt=qa_return.quarter_index
        )
        .filter(still_open | Q(updated_on=qa_return))
        .select_related("indicator", "qa_return", "team__organisation__pilot")
        .order_by("qa_return__quarter_index", "principle_code", "indicator__position")
    )


def improvement_actions_open(*, pilot: Pilot) -> QuerySet[ImprovementAction]:
    return ImprovementAction.objects.filter(
        team__organisation__pilot=pilot,
        no_action=False,
        status__in=OPEN_ACTION_STATUSES,
        qa_return__status__in=COUNTED_STATUSES,
    ).select_related("team__organisation__pilot", "indicator", "qa_return")


def improvement_actions_overdue(
    *, pilot: Pilot, today: datetime.date
) -> QuerySet[ImprovementAction]:
    """Open actions whose target quarter ended before `today`'s quarter (for reminders)."""
    current = Quarter.containing(today, pilot.quarter_convention)
    return improvement_actions_open(pilot=pilot).filter(target_quarter_index__lt=current.index)


@dataclass(frozen=True)
class ActionCount:
    open: int = 0
    overdue: int = 0


@dataclass(frozen=True)
class ImprovementSummary:
    """Open and overdue actions per principle (rows) and local authority (columns)."""

    principles: list[tuple[str, str]]
    local_authorities: list[Any]
    words: FrameworkWords
    cells: dict[tuple[str, int], ActionCount]
    totals: dict[str, ActionCount]


def improvement_summary(*, pilot: Pilot, today: datetime.date) -> ImprovementSummary:
    from partners.models import LocalAuthority

    current = Quarter.containing(today, pilot.quarter_convention).index
    version = current_framework_version(pilot=pilot)
    principles = list(version.principles.values_list("code", "title"))
    las = list(LocalAuthority.objects.filter(zone__pilot=pilot).order_by("name"))
    counts: dict[tuple[str, int], list[int]] = {}
    totals: dict[str, list[int]] = {}
    actions = list(
        improvement_actions_open(pilot=pilot).prefetch_related("team__local_authorities")
    )
    for action in actions:
        overdue = int(
            action.target_quarter_index is not None and action.target_quarter_index < current
        )
        total = totals.setdefault(action.principle_code, [0, 0])
        total[0] += 1
        total[1] += overdue
        for la in action.team.local_authorities.all():
            cell = counts.setdefault((action.principle_code, la.pk), [0, 0])
            cell[0] += 1
            cell[1] += overdue
    return ImprovementSummary(
        principles=principles,
        local_authorities=las,
        cells={k: ActionCount(*v) for k, v in counts.items()},
        totals={k: ActionCount(*v) for k, v in totals.items()},
        words=version.words,
    )


def improvement_actions_for_principles(
    *, pilot: Pilot, principle_codes: list[str], teams: QuerySet[Team], up_to_quarter_index: int
) -> dict[str, list[ImprovementAction]]:
    """Open improvement actions raised up to a quarter on the given principles, by principle
    (for the quarterly report's lowest principles)."""
    result: dict[str, list[ImprovementAction]] = {code: [] for code in principle_codes}
    actions = (
        improvement_actions_open(pilot=pilot)
        .filter(
            principle_code__in=principle_codes,
            team__in=teams,
            qa_return__quarter_index__lte=up_to_quarter_index,
        )
        .order_by("principle_code", "team__name", "indicator__position")
    )
    for action in actions:
        result[action.principle_code].append(action)
    return result


def improvement_actions_completed(
    *, pilot: Pilot, first_index: int, last_index: int
) -> QuerySet[ImprovementAction]:
    """Actions raised on a counted return between two quarters and reported done by the last
    (on that return or a later one of those quarters), with their team and indicator: what
    teams changed over a period, for the legacy handbook."""
    return (
        ImprovementAction.objects.filter(
            team__organisation__pilot=pilot,
            no_action=False,
            status=ActionStatus.DONE,
            qa_return__status__in=COUNTED_STATUSES,
            qa_return__quarter_index__gte=first_index,
            qa_return__quarter_index__lte=last_index,
        )
        .filter(Q(updated_on__isnull=True) | Q(updated_on__quarter_index__lte=last_index))
        .select_related("team__organisation__pilot", "indicator", "qa_return", "updated_on")
        .prefetch_related("team__local_authorities")
        .order_by("principle_code", "qa_return__quarter_index", "team__name", "pk")
    )
