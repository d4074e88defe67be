"""A report's PDF by token: the same file as the reports page's download, for whoever may see the
report, and the reports resource links to it."""

from __future__ import annotations

import pytest

from common.quarters import Quarter
from partners.models import SecurityEvent, SecurityEventKind
from reports.models import Report, ReportStatus, ScopeKind
from reports.services import report_request
from tests.api.conftest import token_client


def _bytes(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def built_report(scored_world, eager_celery, django_capture_on_commit_callbacks) -> Report:
    """The pilot's report for 2026-q1, built as the reports page builds it."""
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(
            scope=scored_world.pilot, quarter=Quarter(2026, 1), user=scored_world.manager
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    return report


def test_a_managers_token_downloads_a_built_reports_pdf(scored_world, built_report):
    client = token_client(scored_world.manager)
    (listed,) = client.get("/api/v1/reports/").json()["results"]
    assert listed["pdf"] == f"http://testserver/api/v1/reports/{built_report.pk}/pdf/"

    response = client.get(listed["pdf"])
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"filename*=utf-8''{built_report.current_version.filename}" in disposition
    body = _bytes(response)
    assert body.startswith(b"%PDF")
    assert body == built_report.current_version.pdf.open("rb").read()
    event = SecurityEvent.objects.get(kind=SecurityEventKind.DOWNLOAD)
    assert event.user == scored_world.manager


def test_a_client_asking_for_a_pdf_gets_it(scored_world, built_report):
    client = token_client(scored_world.lead_bolton)
    response = client.get(f"/api/v1/reports/{built_report.pk}/pdf/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert _bytes(response).startswith(b"%PDF")


def test_a_team_leaders_token_gets_404_for_a_report_outside_their_team(api_world):
    client = token_client(api_world.lead_bolton)
    assert client.get(f"/api/v1/reports/{api_world.report.pk}/pdf/").status_code == 200
    for report in (api_world.wigan_report, api_world.north_report, api_world.other_report):
        response = client.get(f"/api/v1/reports/{report.pk}/pdf/", HTTP_ACCEPT="application/pdf")
        assert response.status_code == 404, report
        assert response["Content-Type"] == "application/json"


def test_a_report_with_no_version_yet_has_no_pdf(world):
    report = Report.objects.create(
        pilot=world.pilot, scope_kind=ScopeKind.PILOT, year=2026, quarter=1
    )
    client = token_client(world.manager)
    assert client.get(f"/api/v1/reports/{report.pk}/").json()["pdf"] is None
    assert client.get(f"/api/v1/reports/{report.pk}/pdf/").status_code == 404


def test_an_id_that_is_not_one_is_404(world):
    client = token_client(world.manager)
    for pk in ("0", "-1", "abc", "99999999999999999999", "1e3", "٣"):
        assert client.get(f"/api/v1/reports/{pk}/pdf/").status_code == 404, pk
