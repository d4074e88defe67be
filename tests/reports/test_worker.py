"""A real Celery worker, consuming from Redis, builds requested reports end to end.

The broker is CELERY_BROKER_URL, or redis://127.0.0.1:6379/15 when it is not set. The worker
runs in a thread of this process, so the test database is shared with it (transactional_db).
"""

import time

import pytest
from celery.contrib.testing.worker import start_worker

from common.quarters import Quarter
from reports import render
from reports.models import Report, ReportStatus
from reports.services import report_request

from .conftest import broker_url_for_tests, celery_broker

# Under pytest-xdist these run in one process, so only one worker consumes the test broker.
pytestmark = [pytest.mark.worker, pytest.mark.xdist_group("celery-worker")]


@pytest.fixture
def worker(transactional_db, settings):
    settings.REPORTS_RETRY_BACKOFF_SECONDS = 0
    with celery_broker(broker_url_for_tests()) as app:
        app.control.purge()
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield app


def wait_until_done(report: Report, seconds: float = 60) -> Report:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        report.refresh_from_db()
        if report.is_done:
            return report
        time.sleep(0.2)
    raise AssertionError(f"Report still {report.status} after {seconds}s")


def test_worker_builds_the_requested_report_from_the_queue(transactional_db, scored_world, worker):
    report = report_request(
        scope=scored_world.pilot, quarter=Quarter(2026, 2), user=scored_world.manager
    )
    report.refresh_from_db()
    assert report.sent_at is not None  # handed to Redis, not built in-process

    report = wait_until_done(report)

    assert report.status == ReportStatus.READY
    assert report.progress == 100
    assert report.started_at >= report.queued_at
    assert report.current_version.pdf.size > 10_000


def test_worker_retries_a_failed_build_and_finishes_it(
    transactional_db, scored_world, worker, monkeypatch
):
    real_render = render.render_pdf
    calls = []

    def flaky(html):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("storage briefly unavailable")
        return real_render(html)

    monkeypatch.setattr("reports.services.render_pdf", flaky)

    report = report_request(scope=scored_world.wigan, quarter=Quarter(2026, 2))
    report = wait_until_done(report)

    assert report.status == ReportStatus.READY
    assert report.attempts == 2
    assert len(calls) == 2
