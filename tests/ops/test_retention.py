"""The nightly retention job: each kind of record past its period goes, nothing younger does,
and a report's newest version stays whatever its age."""

import datetime as dt
import os

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.utils import timezone

from fidelity.returns.models import QAReturn, ReturnStatus
from ops.retention import retention_apply
from ops.tasks import apply_retention
from partners.models import SecurityEvent, SecurityEventKind
from reports.models import Report, ReportVersion
from reports.reminders.models import Reminder, ReminderKind

from ..fidelity.factories import fill_return, make_return, use_default_framework

NOW = timezone.now()


def _aged(model, pk, field, days):
    model.objects.filter(pk=pk).update(**{field: NOW - dt.timedelta(days=days)})


def _periods(settings, **days):
    settings.RETENTION_DAYS = {
        "security_events": 30,
        "reminders": 30,
        "report_versions": 30,
        "history": 30,
        "sessions": 1,
        **days,
    }


def test_security_events_and_reminders_past_their_period_are_deleted_and_younger_ones_kept(
    world, settings
):
    _periods(settings)
    old = SecurityEvent.objects.create(kind=SecurityEventKind.LOGIN, username="a")
    young = SecurityEvent.objects.create(kind=SecurityEventKind.LOGIN, username="b")
    _aged(SecurityEvent, old.pk, "at", 31)
    _aged(SecurityEvent, young.pk, "at", 29)
    reminders = [
        Reminder.objects.create(
            recipient=world.lead_bolton,
            pilot=world.pilot,
            kind=ReminderKind.DEADLINE_SOON,
            subject_key=f"return:{n}",
            date=NOW.date(),
            subject="Your return is due",
            body="…",
        )
        for n in range(2)
    ]
    _aged(Reminder, reminders[0].pk, "created", 40)

    removed = retention_apply(now=NOW)

    assert list(SecurityEvent.objects.values_list("pk", flat=True)) == [young.pk]
    assert list(Reminder.objects.values_list("pk", flat=True)) == [reminders[1].pk]
    assert removed["security_events"] == 1
    assert removed["reminders"] == 1


def test_old_report_versions_go_with_their_files_but_the_newest_stays(world, settings):
    _periods(settings)
    report = Report.objects.create(
        pilot=world.pilot, scope_kind="pilot", year=2025, quarter=1, status="ready"
    )
    versions = []
    for number in (1, 2):
        version = ReportVersion(report=report, number=number, fingerprint="x", content={})
        version.pdf.save(f"v{number}.pdf", ContentFile(b"%PDF-1.7"), save=False)
        version.save()
        _aged(ReportVersion, version.pk, "built_at", 400)
        versions.append(version)
    old_file = versions[0].pdf.path

    retention_apply(now=NOW)

    assert list(ReportVersion.objects.values_list("number", flat=True)) == [2]
    assert not os.path.exists(old_file)
    assert os.path.exists(versions[1].pdf.path)


def test_change_history_past_its_period_is_deleted_but_the_record_stays(world, settings):
    _periods(settings)
    use_default_framework(world.pilot)
    draft = make_return(world.bolton_team, 2026, 1, status=ReturnStatus.DRAFT)
    fill_return(draft, world.lead_bolton)
    history = QAReturn.history.model
    assert history.objects.filter(id=draft.pk).exists()
    history.objects.filter(id=draft.pk).update(history_date=NOW - dt.timedelta(days=31))

    removed = retention_apply(now=NOW)

    assert not history.objects.filter(id=draft.pk).exists()
    assert QAReturn.objects.filter(pk=draft.pk).exists()
    assert removed["history"] >= 1


def test_ended_sessions_go_after_their_period(db, settings):
    _periods(settings, sessions=1)
    ended, live = SessionStore(), SessionStore()
    ended.create()
    live.create()
    Session.objects.filter(session_key=ended.session_key).update(
        expire_date=NOW - dt.timedelta(days=2)
    )

    apply_retention()

    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]


def test_the_job_is_scheduled_nightly(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="ops.tasks.apply_retention")
    assert (task.crontab.hour, task.crontab.minute) == ("2", "30")
