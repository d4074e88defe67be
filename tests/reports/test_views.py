"""The reports pages: who may see, request, retry and download which report."""

import pytest
from django.urls import reverse
from django.utils import timezone

from common.quarters import Quarter
from partners.models import Role
from reports import selectors
from reports.models import Report, ReportStatus
from reports.services import report_request
from tests import factories

Q2 = Quarter(2026, 2)


@pytest.fixture
def build(scored_world, eager_celery, django_capture_on_commit_callbacks):
    def build(scope):
        with django_capture_on_commit_callbacks(execute=True):
            report = report_request(scope=scope, quarter=Q2, user=scored_world.manager)
        report.refresh_from_db()
        return report

    return build


def failed_report(world) -> Report:
    return Report.objects.create(
        pilot=world.pilot,
        scope_kind="pilot",
        year=2026,
        quarter=2,
        status=ReportStatus.FAILED,
        error="ValueError: the layout engine gave up",
    )


def test_manager_requests_a_report_and_is_taken_to_its_progress(
    client, scored_world, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(scored_world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:request"),
            {"scope": f"la:{scored_world.wigan.pk}", "quarter": "2026-q2"},
        )
    report = Report.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("reports:detail", args=[report.pk])
    assert report.local_authority == scored_world.wigan
    assert report.requested_by == scored_world.manager
    page = client.get(response.url)
    assert "Ready" in page.text
    assert reverse("reports:download", args=[report.pk]) in page.text


def test_request_for_another_pilots_scope_is_refused_next_to_the_field(client, scored_world):
    client.force_login(scored_world.manager)
    response = client.post(
        reverse("reports:request"),
        {"scope": f"pilot:{scored_world.other_pilot.pk}", "quarter": "2026-q2"},
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.text
    assert not Report.objects.exists()


def test_team_leader_may_not_request_reports(client, scored_world):
    client.force_login(scored_world.lead_bolton)
    response = client.post(
        reverse("reports:request"), {"scope": f"la:{scored_world.bolton.pk}", "quarter": "2026-q2"}
    )
    assert response.status_code == 404
    assert not Report.objects.exists()


def test_progress_partial_polls_while_queued(client, scored_world):
    report = report_request(scope=scored_world.pilot, quarter=Q2)  # on-commit never runs here
    client.force_login(scored_world.manager)
    response = client.get(reverse("reports:progress", args=[report.pk]))
    assert 'hx-trigger="every 2s"' in response.text
    assert "Queued" in response.text


def test_progress_partial_stops_polling_when_ready(client, scored_world, build):
    report = build(scored_world.pilot)
    client.force_login(scored_world.manager)
    response = client.get(reverse("reports:progress", args=[report.pk]))
    assert "hx-trigger" not in response.text
    assert "Download the PDF" in response.text


def test_failed_report_shows_its_error_and_a_retry_button(client, scored_world):
    report = failed_report(scored_world)
    client.force_login(scored_world.manager)
    response = client.get(reverse("reports:detail", args=[report.pk]))
    assert "ValueError: the layout engine gave up" in response.text
    assert reverse("reports:retry", args=[report.pk]) in response.text
    assert "Try again" in response.text


def test_retry_builds_a_failed_report_again(
    client, scored_world, eager_celery, django_capture_on_commit_callbacks
):
    report = failed_report(scored_world)
    client.force_login(scored_world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:retry", args=[report.pk]))
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.READY
    assert report.error == ""


def test_team_leader_does_not_get_a_retry_button_or_retry(client, scored_world):
    report = failed_report(scored_world)
    client.force_login(scored_world.lead_bolton)
    assert client.post(reverse("reports:retry", args=[report.pk])).status_code == 404


def test_manager_downloads_the_pdf_through_the_app(client, scored_world, build):
    report = build(scored_world.pilot)
    client.force_login(scored_world.manager)
    response = client.get(reverse("reports:download", args=[report.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert f"filename*=utf-8''{report.current_version.filename}" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


@pytest.mark.parametrize("scope", ["pilot", "zone", "la", "organisation"])
def test_team_leader_opens_and_downloads_every_report_of_their_team(
    client, scored_world, build, scope
):
    target = {
        "pilot": scored_world.pilot,
        "zone": scored_world.bolton.zone,
        "la": scored_world.bolton,
        "organisation": scored_world.bolton_team.organisation,
    }[scope]
    report = build(target)
    client.force_login(scored_world.lead_bolton)
    for name in ("reports:detail", "reports:download", "reports:progress"):
        assert client.get(reverse(name, args=[report.pk])).status_code == 200
    url = reverse("reports:download_version", args=[report.pk, 1])
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("scope", ["wigan", "bury_org", "other_zone"])
def test_team_leader_cannot_see_another_las_zones_or_organisations_report(
    client, scored_world, build, scope
):
    target = {
        "wigan": scored_world.wigan,
        "bury_org": scored_world.bury_team.organisation,
        "other_zone": scored_world.bury.zone,
    }[scope]
    report = build(target)
    client.force_login(scored_world.lead_bolton)
    for name in ("reports:detail", "reports:download", "reports:progress"):
        assert client.get(reverse(name, args=[report.pk])).status_code == 404


def test_other_pilots_manager_and_facilitator_get_404(client, scored_world, build):
    report = build(scored_world.pilot)
    for user in (scored_world.other_manager, scored_world.facilitator):
        client.force_login(user)
        assert client.get(reverse("reports:detail", args=[report.pk])).status_code == 404
        assert client.get(reverse("reports:download", args=[report.pk])).status_code == 404


def test_older_versions_stay_downloadable(client, scored_world, build):
    report = build(scored_world.pilot)
    client.force_login(scored_world.manager)
    url = reverse("reports:download_version", args=[report.pk, 1])
    assert client.get(url).status_code == 200
    assert client.get(reverse("reports:download_version", args=[report.pk, 9])).status_code == 404


def test_reports_page_lists_only_what_the_team_leader_may_open(client, scored_world, build):
    build(scored_world.bolton)
    build(scored_world.wigan)
    client.force_login(scored_world.lead_bolton)
    response = client.get(reverse("reports:index"), {"quarter": "2026-q2"})
    assert "Local authority: Bolton" in response.text
    assert "Local authority: Wigan" not in response.text
    assert "Request a report" not in response.text


def test_team_leader_sees_the_pilot_report_the_manager_built(client, scored_world, build):
    """The user's story: the manager builds the quarter's pilot report; the team leader's reports
    page lists it instead of saying there is no report for the quarter."""
    report = build(scored_world.pilot)
    client.force_login(scored_world.lead_bolton)
    response = client.get(reverse("reports:index"), {"quarter": "2026-q2"})
    assert "No report for this quarter yet" not in response.text
    assert "Pilot: Test pilot" in response.text
    assert reverse("reports:download", args=[report.pk]) in response.text
    panel = client.get(reverse("reports:home_panel"))
    assert reverse("reports:download", args=[report.pk]) in panel.text


def test_a_team_leader_sees_each_report_once(client, scored_world, build):
    """Two teams of one organisation, in one zone, led by one person: still one row a report."""
    factories.assign(
        scored_world.lead_bolton, Role.TEAM_LEADER, scored_world.pilot, scored_world.wigan_team
    )
    reports = [build(s) for s in (scored_world.pilot, scored_world.bolton.zone)]
    visible = selectors.reports_visible_to(user=scored_world.lead_bolton)
    assert sorted(visible.values_list("pk", flat=True)) == sorted(r.pk for r in reports)


def test_reports_page_defaults_to_the_last_quarter(client, scored_world):
    last_quarter = Quarter.containing(timezone.localdate()).previous()
    client.force_login(scored_world.manager)
    response = client.get(reverse("reports:index"))
    assert response.context["quarter"] == last_quarter
    assert response.context["form"]["quarter"].value() == last_quarter.slug


def test_home_panel_offers_the_latest_ready_reports(client, scored_world, build):
    report = build(scored_world.bolton)
    client.force_login(scored_world.lead_bolton)
    response = client.get(reverse("reports:home_panel"))
    assert reverse("reports:download", args=[report.pk]) in response.text


def test_home_panel_is_empty_for_someone_without_reports(client, scored_world):
    client.force_login(scored_world.facilitator)
    assert client.get(reverse("reports:home_panel")).text.strip() == ""


def test_retry_from_the_progress_panel_swaps_in_the_new_progress(client, scored_world):
    report = failed_report(scored_world)
    client.force_login(scored_world.manager)
    response = client.post(reverse("reports:retry", args=[report.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert 'id="report-progress"' in response.text
    assert 'hx-trigger="every 2s"' in response.text  # queued again: polling resumes
