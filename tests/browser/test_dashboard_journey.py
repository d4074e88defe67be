"""A pilot manager's journey through the dashboard: open it, filter to a zone, drill down."""

import datetime
import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import timezone
from playwright.sync_api import expect

from fidelity.frameworks import framework_data
from fidelity.returns.models import QAReturn, ReturnStatus
from partners.models import Team
from tests.fidelity.factories import make_return, use_default_framework


@pytest.fixture
def scored_pilot(demo_pilot):
    """Three quarters of invented returns for every demo team; Wigan's P4 drifts down."""
    framework_data.load(apps)  # a transactional test before this one may have flushed it
    use_default_framework(demo_pilot)
    teams = Team.objects.filter(organisation__pilot=demo_pilot).order_by("name")
    wigan_p4 = {4: 4, 1: 3, 2: 2}  # by quarter number: 2025-26 Q4, then 2026-27 Q1 and Q2
    for i, team in enumerate(teams):
        for number in (4, 1, 2):
            year = 2025 if number == 4 else 2026
            level = 1 + (i + number) % 4
            qa_return = make_return(
                team,
                year,
                number,
                fill=level,
                scores={
                    "P3": [min(4, level + 1)] * 4,
                    "P4": [wigan_p4[number] if team.name.endswith("Wigan") else level] * 4,
                },
                status=ReturnStatus.APPROVED if i % 2 else ReturnStatus.SUBMITTED,
                people_supported=6 + i % 3,
                tenancies_sustained=5 + i % 2,
                tenancies_ended=1,
                ended_unknown=i % 2,
                staff_fte=Decimal("1"),
            )
            on_time = qa_return.deadline - datetime.timedelta(days=2 if i != 3 else -3)
            QAReturn.objects.filter(pk=qa_return.pk).update(
                submitted_at=timezone.make_aware(
                    datetime.datetime.combine(on_time, datetime.time(10))
                )
            )
    return demo_pilot


def test_manager_filters_the_dashboard_to_a_zone_and_drills_down_to_a_return(
    scored_pilot, user_browser
):
    user_browser.login("manager")
    page = user_browser.page
    page.get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("heading", name=re.compile("Fidelity dashboard"))).to_be_visible()
    expect(page.locator("#heatmap-la")).to_contain_text("Stockport")
    expect(page.locator(".drift-alert").first).to_contain_text("Wigan")
    user_browser.screenshot("dashboard-manager")
    user_browser.assert_accessible()

    page.get_by_role("group", name="Zones").get_by_label("North West").check()
    page.wait_for_url(re.compile(r"zone=\d+"))
    expect(page.locator("#heatmap-la")).not_to_contain_text("Stockport")
    expect(page.locator("#heatmap-la")).to_contain_text("Wigan")
    # The form stayed put, its choice ticked.
    expect(page.get_by_role("group", name="Zones").get_by_label("North West")).to_be_checked()
    user_browser.screenshot("dashboard-zone-north-west")
    user_browser.assert_accessible()

    page.locator("#heatmap-la").get_by_role("link", name="Bolton", exact=True).click()
    expect(page.get_by_role("heading", name=re.compile("^Bolton: 2026-27 Q2"))).to_be_visible()
    user_browser.screenshot("dashboard-la-bolton")
    user_browser.assert_accessible()

    page.get_by_role("link", name="Open the Housing First Bolton return").click()
    expect(page).to_have_url(re.compile(r"/returns/\d+/$"))
    expect(page.locator("main")).to_contain_text("Housing First Bolton")
    user_browser.screenshot("dashboard-return-bolton")


def test_on_a_phone_needs_attention_comes_first_and_the_filters_fold_away(
    scored_pilot, user_browser
):
    page = user_browser.page
    page.set_viewport_size({"width": 390, "height": 844})
    user_browser.login("manager")
    page.goto("/dashboard/")
    attention = page.get_by_role("region", name="Needs attention")
    expect(attention).to_be_in_viewport()
    expect(
        attention.get_by_role("link", name=re.compile(r"returns? waiting for review"))
    ).to_be_visible()
    expect(attention.get_by_role("link", name=re.compile(r"drift alerts?"))).to_be_visible()
    expect(attention.get_by_role("link", name=re.compile(r"^P\d: "))).to_have_count(2)
    zones = page.get_by_role("group", name="Zones")
    expect(zones).to_be_hidden()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    user_browser.screenshot("dashboard-phone-first-screen")
    user_browser.assert_accessible()

    page.get_by_text("Filter", exact=True).click()
    zones.get_by_label("North West").check()
    page.wait_for_url(re.compile(r"zone=\d+"))
    expect(page.locator("#heatmap-la")).to_contain_text("Wigan")
    expect(page.locator("#heatmap-la")).not_to_contain_text("Stockport")
    user_browser.screenshot("dashboard-phone-filtered")


def test_team_leader_sees_their_team_against_the_pilot_average(scored_pilot, user_browser):
    user_browser.login("lead-bolton")
    page = user_browser.page
    page.get_by_role("link", name="Team dashboard").click()
    expect(page.get_by_role("heading", name="Housing First Bolton: team dashboard")).to_be_visible()
    expect(page.get_by_role("heading", name="What to do next")).to_be_visible()
    expect(page.locator("#team-trend-chart")).to_be_visible()
    user_browser.screenshot("dashboard-team-bolton")
    user_browser.assert_accessible()


# The web heat map uses the PDF's palette (reports/static/reports/report.css).
BAND_COLOURS = {
    "band-high": ("rgb(29, 122, 63)", "rgb(255, 255, 255)"),
    "band-good": ("rgb(140, 198, 140)", "rgb(11, 12, 12)"),
    "band-fair": ("rgb(255, 210, 122)", "rgb(11, 12, 12)"),
    "band-low": ("rgb(212, 53, 28)", "rgb(255, 255, 255)"),
    "band-none": ("rgb(243, 242, 241)", "rgb(80, 90, 95)"),
}

PAINTED_CELLS = """cells => cells.map(td => [
    td.className,
    getComputedStyle(td).backgroundColor,
    getComputedStyle(td.querySelector('.cell-score')).color,
])"""


def test_heat_map_cells_are_painted_in_their_band_colour(scored_pilot, user_browser):
    user_browser.login("manager")
    page = user_browser.page
    page.goto("/dashboard/")
    expect(page.locator("#heatmap-la")).to_contain_text("Stockport")
    cells = page.locator("#heatmap-la td[class^='band-']").evaluate_all(PAINTED_CELLS)
    assert len({css_class for css_class, _, _ in cells}) >= 3
    assert [(c, bg, fg) for c, bg, fg in cells if BAND_COLOURS[c] != (bg, fg)] == []

    # Any cell of a row drills down: the row header's link is stretched over the row. (force:
    # the click lands where a person's would, on the link laid over the cell.)
    bolton = page.locator("#heatmap-la tbody tr", has_text="Bolton")
    bolton.locator("td[class^='band-']").nth(3).click(force=True)
    expect(page.get_by_role("heading", name=re.compile("^Bolton: 2026-27 Q2"))).to_be_visible()
    cells = page.locator(".heatmap td[class^='band-']").evaluate_all(PAINTED_CELLS)
    assert cells
    assert [(c, bg, fg) for c, bg, fg in cells if BAND_COLOURS[c] != (bg, fg)] == []
