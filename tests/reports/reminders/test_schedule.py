"""Reminders run on Celery beat, and the demo pilot has some to show."""

import datetime

import pytest
from django.apps import apps as django_apps
from django.core import mail
from django_celery_beat.models import PeriodicTask

from fidelity.frameworks import framework_data
from fidelity.returns.models import ReturnStatus
from reports import demo, tasks
from reports.reminders.models import Reminder
from tests.fidelity.factories import make_return, use_default_framework


def test_beat_sends_reminders_daily_at_seven_and_digests_on_mondays_at_half_past(db):
    reminders = PeriodicTask.objects.get(task="reports.tasks.send_reminders")
    digests = PeriodicTask.objects.get(task="reports.tasks.send_digests")
    assert (reminders.crontab.hour, reminders.crontab.minute) == ("7", "0")
    assert reminders.crontab.day_of_week == "*"
    assert (digests.crontab.hour, digests.crontab.minute, digests.crontab.day_of_week) == (
        "7",
        "30",
        "1",
    )


def test_the_daily_task_sends_todays_reminders(world, monkeypatch):
    framework_data.load(django_apps)
    use_default_framework(world.pilot)
    make_return(world.wigan_team, 2026, 2, status=ReturnStatus.DRAFT)
    monkeypatch.setattr("reports.tasks.timezone.localdate", lambda: datetime.date(2026, 10, 10))
    assert tasks.send_reminders() >= 1
    assert "HF Wigan: QA return for 2026-27 Q2 due in 10 days" in [m.subject for m in mail.outbox]


@pytest.fixture
def demo_world(world):
    framework_data.load(django_apps)
    use_default_framework(world.pilot)
    return world


def test_demo_reminders_are_added_once_and_never_emailed(demo_world):
    first = demo.seed(demo_world.pilot)
    count = Reminder.objects.count()
    second = demo.seed(demo_world.pilot)
    assert count > 0
    assert "reminders added" in first
    assert second == "reminders already in place"
    assert Reminder.objects.count() == count
    assert mail.outbox == []
    assert not Reminder.objects.exclude(pilot=demo_world.pilot).exists()
