"""What is due today: which reminders a day brings, given plain facts about returns.

Pure: no ORM, no clock. The services feed it the returns not yet submitted and a pilot's
settings; it answers which reminders are due on `today`. Tested with small tables of cases.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

DEFAULT_DAYS_BEFORE = "10,3"
DEFAULT_DAYS_AFTER_OVERDUE = 1
MAX_DAYS = 90

DEADLINE_SOON = "deadline_soon"
OVERDUE = "overdue"
DIGEST = "digest"


def parse_days(text: str) -> list[int]:
    """ "10, 3" -> [10, 3]: distinct whole days from 1 to MAX_DAYS, latest reminder last."""
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        raise ValueError("Enter at least one number of days, for example 10, 3.")
    days = set()
    for part in parts:
        if not part.isdigit() or not 1 <= int(part) <= MAX_DAYS:
            raise ValueError(
                f"“{part}” is not a number of days from 1 to {MAX_DAYS}. "
                "Enter whole numbers separated by commas, for example 10, 3."
            )
        days.add(int(part))
    return sorted(days, reverse=True)


@dataclass(frozen=True)
class ReturnDue:
    """One team's return for one quarter that is not in yet (no return, a draft, or sent back)."""

    team_id: int
    team_name: str
    quarter_index: int
    quarter_label: str
    deadline: datetime.date
    status: str

    @property
    def subject_key(self) -> str:
        return f"return:{self.team_id}:{self.quarter_index}"

    def is_overdue(self, today: datetime.date) -> bool:
        return today > self.deadline


@dataclass(frozen=True)
class DueReminder:
    kind: str
    return_due: ReturnDue
    days: int  # days left before the deadline, or days since it passed

    @property
    def subject_key(self) -> str:
        return self.return_due.subject_key


def return_reminders_due(
    *,
    today: datetime.date,
    returns: Iterable[ReturnDue],
    days_before: Iterable[int],
    days_after_overdue: int,
) -> list[DueReminder]:
    """A reminder `n` days before the deadline for each n in `days_before`, and one
    `days_after_overdue` days after it (1 = the first day the return is overdue)."""
    before = set(days_before)
    due = []
    for item in returns:
        left = (item.deadline - today).days
        if left in before:
            due.append(DueReminder(kind=DEADLINE_SOON, return_due=item, days=left))
        elif -left == days_after_overdue:
            due.append(DueReminder(kind=OVERDUE, return_due=item, days=-left))
    return due


def digest_subject_key(pilot_id: int) -> str:
    return f"digest:{pilot_id}"
