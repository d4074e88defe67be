"""Building a handbook: its period, versions and fingerprints, the pilot's words, retries, the
sweep, the email, and publishing one version at a time."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from common.quarters import Quarter
from reports import demo, tasks
from reports.handbook import selectors
from reports.handbook.models import HandbookVersion
from reports.handbook.services import (
    handbook_build,
    handbook_publish,
    handbook_request,
    handbook_unpublish,
    handbook_words_save,
    handbooks_sweep,
)
from reports.jobs import BuildFailed, JobStatus
from tests.fidelity.factories import make_return
from tests.reports.conftest import celery_broker

from .factories import Q1, Q2, made_handbook, made_version

CLOSED_PORT_BROKER = "redis://127.0.0.1:1/0"


def test_by_default_a_handbook_covers_the_pilot_from_its_first_return_to_the_default_quarter(
    handbook_world,
):
    pilot = handbook_world.pilot
    today = timezone.localdate()
    assert selectors.default_period(pilot=pilot, today=today) == (Q1, Q2)

    make_return(handbook_world.bury_team, 2025, 3)  # an older return, even a draft, starts it
    assert selectors.default_period(pilot=pilot, today=today) == (Quarter(2025, 3), Q2)
    assert selectors.period_choices(pilot=pilot, today=today) == [
        Quarter(2025, 3),
        Quarter(2025, 4),
        Q1,
        Q2,
    ]


def test_a_pilot_with_no_return_yet_gets_the_default_quarter_alone(handbook_world):
    choices = selectors.period_choices(pilot=handbook_world.other_pilot, today=timezone.localdate())
    assert choices == [Q2]


def test_requested_handbook_waits_queued_until_it_is_sent(handbook_world):
    # No on-commit callbacks run in this test, so it is never handed to the broker.
    handbook = handbook_request(pilot=handbook_world.pilot, user=handbook_world.manager)

    assert (handbook.first, handbook.last) == (Q1, Q2)
    assert handbook.status == JobStatus.QUEUED
    assert handbook.sent_at is None
    assert handbook.requested_by == handbook_world.manager


def test_the_worker_builds_a_version_with_the_pdf_the_web_page_and_its_content(build_handbook):
    handbook = build_handbook()

    assert handbook.status == JobStatus.READY
    assert handbook.progress == 100
    assert handbook.attempts == 1
    version = handbook.current_version
    assert version.number == 1
    assert version.pdf.read().startswith(b"%PDF")
    assert version.html.read().decode().lstrip().lower().startswith("<!doctype html")
    assert version.page_count >= 1
    assert version.content and len(version.fingerprint) == 64
    assert version.published_at is None


def test_request_sends_it_once_committed_and_celery_builds_it(
    handbook_world, eager_celery, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        handbook = handbook_request(pilot=handbook_world.pilot, first=Q2, last=Q2)

    handbook.refresh_from_db()
    assert handbook.sent_at is not None
    assert handbook.status == JobStatus.READY
    assert handbook.period_label == "2026-27 Q2"


def test_building_again_from_the_same_data_keeps_the_version(build_handbook):
    first = build_handbook()
    again = build_handbook()

    assert again.pk == first.pk
    assert again.versions.count() == 1
    assert again.current_version == first.current_version
    assert again.stage == "No change since version 1"


def test_a_new_foreword_makes_a_new_version_and_keeps_the_old_one(build_handbook, handbook_world):
    first = build_handbook()
    handbook_words_save(
        pilot=handbook_world.pilot,
        foreword="We learnt to listen before we planned anything",
        lessons="Keep caseloads small",
        user=handbook_world.manager,
    )

    again = build_handbook()

    assert [v.number for v in again.versions.all()] == [2, 1]
    assert again.current_version.fingerprint != first.current_version.fingerprint
    new_html = again.current_version.html.read().decode()
    old_html = again.versions.get(number=1).html.read().decode()
    assert "We learnt to listen before we planned anything" in new_html
    assert "Keep caseloads small" in new_html
    assert "We learnt to listen" not in old_html


def test_the_words_saved_say_who_wrote_them_last(handbook_world):
    words = handbook_words_save(
        pilot=handbook_world.pilot, foreword="One", lessons="Two", user=handbook_world.manager
    )
    again = handbook_words_save(
        pilot=handbook_world.pilot, foreword="Three", lessons="", user=handbook_world.manager
    )

    assert again.pk == words.pk
    assert selectors.words_of(pilot=handbook_world.pilot).foreword == "Three"
    assert again.updated_by == handbook_world.manager


def test_each_period_is_its_own_handbook(build_handbook):
    whole = build_handbook()
    last_quarter = build_handbook(first=Q2, last=Q2)

    assert whole.pk != last_quarter.pk
    assert (last_quarter.first, last_quarter.last) == (Q2, Q2)


def test_a_period_that_ends_before_it_starts_is_refused(handbook_world):
    with pytest.raises(ValueError, match="first quarter"):
        handbook_request(pilot=handbook_world.pilot, first=Q2, last=Q1)


def test_asking_again_while_queued_does_not_queue_a_second_build(
    handbook_world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as sends:
        first = handbook_request(pilot=handbook_world.pilot)
    with django_capture_on_commit_callbacks() as sends_again:
        second = handbook_request(pilot=handbook_world.pilot, user=handbook_world.manager)
        third = handbook_request(pilot=handbook_world.pilot, user=handbook_world.other_manager)

    assert len(sends) == 1
    assert sends_again == []
    assert first.pk == second.pk == third.pk
    third.refresh_from_db()
    assert third.status == JobStatus.QUEUED
    assert third.queued_at == first.queued_at
    assert third.requested_by == handbook_world.manager  # the first to ask is told when ready


def test_a_failed_attempt_goes_back_to_the_queue_for_a_retry(
    handbook_world, quick_render, monkeypatch
):
    def broken(content, *, built_on):
        raise OSError("disk full for a moment")

    monkeypatch.setattr("reports.handbook.services.handbook_pdf", broken)
    handbook = handbook_request(pilot=handbook_world.pilot)

    with pytest.raises(BuildFailed):
        handbook_build(handbook_id=handbook.pk, final_attempt=False)

    handbook.refresh_from_db()
    assert handbook.status == JobStatus.QUEUED
    assert handbook.error == "OSError: disk full for a moment"


def test_build_that_fails_once_is_retried_by_the_task_and_ends_ready(
    handbook_world, quick_render, monkeypatch, eager_celery, django_capture_on_commit_callbacks
):
    calls = []

    def flaky(content, *, built_on):
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionError("storage briefly unavailable")
        return b"%PDF-1.7 quick", 1

    monkeypatch.setattr("reports.handbook.services.handbook_pdf", flaky)
    with django_capture_on_commit_callbacks(execute=True):
        handbook = handbook_request(pilot=handbook_world.pilot)

    handbook.refresh_from_db()
    assert handbook.status == JobStatus.READY
    assert handbook.attempts == 2
    assert handbook.error == ""


def test_build_that_keeps_failing_ends_failed_with_its_error_and_no_email(
    handbook_world,
    quick_render,
    monkeypatch,
    eager_celery,
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    def broken(content, *, built_on):
        raise ValueError("the layout engine gave up")

    monkeypatch.setattr("reports.handbook.services.handbook_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        handbook = handbook_request(pilot=handbook_world.pilot, user=handbook_world.manager)

    handbook.refresh_from_db()
    assert handbook.status == JobStatus.FAILED
    assert handbook.error == "ValueError: the layout engine gave up"
    assert handbook.attempts == 4  # the first try and three retries
    assert handbook.current_version is None
    assert mailoutbox == []


def test_requester_is_emailed_a_link_when_the_handbook_is_ready(
    build_handbook, handbook_world, quick_render, mailoutbox
):
    handbook = build_handbook(user=handbook_world.manager)

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["manager@example.org"]
    assert "handbook is ready" in mail.subject
    assert f"/reports/handbook/{handbook.pk}/" in mail.body


def test_request_while_the_broker_is_down_is_built_by_the_sweep(
    handbook_world, quick_render, eager_celery, django_capture_on_commit_callbacks
):
    with celery_broker(CLOSED_PORT_BROKER), django_capture_on_commit_callbacks(execute=True):
        handbook = handbook_request(pilot=handbook_world.pilot)
    handbook.refresh_from_db()
    assert (handbook.status, handbook.sent_at) == (JobStatus.QUEUED, None)

    assert handbooks_sweep() == 1

    handbook.refresh_from_db()
    assert handbook.status == JobStatus.READY


RENAME = importlib.import_module("reports.migrations.0006_rename_sweep_beat_row")


def test_the_beat_row_that_sweeps_says_it_sweeps_handbooks_too(db):
    sweep = PeriodicTask.objects.get(task="reports.tasks.sweep_reports")
    assert "handbooks" in sweep.name
    schedule = (sweep.interval.every, sweep.interval.period, sweep.enabled)

    RENAME.rename_back(apps, None)
    sweep.refresh_from_db()
    assert sweep.name == RENAME.OLD
    RENAME.rename(apps, None)
    sweep.refresh_from_db()
    assert sweep.name == RENAME.NEW
    assert (sweep.interval.every, sweep.interval.period, sweep.enabled) == schedule


def test_renaming_the_sweep_leaves_a_row_an_administrator_renamed(db):
    PeriodicTask.objects.filter(task="reports.tasks.sweep_reports").update(name="Our sweep")

    RENAME.rename(apps, None)
    RENAME.rename_back(apps, None)

    assert PeriodicTask.objects.get(task="reports.tasks.sweep_reports").name == "Our sweep"


def test_handbook_left_running_by_a_dead_worker_is_built_by_the_beat_sweep(
    handbook_world, quick_render, eager_celery
):
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    handbook = made_handbook(
        handbook_world.pilot,
        status=JobStatus.RUNNING,
        progress=50,
        attempts=1,
        queued_at=long_ago,
        sent_at=long_ago,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )

    assert tasks.sweep_reports() == 1  # the beat's one sweep covers reports and handbooks

    handbook.refresh_from_db()
    assert handbook.status == JobStatus.READY
    assert handbook.attempts == 2


def test_handbook_still_being_built_is_left_to_its_worker(handbook_world, quick_render):
    now = timezone.now()
    handbook = made_handbook(
        handbook_world.pilot, status=JobStatus.RUNNING, attempts=1, started_at=now, heartbeat_at=now
    )

    assert handbooks_sweep() == 0
    assert handbook_build(handbook_id=handbook.pk) is None  # not ours: someone is on it

    handbook.refresh_from_db()
    assert (handbook.status, handbook.attempts) == (JobStatus.RUNNING, 1)


def test_handbook_whose_worker_keeps_dying_ends_failed_with_a_reason(handbook_world, settings):
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    handbook = made_handbook(
        handbook_world.pilot,
        status=JobStatus.RUNNING,
        attempts=settings.REPORTS_MAX_ATTEMPTS,
        started_at=long_ago,
        heartbeat_at=long_ago,
    )

    handbooks_sweep()

    handbook.refresh_from_db()
    assert handbook.status == JobStatus.FAILED
    assert handbook.error == "The worker stopped each time it built this handbook."


def test_publishing_a_version_unpublishes_the_pilots_other_one(handbook_world):
    pilot = handbook_world.pilot
    whole = made_version(made_handbook(pilot))
    last_quarter = made_version(made_handbook(pilot, first=Q2))

    handbook_publish(version=whole, user=handbook_world.manager)
    handbook_publish(version=last_quarter, user=handbook_world.manager)

    whole.refresh_from_db()
    assert whole.published_at is None
    assert selectors.published_version_of(pilot=pilot) == last_quarter
    assert last_quarter.published_by == handbook_world.manager

    handbook_unpublish(version=last_quarter)
    assert selectors.published_version_of(pilot=pilot) is None


def test_the_database_keeps_one_published_version_per_pilot(handbook_world):
    pilot = handbook_world.pilot
    whole = made_version(made_handbook(pilot))
    last_quarter = made_version(made_handbook(pilot, first=Q2))
    HandbookVersion.objects.filter(pk=whole.pk).update(published_at=timezone.now())

    with pytest.raises(IntegrityError):
        HandbookVersion.objects.filter(pk=last_quarter.pk).update(published_at=timezone.now())


def test_another_pilot_may_publish_its_own_at_the_same_time(handbook_world):
    ours = made_version(made_handbook(handbook_world.pilot))
    theirs = made_version(made_handbook(handbook_world.other_pilot))

    handbook_publish(version=ours, user=handbook_world.manager)
    handbook_publish(version=theirs, user=handbook_world.other_manager)

    ours.refresh_from_db()
    assert ours.is_published and theirs.is_published


def test_the_demo_writes_the_pilots_words_once_and_keeps_a_managers(handbook_world):
    pilot = handbook_world.pilot

    first = demo.seed(pilot)
    handbook_words_save(
        pilot=pilot, foreword="Our own", lessons="Ours too", user=handbook_world.manager
    )
    second = demo.seed(pilot)

    assert "foreword and lessons written" in first
    assert "foreword" not in second
    assert selectors.words_of(pilot=pilot).foreword == "Our own"
