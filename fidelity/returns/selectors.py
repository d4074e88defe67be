"""Reads on returns: who may see or change which, what to open next, status, comments and history."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.formats import date_format

from common.quarters import Quarter
from fidelity.peer_review.models import PeerReview, PeerReviewStatus
from fidelity.peer_review.selectors import peer_reviews_visible_to
from fidelity.returns import workflow
from fidelity.returns.models import (
    IndicatorScore,
    QAActivity,
    QAReturn,
    ReturnStatus,
    ReturnTransition,
)
from partners import access
from partners.models import Pilot, Team, User


def returns_visible_to(*, user: User) -> QuerySet[QAReturn]:
    """Team leaders: their own team's returns; managers: their pilots'; everyone else: none."""
    return QAReturn.objects.filter(
        team__in=access.teams_visible_to(user=user).values("id")
    ).select_related("team__organisation__pilot", "framework_version")


def get_return_for_user(*, user: User, pk: int) -> QAReturn:
    return get_object_or_404(returns_visible_to(user=user), pk=pk)


def return_is_editable_by(*, qa_return: QAReturn, user: User) -> bool:
    return (
        qa_return.is_editable
        and access.teams_editable_by(user=user).filter(pk=qa_return.team_id).exists()
    )


def return_is_reviewable_by(*, qa_return: QAReturn, user: User) -> bool:
    return access.is_pilot_manager(user=user, pilot=qa_return.team.organisation.pilot_id)


def expected_from(*, start: int | None, index: int) -> bool:
    """The rule for a team that starts late (docs/figures.md): a team whose first quarter is
    `start` (a quarter index; None: every quarter) makes a return for quarter `index` from its
    first quarter on, and is neither asked for one nor counted as expected before it."""
    return start is None or index >= start


def team_expected_in(*, team: Team, quarter: Quarter) -> bool:
    return expected_from(start=team.start_quarter, index=quarter.index)


def teams_expected_in(index: int, prefix: str = "") -> Q:
    """`expected_from` as a filter on teams (`prefix`: the path to the team, e.g. "team__")."""
    return Q(**{f"{prefix}start_quarter__isnull": True}) | Q(
        **{f"{prefix}start_quarter__lte": index}
    )


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
    for team in access.teams_editable_by(user=user).select_related("organisation__pilot"):
        pilot = team.organisation.pilot
        quarters = quarter_of_today(pilot=pilot).back(lookback)
        have = set(QAReturn.objects.filter(team=team).values_list("quarter_index", flat=True))
        earliest = min(have) if have else None
        for quarter in reversed(quarters):
            if quarter.index in have or not team_expected_in(team=team, quarter=quarter):
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


def return_display_status(*, qa_return: QAReturn | None, deadline, today) -> str:
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


def quarter_return_statuses(
    *, pilot: Pilot, quarter: Quarter, today: datetime.date | None = None
) -> list[TeamReturnStatus]:
    """Every active team of the pilot expected in the quarter (`team_expected_in`) or with a
    return for it, with that return (if any) and its status."""
    today = today or timezone.localdate()
    deadline = quarter.deadline(pilot.return_deadline_days)
    returns = {
        r.team_id: r
        for r in QAReturn.objects.filter(
            team__organisation__pilot=pilot, year=quarter.year, quarter=quarter.number
        )
    }
    teams = (
        Team.objects.filter(organisation__pilot=pilot, is_active=True)
        .filter(teams_expected_in(quarter.index) | Q(pk__in=[*returns]))
        .select_related("organisation")
    )
    return [
        TeamReturnStatus(
            team=team,
            qa_return=returns.get(team.pk),
            status=return_display_status(
                qa_return=returns.get(team.pk),
                deadline=returns[team.pk].deadline if team.pk in returns else deadline,
                today=today,
            ),
        )
        for team in teams.order_by("name")
    ]


@dataclass(frozen=True)
class ReviewQuarter:
    """A pilot's returns for one quarter as the review list shows them, one row a team, with the
    counts the home panel quotes. The panel and the page both read them from here, so a number
    on the panel is the number of rows its link shows."""

    pilot: Pilot
    quarter: Quarter
    statuses: list[TeamReturnStatus]

    @property
    def waiting(self) -> int:
        """Rows with a return for the manager to approve or send back."""
        return sum(1 for s in self.statuses if s.awaits_review)

    @property
    def overdue(self) -> int:
        return sum(1 for s in self.statuses if s.status == "overdue")

    @property
    def counts(self) -> list[tuple[str, int]]:
        """(status label, rows) for each status present, in label order."""
        counts: dict[str, int] = {}
        for row in self.statuses:
            counts[row.status_label] = counts.get(row.status_label, 0) + 1
        return sorted(counts.items())


def review_quarter(*, pilot: Pilot, quarter: Quarter, today: datetime.date) -> ReviewQuarter:
    return ReviewQuarter(
        pilot=pilot,
        quarter=quarter,
        statuses=quarter_return_statuses(pilot=pilot, quarter=quarter, today=today),
    )


def returns_awaiting_review(*, pilot: Pilot) -> QuerySet[QAReturn]:
    """The pilot's returns a manager has to review: those of its active teams (the teams the
    review list shows) in a status that awaits review. The home panel, the review list and the
    weekly digest all count these."""
    awaiting = [s for s in ReturnStatus if workflow.awaits_review(status=s)]
    return QAReturn.objects.filter(
        team__organisation__pilot=pilot, team__is_active=True, status__in=awaiting
    )


def review_quarters_to_act_on(*, pilot: Pilot, today: datetime.date) -> list[ReviewQuarter]:
    """The quarters in which a manager of the pilot has something to do, newest first: every
    quarter with a return waiting for review, and this quarter and the last one when a return is
    overdue in them."""
    current = Quarter.containing(today, pilot.quarter_convention)
    indexes = set(returns_awaiting_review(pilot=pilot).values_list("quarter_index", flat=True))
    indexes |= {current.index, current.previous().index}
    quarters = [
        review_quarter(
            pilot=pilot, quarter=Quarter.from_index(index, pilot.quarter_convention), today=today
        )
        for index in sorted(indexes, reverse=True)
    ]
    return [q for q in quarters if q.waiting or q.overdue]


@dataclass(frozen=True)
class HistoryEntry:
    when: datetime.datetime
    who: str
    what: str
    field: str
    old: str
    new: str


class _ValueText:
    """A changed field's value as people read it: a status by its label, a person or team by
    name, a time as "30 November 2026, 19:42" in local time, a date as "20 October 2026"."""

    def __init__(self) -> None:
        self._names: dict[tuple[type[models.Model], Any], str] = {}

    def __call__(self, field: models.Field, value: Any) -> str:
        if value is None or value == "":
            return "(blank)"
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if field.is_relation:
            return self._name(field.related_model, value)
        if isinstance(value, bool):
            return "Yes" if value else "No"
        if isinstance(value, datetime.datetime):
            return date_format(timezone.localtime(value), "DATETIME_FORMAT")
        if isinstance(value, datetime.date):
            return date_format(value)
        return str(value)

    def _name(self, model: type[models.Model], pk: Any) -> str:
        if (model, pk) not in self._names:
            related = model._default_manager.filter(pk=pk).first()
            self._names[model, pk] = str(related) if related else "(deleted)"
        return self._names[model, pk]


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
    value_text = _ValueText()
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
                        value_text(field, change.old),
                        value_text(field, change.new),
                    )
                )
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


# --- What to do next: the team dashboard and the home page --------------------------------------

START = "start"
CONTINUE = "continue"
CHANGES = "changes"


@dataclass(frozen=True)
class ReturnStep:
    """One return the team has to act on: start it, continue the draft, or make the changes asked
    for. Only ever the current quarter's return or an earlier one that is not in."""

    quarter: Quarter
    qa_return: QAReturn | None
    due: datetime.date
    overdue: bool
    # The reviewer's comment, when the return was sent back or reopened.
    reason: str = ""

    @property
    def action(self) -> str:
        """START (no return yet), CONTINUE (a draft) or CHANGES (sent back or reopened)."""
        if self.qa_return is None:
            return START
        return CHANGES if self.qa_return.status == ReturnStatus.RETURNED else CONTINUE


@dataclass(frozen=True)
class TeamNextSteps:
    team: Team
    # Earliest due first. Empty when the team has nothing to do.
    steps: list[ReturnStep]
    # Returns of this quarter and the last that are with a manager: nothing for the team to do.
    waiting: list[QAReturn]
    # The next quarter, whose return can be started from its first day, and its deadline.
    next_quarter: Quarter
    next_quarter_due: datetime.date


def team_next_steps(*, team: Team, today: datetime.date) -> TeamNextSteps:
    """What the team has to do about its returns on `today`: start this quarter's return or last
    quarter's if it has none, continue each draft, make the changes asked for on each return sent
    back (the returns the reminders chase, `reports.reminders.selectors.returns_not_in`). A return
    that is submitted or approved is never a step."""
    pilot = team.organisation.pilot
    current = Quarter.containing(today, pilot.quarter_convention)
    recent = [current.previous(), current]
    returns = list(
        QAReturn.objects.filter(team=team, quarter_index__lte=current.index)
        .select_related("team__organisation__pilot")
        .filter(
            Q(quarter_index__in=[q.index for q in recent]) | Q(status__in=list(workflow.EDITABLE))
        )
        .annotate(
            reason=Subquery(
                ReturnTransition.objects.filter(
                    qa_return=OuterRef("pk"), to_status=ReturnStatus.RETURNED
                )
                .order_by("-at", "-pk")
                .values("comment")[:1]
            )
        )
    )
    steps = [
        ReturnStep(
            quarter=Quarter.from_index(r.quarter_index, pilot.quarter_convention),
            qa_return=r,
            due=r.deadline,
            overdue=return_display_status(qa_return=r, deadline=r.deadline, today=today)
            == "overdue",
            reason=(r.reason or "") if r.status == ReturnStatus.RETURNED else "",
        )
        for r in returns
        if r.is_editable
    ]
    started = {r.quarter_index for r in returns}
    for quarter in recent:
        if quarter.index not in started and team_expected_in(team=team, quarter=quarter):
            due = quarter.deadline(pilot.return_deadline_days)
            status = return_display_status(qa_return=None, deadline=due, today=today)
            steps.append(
                ReturnStep(quarter=quarter, qa_return=None, due=due, overdue=status == "overdue")
            )
    return TeamNextSteps(
        team=team,
        steps=sorted(steps, key=lambda step: (step.due, step.quarter.index)),
        waiting=[r for r in returns if workflow.awaits_review(status=r.status)],
        next_quarter=current.next(),
        next_quarter_due=current.next().deadline(pilot.return_deadline_days),
    )


@dataclass(frozen=True)
class ManagerPanelItem:
    pilot: Pilot
    # Each quarter with returns waiting for review or overdue, newest first; each links to its
    # review list, whose rows its counts are.
    quarters: list[ReviewQuarter]


@dataclass(frozen=True)
class HomePanel:
    # One for each team the person leads.
    team_items: list[TeamNextSteps]
    manager_items: list[ManagerPanelItem]
    review_items: QuerySet[PeerReview]

    @property
    def leads_several_teams(self) -> bool:
        """Each team's links then name the team, so no two read the same."""
        return len(self.team_items) > 1


def home_panel_for(*, user: User, today: datetime.date) -> HomePanel:
    """What this person should do next about returns and peer reviews, for the home page: the
    next steps of each team they lead (`team_next_steps`), returns waiting for review and overdue
    in each pilot they manage, and the peer reviews assigned to them that are not yet sent."""
    team_items = [
        team_next_steps(team=team, today=today)
        for team in access.teams_editable_by(user=user)
        .select_related("organisation__pilot")
        .order_by("name")
    ]
    manager_items = [
        ManagerPanelItem(pilot=pilot, quarters=review_quarters_to_act_on(pilot=pilot, today=today))
        for pilot in access.pilots_managed_by(user=user)
    ]
    review_items = (
        peer_reviews_visible_to(user=user)
        .filter(reviewer=user)
        .exclude(status=PeerReviewStatus.SUBMITTED)
        .order_by("quarter_index", "team__name")
    )
    return HomePanel(team_items=team_items, manager_items=manager_items, review_items=review_items)
