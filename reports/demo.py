"""Demo data for reports: the reminders and digest the demo pilot's people would have been sent,
and the pilot's own words for its handbook.

Replays the reminder and digest jobs on the days they would have run this quarter and last,
with a mail backend that sends nothing. Idempotent: each reminder is unique per person, kind,
subject and day, so running it again adds nothing; words a manager has written are kept.
"""

from __future__ import annotations

import datetime

from django.core.mail import get_connection
from django.utils import timezone

from common.quarters import Quarter
from partners.models import Pilot

from .handbook.models import HandbookWords
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


# Invented, as a pilot manager might write them; no person is named or described.
DEMO_FOREWORD = """We began with a simple promise: a home first, with support for as long as it \
is needed, and no test of readiness before either.

This handbook is for the areas that come after us. It sets out, principle by principle, how \
faithful our teams stayed to Housing First, what kept getting in the way, and what worked."""

DEMO_LESSONS = """Bring landlords in from the start. The challenges that came back most often \
were about tenancies offered with conditions that Housing First does not set.

Keep caseloads small. When they grew, contact became less flexible and scores fell within a \
quarter.

Let people with lived experience check the work. The peer reviewers saw things our own \
self-assessments missed."""


def _seed_handbook_words(pilot: Pilot) -> bool:
    _, created = HandbookWords.objects.get_or_create(
        pilot=pilot, defaults={"foreword": DEMO_FOREWORD, "lessons": DEMO_LESSONS}
    )
    return created


def seed(pilot: Pilot) -> str:
    today = timezone.localdate()
    before = Reminder.objects.filter(pilot=pilot).count()
    nowhere = get_connection("django.core.mail.backends.dummy.EmailBackend")
    for day in _reminder_days(pilot, today):
        reminders_send(today=day, only_pilot=pilot, connection=nowhere)
    last_monday = today - datetime.timedelta(days=today.weekday())
    digests_send(today=last_monday, only_pilot=pilot, connection=nowhere)
    added = Reminder.objects.filter(pilot=pilot).count() - before
    summary = f"{added} reminders added" if added else "reminders already in place"
    if _seed_handbook_words(pilot):
        summary += "; the handbook's foreword and lessons written"
    return summary
