"""A return's due date when a manager sends it back: a plain calculation on dates.

Working days are Monday to Friday. Bank holidays are not counted out: no well-kept holiday
library is installed, so a manager moves the date by hand when a bank holiday falls in it.
"""

from __future__ import annotations

import datetime

# Working days a team gets, by default, to make the changes asked for on a return sent back.
CHANGES_WORKING_DAYS = 10

PAST_DUE_DATE = "The new due date cannot be in the past. Choose today or a later date."


def working_days_after(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days (Monday to Friday) after `start`, not counting `start`
    itself: 10 working days after Monday 30 November 2026 is Monday 14 December 2026."""
    day = start
    while days > 0:
        day += datetime.timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def default_changes_due(*, today: datetime.date, deadline: datetime.date) -> datetime.date:
    """The due date a send-back form offers: 10 working days from today, or the return's own
    deadline if that is later (a return sent back early keeps the time it had)."""
    return max(working_days_after(today, CHANGES_WORKING_DAYS), deadline)


def due_date_error(*, due: datetime.date, today: datetime.date) -> str:
    """Why `due` cannot be a return's new due date, or "" if it can."""
    return PAST_DUE_DATE if due < today else ""
