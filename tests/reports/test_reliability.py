"""Nothing is lost: a request made while the broker is down, or a report whose worker died,
is sent again by the sweep and built."""

import datetime

from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from common.quarters import Quarter
from reports.models import QuarterlySet, Report, ReportStatus
from reports.services import report_request, reports_request_due_sets, reports_sweep

from .conftest import celery_broker

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


def test_request_while_the_broker_is_down_is_saved_queued_then_built_by_the_sweep(
    scored_world, eager_celery, django_capture_on_commit_callbacks
):
    with celery_broker(CLOSED_PORT_BROKER), django_capture_on_commit_callbacks(execute=True):
        report = report_request(
            scope=scored_world.pilot, quarter=Quarter(2026, 2), user=scored_world.manager
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.QUEUED
    assert report.sent_at is None

    assert reports_sweep() == 1

    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert report.current_version.number == 1


def test_report_left_running_by_a_dead_worker_is_built_by_the_sweep(scored_world, eager_celery):
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    report = Report.objects.create(
        pilot=scored_world.pilot,
        scope_kind="pilot",
        year=2026,
        quarter=2,
        status=ReportStatus.RUNNING,
        progress=45,
        attempts=1,
        queued_at=long_ago,
        sent_at=long_ago,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )

    reports_sweep()

    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert report.attempts == 2


def test_report_still_being_built_is_left_to_its_worker(scored_world, eager_celery):
    now = timezone.now()
    report = Report.objects.create(
        pilot=scored_world.pilot,
        scope_kind="pilot",
        year=2026,
        quarter=2,
        status=ReportStatus.RUNNING,
        progress=45,
        attempts=1,
        started_at=now,
        heartbeat_at=now,
    )

    assert reports_sweep() == 0

    report.refresh_from_db()
    assert report.status == ReportStatus.RUNNING
    assert report.attempts == 1


def test_report_whose_worker_keeps_dying_ends_failed_with_a_reason(
    scored_world, eager_celery, settings
):
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    report = Report.objects.create(
        pilot=scored_world.pilot,
        scope_kind="pilot",
        year=2026,
        quarter=2,
        status=ReportStatus.RUNNING,
        attempts=settings.REPORTS_MAX_ATTEMPTS,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )

    reports_sweep()

    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "worker stopped" in report.error


def test_quarter_set_is_queued_once_after_the_return_deadline(
    scored_world, eager_celery, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setattr("reports.services.render_pdf", lambda html: (b"%PDF-1.7 quick", 1))
    after_deadline = datetime.date(2026, 10, 21)  # 2026-27 Q2 ended 30 Sep; due 20 Oct
    with django_capture_on_commit_callbacks(execute=True):
        first = reports_request_due_sets(today=after_deadline)
        second = reports_request_due_sets(today=after_deadline)

    assert [(m.pilot, m.year, m.quarter) for m in first] == [
        (p, 2026, 2) for p in (scored_world.other_pilot, scored_world.pilot)
    ]
    assert second == []
    reports = Report.objects.filter(pilot=scored_world.pilot, quarter_index=Quarter(2026, 2).index)
    # The pilot, 2 zones, 3 local authorities and 2 partner organisations.
    assert sorted(reports.values_list("scope_kind", flat=True)) == sorted(
        ["pilot", "zone", "zone", "la", "la", "la", "organisation", "organisation"]
    )
    assert set(reports.values_list("status", flat=True)) == {ReportStatus.READY}
    assert all(r.requested_by is None for r in reports)


def test_quarter_set_waits_for_the_return_deadline(scored_world, eager_celery):
    before_deadline = datetime.date(2026, 10, 20)

    assert reports_request_due_sets(today=before_deadline) == []
    assert not QuarterlySet.objects.exists()
    assert not Report.objects.exists()


def test_beat_runs_the_quarterly_check_daily_and_the_sweep_every_few_minutes(db):
    tasks = {t.task: t for t in PeriodicTask.objects.filter(task__startswith="reports.")}
    daily = tasks["reports.tasks.request_due_quarter_sets"]
    sweep = tasks["reports.tasks.sweep_reports"]
    assert (daily.crontab.hour, daily.crontab.minute) == ("6", "0")
    assert (sweep.interval.every, sweep.interval.period) == (5, "minutes")
    assert daily.enabled and sweep.enabled
