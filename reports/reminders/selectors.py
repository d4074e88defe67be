"""Reads for reminders and digests: returns not yet in, what a pilot manager's digest holds,
who gets which email, and the reminders a person may see (only their own)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from common.quarters import Quarter
from fidelity.improvement.models import ImprovementAction
from fidelity.improvement.selectors import improvement_actions_overdue
from fidelity.returns.models import QAReturn, ReturnStatus
from fidelity.returns.selectors import returns_awaiting_review, team_expected_in
from forums.models import Action
from forums.selectors import pilot_actions_overdue
from partners.models import Pilot, Role, RoleAssignment, Team, User

from . import rules
from .models import Reminder, ReminderSettings


def reminder_settings_for(*, pilot: Pilot) -> ReminderSettings:
    """The pilot's settings, or the defaults (unsaved) when nobody has changed them."""
    return ReminderSettings.objects.filter(pilot=pilot).first() or ReminderSettings(pilot=pilot)


def returns_not_in(*, pilot: Pilot, today: datetime.date) -> list[rules.ReturnDue]:
    """Every active team's return that is not in: drafts and returns sent back (any quarter),
    and, for this quarter and the one before, teams that have not started theirs (from the team's
    first quarter on: `team_expected_in`)."""
    current = Quarter.containing(today, pilot.quarter_convention)
    recent = [current.previous(), current]
    teams = list(Team.objects.filter(organisation__pilot=pilot, is_active=True).order_by("name"))
    started = set(
        QAReturn.objects.filter(
            team__in=teams, quarter_index__in=[q.index for q in recent]
        ).values_list("team_id", "quarter_index")
    )
    result = [
        rules.ReturnDue(
            team_id=r.team_id,
            team_name=r.team.name,
            quarter_index=r.quarter_index,
            quarter_label=Quarter.from_index(r.quarter_index, pilot.quarter_convention).label,
            deadline=r.deadline,
            status=r.status,
        )
        for r in QAReturn.objects.filter(
            team__in=teams, status__in=[ReturnStatus.DRAFT, ReturnStatus.RETURNED]
        ).select_related("team")
    ]
    for quarter in recent:
        for team in teams:
            if (team.pk, quarter.index) not in started and team_expected_in(
                team=team, quarter=quarter
            ):
                result.append(
                    rules.ReturnDue(
                        team_id=team.pk,
                        team_name=team.name,
                        quarter_index=quarter.index,
                        quarter_label=quarter.label,
                        deadline=quarter.deadline(pilot.return_deadline_days),
                        status="not_started",
                    )
                )
    return sorted(result, key=lambda r: (r.deadline, r.team_name))


def team_leaders(*, team_id: int) -> list[User]:
    return [
        a.user
        for a in RoleAssignment.objects.filter(role=Role.TEAM_LEADER, team_id=team_id)
        .select_related("user")
        .order_by("user__username")
    ]


def pilot_managers(*, pilot: Pilot) -> list[User]:
    return [
        a.user
        for a in RoleAssignment.objects.filter(role=Role.PILOT_MANAGER, pilot=pilot)
        .select_related("user")
        .order_by("user__username")
    ]


@dataclass(frozen=True)
class Digest:
    """What a pilot manager's weekly digest lists."""

    pilot: Pilot
    today: datetime.date
    overdue_returns: list[rules.ReturnDue] = field(default_factory=list)
    waiting_for_review: list[QAReturn] = field(default_factory=list)
    overdue_improvement_actions: list[ImprovementAction] = field(default_factory=list)
    overdue_forum_actions: list[Action] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.overdue_returns
            or self.waiting_for_review
            or self.overdue_improvement_actions
            or self.overdue_forum_actions
        )


def pilot_digest(*, pilot: Pilot, today: datetime.date) -> Digest:
    return Digest(
        pilot=pilot,
        today=today,
        overdue_returns=[
            r for r in returns_not_in(pilot=pilot, today=today) if r.is_overdue(today)
        ],
        waiting_for_review=list(
            returns_awaiting_review(pilot=pilot)
            .select_related("team__organisation__pilot")
            .order_by("submitted_at", "pk")
        ),
        overdue_improvement_actions=list(
            improvement_actions_overdue(pilot=pilot, today=today).order_by(
                "target_quarter_index", "team__name", "pk"
            )
        ),
        overdue_forum_actions=list(pilot_actions_overdue(pilot=pilot, today=today)),
    )


@dataclass(frozen=True)
class Attention:
    """How many of the digest's items a pilot has now: the pilot dashboard's "Needs attention"
    shows these beside its own figures (overdue returns, drift alerts, lowest principles)."""

    waiting_for_review: int
    overdue_improvement_actions: int
    overdue_forum_actions: int


def pilot_attention(*, pilot: Pilot, today: datetime.date) -> Attention:
    return Attention(
        waiting_for_review=returns_awaiting_review(pilot=pilot).count(),
        overdue_improvement_actions=improvement_actions_overdue(pilot=pilot, today=today).count(),
        overdue_forum_actions=pilot_actions_overdue(pilot=pilot, today=today).count(),
    )


def reminders_of(*, user: User) -> QuerySet[Reminder]:
    """The reminders sent to this person: nobody sees anyone else's."""
    if not user.is_authenticated:
        return Reminder.objects.none()
    return Reminder.objects.filter(recipient=user).select_related("pilot", "team")


RECENT_DAYS = 30


def recent_reminders_of(*, user: User, today: datetime.date) -> QuerySet[Reminder]:
    """The reminders sent to this person in the last RECENT_DAYS days: the home panel counts them
    and its link lists them."""
    return reminders_of(user=user).filter(date__gte=today - datetime.timedelta(days=RECENT_DAYS))


def get_reminder_for_user(*, user: User, pk: int) -> Reminder:
    return get_object_or_404(reminders_of(user=user), pk=pk)
