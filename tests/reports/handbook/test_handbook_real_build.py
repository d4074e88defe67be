"""The handbook built for real: the real content and layout (reports/handbook/content.py and
render.py), by the service and by a real Celery worker consuming from Redis (as
tests/reports/test_worker.py builds a report). The PDF's text is read back and checked."""

from io import BytesIO

import pytest
from celery.contrib.testing.worker import start_worker
from django.apps import apps as django_apps
from django.urls import reverse
from pypdf import PdfReader

from fidelity.frameworks import framework_data
from fidelity.opendata.models import OpenDataPack
from partners.demo import seed_pilot
from partners.models import User
from reports.handbook.models import HandbookWords
from reports.handbook.services import handbook_publish, handbook_request, handbook_words_save
from reports.jobs import JobStatus
from tests.pdfua_checks import problems
from tests.reports.conftest import broker_url_for_tests, celery_broker
from tests.reports.test_worker import wait_until_done

FOREWORD = "Greater things happen when people choose their own homes"
LESSONS = "Keep caseloads small and never close a case for non-engagement"


def pdf_text(version) -> tuple[str, int]:
    with version.pdf.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)


def test_the_pilots_handbook_says_its_words_its_period_and_its_principles(
    handbook_world, build_handbook, client
):
    handbook_words_save(
        pilot=handbook_world.pilot,
        foreword=FOREWORD,
        lessons=LESSONS,
        user=handbook_world.manager,
    )
    handbook = build_handbook(user=handbook_world.manager)

    assert handbook.status == JobStatus.READY, handbook.error
    version = handbook.current_version
    text, pages = pdf_text(version)
    assert pages == version.page_count > 1
    assert "Test pilot" in text
    assert FOREWORD in text
    assert LESSONS in text
    assert "2026-27 Q1" in text and "2026-27 Q2" in text
    assert "A harm reduction approach is used" in text  # a section of the framework
    with version.pdf.open("rb") as handle:
        assert problems(handle.read()) == []

    html = version.html.read().decode()
    assert FOREWORD in html
    assert "<script" not in html.lower()
    assert "<style>" in html and "<link" not in html  # stored to be read offline

    handbook_publish(version=version, user=handbook_world.manager)
    page = client.get(reverse("handbook:public", args=[handbook_world.pilot.slug]))
    assert page.status_code == 200
    assert FOREWORD in page.text
    assert "<style" not in page.text and "/static/reports/handbook.css" in page.text


@pytest.fixture
def worker(transactional_db, settings):
    settings.REPORTS_RETRY_BACKOFF_SECONDS = 0
    with celery_broker(broker_url_for_tests()) as app:
        app.control.purge()
        with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield app


@pytest.mark.worker
@pytest.mark.xdist_group("celery-worker")
def test_a_real_worker_builds_the_requested_handbook_from_the_queue(
    transactional_db, handbook_world, worker
):
    handbook = handbook_request(pilot=handbook_world.pilot, user=handbook_world.manager)
    handbook.refresh_from_db()
    assert handbook.sent_at is not None  # handed to Redis, not built in this process

    handbook = wait_until_done(handbook, seconds=120)

    assert handbook.status == JobStatus.READY, handbook.error
    assert handbook.progress == 100
    assert handbook.started_at >= handbook.queued_at
    text, _ = pdf_text(handbook.current_version)
    assert "Test pilot" in text


@pytest.mark.worker
@pytest.mark.xdist_group("celery-worker")
def test_a_real_worker_builds_the_demo_pilots_handbook_section_by_section(transactional_db, worker):
    framework_data.load(django_apps)  # a transactional test before this one flushed it
    pilot = seed_pilot(password="demo-password-x").pilot
    manager = User.objects.get(username="manager")
    words = HandbookWords.objects.get(pilot=pilot)  # the demo's invented foreword and lessons
    pack = OpenDataPack.objects.get(pilot=pilot)  # the demo publishes one open data pack

    handbook = handbook_request(pilot=pilot, user=manager)  # the default period: all of it
    handbook = wait_until_done(handbook, seconds=240)

    assert handbook.status == JobStatus.READY, handbook.error
    version = handbook.current_version
    text, pages = pdf_text(version)
    with version.pdf.open("rb") as handle:
        assert problems(handle.read()) == []
    assert pages == version.page_count > 10
    assert f"{handbook.first.label} to {handbook.last.label}" in text
    assert " ".join(words.foreword.split("\n\n")[0].split()) in text
    assert " ".join(words.lessons.split("\n\n")[0].split()) in text
    sections = version.content["sections"]
    for section in sections:
        assert f"{section['code']}. {section['title']}" in text
    recurring = [c for s in sections for c in s["recurring"]]
    assert recurring and all(" ".join(c["text"].split()) in text for c in recurring)
    assert any(s["actions_done"] for s in sections)
    assert "What peer reviewers saw" in text
    assert "Appendix A: the framework" in text
    assert f"Open data, {pack.quarter_value.label} (version 1), as published" in text
