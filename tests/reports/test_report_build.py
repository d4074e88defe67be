"""Building a report: the PDF's content, versions and fingerprints, retries and the email."""

import datetime
import re
from collections import Counter
from io import BytesIO

import pikepdf
import pytest
from pypdf import PdfReader

from common.quarters import Quarter
from reports import render
from reports.models import ReportStatus
from reports.services import report_request
from tests.factories import TeamFactory
from tests.fidelity.factories import make_return
from tests.pdfua_checks import problems, structure

Q2 = Quarter(2026, 2)


@pytest.fixture
def request_report(eager_celery, django_capture_on_commit_callbacks):
    """Requests a report as the user would, with Celery in-process; returns it reloaded."""

    def request(scope, user=None, quarter=Q2):
        with django_capture_on_commit_callbacks(execute=True):
            report = report_request(scope=scope, quarter=quarter, user=user)
        report.refresh_from_db()
        return report

    return request


def pdf_text(version) -> tuple[str, int]:
    with version.pdf.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    text = " ".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split()), len(reader.pages)  # table cells wrap lines


def test_pilot_report_shows_scores_las_submissions_and_the_lowest_principles_challenges(
    scored_world, request_report
):
    report = request_report(scored_world.pilot, scored_world.manager)

    assert report.status == ReportStatus.READY
    text, pages = pdf_text(report.current_version)
    assert "Housing First fidelity report" in text
    assert "2026-27 Q2 (Jul 2026 to Sep 2026)" in text
    assert "3.36" in text  # overall: mean of six principles at 3.50 and P7 at 2.50
    assert "P7. A harm reduction approach is used" in text
    for la in ("Bolton", "Wigan", "Bury"):
        assert la in text
    assert "Draft (overdue)" in text  # Bury's return
    assert "Abstinence still expected by one hostel landlord" in text
    assert "Meet the landlord about harm reduction" in text
    assert "A challenge from the quarter before" not in text
    assert "2 of 4" in text and "50.00%" in text  # unknown tenancy outcomes
    assert "Page 2 of" in text
    assert pages == report.current_version.page_count >= 5


def test_report_dates_read_as_on_every_page(scored_world, request_report):
    report = request_report(scored_world.pilot, scored_world.manager)

    text, _ = pdf_text(report.current_version)
    assert "Returns due by 20 October 2026" in text  # the cover
    assert "Returns for 2026-27 Q2 (due 20 October 2026)" in text
    assert "due 31 October 2026" in text  # the forum action
    assert "2026-10-20" not in text and "2026-10-31" not in text


def test_local_authority_report_shows_only_that_authority(scored_world, request_report):
    report = request_report(scored_world.wigan, scored_world.manager)

    text, _ = pdf_text(report.current_version)
    assert "Local authority: Wigan" in text
    assert "HF Wigan" in text
    assert "HF Bolton" not in text
    assert "2.71" in text  # Wigan's overall score


def test_pdf_passes_the_pdf_ua_checks(scored_world, request_report):
    report = request_report(scored_world.pilot)

    with report.current_version.pdf.open("rb") as handle:
        pdf_bytes = handle.read()
    assert problems(pdf_bytes) == []
    with pikepdf.open(BytesIO(pdf_bytes)) as pdf:
        assert str(pdf.docinfo.Title) == "Housing First fidelity report: Test pilot, 2026-27 Q2"
        scopes = Counter(str(th.A.Scope) for th in structure(pdf).of_type("/TH"))
    html = render.report_html(report.current_version.content, built_on=datetime.date.today())
    # Body rows are laid out once, so each scope="row" header is one /Row; column headers
    # repeat with the table's header row on every page it runs onto.
    assert scopes["/Row"] == html.count('<th scope="row"') > 50
    assert scopes["/Column"] >= html.count('<th scope="col"') + html.count('scope="rowgroup"')
    assert len(re.findall(r"<th[\s>]", html)) == html.count("<th scope=")


def test_rebuilding_from_the_same_data_keeps_one_current_version(scored_world, request_report):
    first = request_report(scored_world.pilot)
    again = request_report(scored_world.pilot)

    assert again.pk == first.pk
    assert again.versions.count() == 1
    assert again.current_version == first.current_version
    assert again.stage == "No change since version 1"


def test_rebuilding_after_the_data_changed_adds_a_version_and_keeps_the_old_one(
    scored_world, request_report
):
    first = request_report(scored_world.pilot)
    new_team = TeamFactory(
        organisation=scored_world.bury_team.organisation,
        name="HF Ramsbottom",
        local_authorities=[scored_world.bury],
    )
    make_return(new_team, 2026, 2, fill=1)

    again = request_report(scored_world.pilot)

    assert [v.number for v in again.versions.all()] == [2, 1]
    assert again.current_version.number == 2
    assert again.current_version.fingerprint != first.current_version.fingerprint
    old_text, _ = pdf_text(again.versions.get(number=1))
    new_text, _ = pdf_text(again.current_version)
    assert "HF Ramsbottom" not in old_text
    assert "HF Ramsbottom" in new_text


def test_asking_again_while_queued_does_not_queue_a_second_build(scored_world, db):
    # No on-commit callbacks run here, so the first request stays queued.
    first = report_request(scope=scored_world.pilot, quarter=Q2, user=scored_world.manager)
    second = report_request(scope=scored_world.pilot, quarter=Q2, user=scored_world.manager)

    assert second.pk == first.pk
    assert second.status == ReportStatus.QUEUED


def test_requester_is_emailed_a_link_when_the_report_is_ready(
    scored_world, request_report, mailoutbox
):
    report = request_report(scored_world.pilot, scored_world.manager)

    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["manager@example.org"]
    assert "ready" in mail.subject
    assert f"/reports/{report.pk}/" in mail.body


def test_build_that_fails_once_is_retried_and_ends_ready(scored_world, request_report, monkeypatch):
    real_render = render.render_pdf
    calls = []

    def flaky(html):
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk full for a moment")
        return real_render(html)

    monkeypatch.setattr("reports.services.render_pdf", flaky)

    report = request_report(scored_world.pilot)

    assert len(calls) == 2
    assert report.status == ReportStatus.READY
    assert report.attempts == 2
    assert report.error == ""


def test_build_that_keeps_failing_ends_failed_with_its_error(
    scored_world, request_report, monkeypatch, mailoutbox
):
    def broken(html):
        raise ValueError("the layout engine gave up")

    monkeypatch.setattr("reports.services.render_pdf", broken)

    report = request_report(scored_world.pilot, scored_world.manager)

    assert report.status == ReportStatus.FAILED
    assert report.error == "ValueError: the layout engine gave up"
    assert report.attempts == 4  # the first try and three retries
    assert report.current_version is None
    assert mailoutbox == []
