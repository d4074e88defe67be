"""Demo data for reports: the reminders and digest the demo pilot's people would have been sent.

Replays the reminder and digest jobs on the days they would have run this quarter and last,
with a mail backend that sends nothing. Idempotent: each reminder is unique per person, kind,
subject and day, so running it again adds nothing.
"""

from __future__ import annotations

import datetime

from django.core.mail import get_connection
from django.utils import timezone

from common.quarters import Quarter
from partners.models import Pilot

from .reminders.models import Reminder
from .reminders.selectors import reminder_settings_for
from .reminders.services import digests_send, reminders_send


def _reminder_days(pilot: Pilot, today: datetime.date) -> list[datetime.date]:
    options = reminder_settings_for(pilot=pilot)
    current = Quarter.containing(today, pilot.quarter_convention)
    days = set()
    for quarter in (current.previous(), current):
        deadline = quarter.deadline(pilot.return_deadline_days)
        days.update(deadline - datetime.timedelta(days=n) for n in options.days_before_list)
        days.add(deadline + datetime.timedelta(days=options.days_after_overdue))
    return sorted(day for day in days if day <= today)


def seed(pilot: Pilot) -> str:
    today = timezone.localdate()
    before = Reminder.objects.filter(pilot=pilot).count()
    nowhere = get_connection("django.core.mail.backends.dummy.EmailBackend")
    for day in _reminder_days(pilot, today):
        reminders_send(today=day, only_pilot=pilot, connection=nowhere)
    last_monday = today - datetime.timedelta(days=today.weekday())
    digests_send(today=last_monday, only_pilot=pilot, connection=nowhere)
    added = Reminder.objects.filter(pilot=pilot).count() - before
    return f"{added} reminders added" if added else "reminders already in place"
