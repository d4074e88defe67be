"""Reads on returns: who may see or change which, what to open next, status, comments and history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from fidelity.returns import workflow
from fidelity.returns.models import (
    IndicatorScore,
    QAActivity,
    QAReturn,
    ReturnStatus,
    ReturnTransition,
)
from fidelity.returns.quarters import Quarter
from partners import access
from partners.models import Pilot, Team, User


def returns_visible_to(*, user: User) -> QuerySet[QAReturn]:
    """Team leaders: their own team's returns; managers: their pilots'; everyone else: none."""
    return QAReturn.objects.filter(
        team__in=access.teams_visible_to(user).values("id")
    ).select_related("team__organisation__pilot", "framework_version")


def get_return_for_user(*, user: User, pk: int) -> QAReturn:
    return get_object_or_404(returns_visible_to(user=user), pk=pk)


def return_is_editable_by(*, qa_return: QAReturn, user: User) -> bool:
    return (
        qa_return.is_editable
        and access.teams_editable_by(user).filter(pk=qa_return.team_id).exists()
    )


def return_is_reviewable_by(*, qa_return: QAReturn, user: User) -> bool:
    return access.is_pilot_manager(user, qa_return.team.organisation.pilot_id)


def quarter_of_today(*, pilot: Pilot) -> Quarter:
    return Quarter.containing(timezone.localdate(), pilot.quarter_convention)


@dataclass(frozen=True)
class QuarterToOpen:
    team: Team
    quarter: Quarter
    can_copy_forward: bool


def quarters_to_open(*, user: User, lookback: int = 4) -> list[QuarterToOpen]:
    """For each team the person leads: the current quarter and recent past ones with no return."""
    result = []
    for team in access.teams_editable_by(user).select_related("organisation__pilot"):
        pilot = team.organisation.pilot
        quarters = quarter_of_today(pilot=pilot).back(lookback)
        have = set(QAReturn.objects.filter(team=team).values_list("quarter_index", flat=True))
        earliest = min(have) if have else None
        for quarter in reversed(quarters):
            if quarter.index in have:
                continue
            result.append(
                QuarterToOpen(
                    team=team,
                    quarter=quarter,
                    can_copy_forward=earliest is not None and earliest < quarter.index,
                )
            )
    return result


def return_progress(*, qa_return: QAReturn) -> tuple[int, int]:
    """(indicators scored or marked not assessed, indicators in all)."""
    rows = list(qa_return.scores.values_list("score", "not_assessed"))
    done = sum(1 for score, not_assessed in rows if score is not None or not_assessed)
    return done, len(rows)


def return_comment_to_answer(*, qa_return: QAReturn) -> ReturnTransition | None:
    """The manager's comment when the return was sent back or reopened, while it is returned."""
    if qa_return.status != ReturnStatus.RETURNED:
        return None
    return (
        qa_return.transitions.filter(to_status=ReturnStatus.RETURNED)
        .select_related("by")
        .order_by("-at", "-pk")
        .first()
    )


def return_display_status(qa_return: QAReturn | None, *, deadline, today) -> str:
    """not_started, draft, submitted, returned, approved or overdue."""
    if qa_return is None:
        return "overdue" if today > deadline else "not_started"
    if qa_return.is_overdue(today):
        return "overdue"
    return qa_return.status


STATUS_LABELS = {
    "not_started": "Not started",
    "draft": "Draft",
    "submitted": "Submitted",
    "returned": "Returned for changes",
    "approved": "Approved",
    "overdue": "Overdue",
}


@dataclass(frozen=True)
class TeamReturnStatus:
    team: Team
    qa_return: QAReturn | None
    status: str

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def awaits_review(self) -> bool:
        return self.qa_return is not None and workflow.awaits_review(status=self.qa_return.status)


def quarter_return_statuses(*, pilot: Pilot, quarter: Quarter) -> list[TeamReturnStatus]:
    """Every active team of the pilot with its return for the quarter (if any) and its status."""
    today = timezone.localdate()
    deadline = quarter.deadline(pilot.return_deadline_days)
    returns = {
        r.team_id: r
        for r in QAReturn.objects.filter(
            team__organisation__pilot=pilot, year=quarter.year, quarter=quarter.number
        )
    }
    teams = Team.objects.filter(organisation__pilot=pilot, is_active=True).select_related(
        "organisation"
    )
    return [
        TeamReturnStatus(
            team=team,
            qa_return=returns.get(team.pk),
            status=return_display_status(
                returns.get(team.pk),
                deadline=returns[team.pk].deadline if team.pk in returns else deadline,
                today=today,
            ),
        )
        for team in teams.order_by("name")
    ]


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    who: str
    what: str
    field: str
    old: str
    new: str


def _value_text(value: Any) -> str:
    if value is None or value == "":
        return "(blank)"
    if value is True:
        return "Yes"
    if value is False:
        return "No"
    return str(value)


def return_history(*, qa_return: QAReturn) -> list[HistoryEntry]:
    """Every change to the return, its scores and its activities since it was first submitted:
    who, when, what, the old and the new value. Newest first."""
    first = (
        qa_return.history.filter(status=ReturnStatus.SUBMITTED)
        .order_by("history_date", "history_id")
        .first()
    )
    if first is None:
        return []
    since = first.history_date
    entries: list[HistoryEntry] = []
    sources = [
        (qa_return.history.all(), lambda r: "Return"),
        (
            IndicatorScore.history.filter(qa_return_id=qa_return.pk),
            lambda r: f"Indicator {codes.get(r.indicator_id, '?')}",
        ),
        (
            QAActivity.history.filter(qa_return_id=qa_return.pk),
            lambda r: f"QA activity ({r.get_kind_display()})",
        ),
    ]
    codes = dict(
        IndicatorScore.objects.filter(qa_return=qa_return).values_list(
            "indicator_id", "indicator__code"
        )
    )
    for history, describe in sources:
        records = list(
            history.select_related("history_user").order_by("history_date", "history_id")
        )
        previous_by_object: dict[int, Any] = {}
        for record in records:
            before = previous_by_object.get(record.id)
            previous_by_object[record.id] = record
            if record.history_date < since:
                continue
            who = str(record.history_user) if record.history_user else "System"
            if before is None or record.history_type != "~":
                if record.history_type == "-" or before is None:
                    action = "Removed" if record.history_type == "-" else "Added"
                    entries.append(
                        HistoryEntry(record.history_date, who, describe(record), action, "", "")
                    )
                continue
            delta = record.diff_against(before)
            for change in delta.changes:
                field = record.instance._meta.get_field(change.field)
                entries.append(
                    HistoryEntry(
                        record.history_date,
                        who,
                        describe(record),
                        str(field.verbose_name).capitalize(),
                        _value_text(change.old),
                        _value_text(change.new),
                    )
                )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries
