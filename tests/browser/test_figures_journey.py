"""Figures you can trust (docs/figures.md): a return sent back stops counting everywhere at once.

A pilot manager sends a submitted return back for changes from its page. The local authority's
heat-map row on the pilot dashboard, the heat-map export and a rebuilt PDF report then leave it
out. A team submitting the current quarter's return early does not move the dashboard's default
quarter (the latest past its deadline); the later quarter is there to pick, with its completeness.

Quarters come from today's date, as the demo data's do, so the test holds as the date moves.
Celery runs eagerly here (in the live server's thread), so a requested report is built while the
request is answered.
"""

import csv
import re
from io import BytesIO, StringIO

import pytest
from django.apps import apps as django_apps
from django.utils import timezone
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from common.quarters import Quarter
from fidelity import demo as fidelity_demo
from fidelity.frameworks import framework_data
from fidelity.improvement.selectors import improvement_actions_carried
from fidelity.improvement.services import improvement_plan_save
from fidelity.returns.models import QAReturn, ReturnStatus
from fidelity.returns.services import return_open, return_reopen, return_submit
from partners.models import Team, User
from tests.browser.conftest import SCREENSHOTS
from tests.fidelity.factories import fill_return

SENT_BACK_LA = "Bury"  # one team (Housing First Bury) serves it, and it serves only Bury
EARLY_TEAM_LEADER = "lead-manchester"  # submits the current quarter's return early
COMPLETENESS = re.compile(r"(\d+) of (\d+) teams?(?:; (\d+) provisional)?")


@pytest.fixture
def pilot_with_returns(demo_pilot):
    framework_data.load(django_apps)  # an earlier transactional test may have flushed it
    fidelity_demo.seed(demo_pilot)
    return demo_pilot


def latest_past_deadline(pilot, today) -> Quarter:
    """docs/figures.md: the latest quarter whose deadline (its last day plus the pilot's return
    deadline days) has passed."""
    quarter = Quarter.containing(today, pilot.quarter_convention)
    while quarter.deadline(pilot.return_deadline_days) >= today:
        quarter = quarter.previous()
    return quarter


def long_date(day) -> str:
    return f"{day.day} {day:%B %Y}"


def completeness(text: str) -> tuple[int, int, int]:
    """(counted, expected, provisional) from "8 of 10 teams; 2 provisional" in `text`."""
    match = COMPLETENESS.search(text)
    assert match, f"no completeness in {text!r}"
    counted, expected, provisional = match.groups()
    return int(counted), int(expected), int(provisional or 0)


def submitted_return(pilot, quarter: Quarter, la_name: str) -> QAReturn:
    """The LA's team's return for the quarter, submitted (not yet approved): as the demo leaves
    it for the latest complete quarter, or submitted again here through the services."""
    team = Team.objects.get(organisation__pilot=pilot, local_authorities__name=la_name)
    assert list(team.local_authorities.values_list("name", flat=True)) == [la_name]
    qa_return = QAReturn.objects.get(team=team, year=quarter.year, quarter=quarter.number)
    if qa_return.status != ReturnStatus.SUBMITTED:
        leader = User.objects.get(username=f"lead-{la_name.lower()}")
        if qa_return.status == ReturnStatus.APPROVED:
            manager = User.objects.get(username="manager")
            qa_return = return_reopen(qa_return=qa_return, user=manager, reason="For the test.")
        qa_return = return_submit(qa_return=qa_return, user=leader)
    return qa_return


def submit_current_return(pilot, username: str) -> QAReturn:
    """The team leader opens this quarter's return, says how last quarters' open actions stand,
    fills every indicator with 3 (no improvement action needed) and submits it."""
    leader = User.objects.get(username=username)
    team = Team.objects.get(role_assignments__user=leader)
    current = Quarter.containing(timezone.localdate(), pilot.quarter_convention)
    qa_return = return_open(team=team, quarter=current, user=leader)
    carried = improvement_actions_carried(qa_return=qa_return)
    updates = {a.pk: {"status": "done", "update_note": "Done in supervision."} for a in carried}
    improvement_plan_save(qa_return=qa_return, user=leader, plans={}, updates=updates)
    qa_return.refresh_from_db()
    qa_return = fill_return(qa_return, leader, 3)
    return return_submit(qa_return=qa_return, user=leader)


def heatmap_row(page: Page, la_name: str):
    return page.locator("#heatmap-la tbody tr").filter(
        has=page.get_by_role("link", name=la_name, exact=True)
    )


# What a sighted person reads in a cell: its text without the screen readers' extra words.
SEEN_TEXT = """cells => cells.map(td => {
    const copy = td.cloneNode(true);
    copy.querySelectorAll('.visually-hidden').forEach(hidden => hidden.remove());
    return copy.textContent;
})"""


def row_cells(page: Page, la_name: str) -> list[str]:
    """The row's cells after its header: overall, each principle, then the teams counted."""
    texts = heatmap_row(page, la_name).locator("td").evaluate_all(SEEN_TEXT)
    return [" ".join(t.split()) for t in texts]


def summary(page: Page) -> str:
    return " ".join(page.locator(".dashboard-summary").inner_text().split())


def export_row(page: Page, la_name: str) -> dict[str, str]:
    """The LA's row of the heat-map export, downloaded from the dashboard's link."""
    with page.expect_download() as download_info:
        page.locator('a[href*="/dashboard/export/heatmap-la.csv"]').click()
    download = download_info.value
    assert download.suggested_filename.endswith("-heatmap-la.csv")
    with open(download.path(), encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(StringIO(handle.read())))
    (row,) = [r for r in rows if next(iter(r.values())) == la_name]
    return row


def report_heatmap(page: Page, pilot, quarter: Quarter, version: int) -> str:
    """Requests the pilot's report for the quarter from /reports/, waits for it to be built and
    gives the text of its heat map ("Principles by local authority")."""
    page.goto("/reports/")
    page.get_by_label("Report for").select_option(label=f"Whole pilot: {pilot.name}")
    page.get_by_label("Quarter", exact=True).select_option(value=quarter.slug)
    page.get_by_role("button", name="Request report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(quarter.label)
    progress = page.locator("#report-progress")
    expect(progress.get_by_role("status")).to_contain_text("Ready")
    expect(progress).to_contain_text(f"Version {version} built")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    with open(download_info.value.path(), "rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    start = text.index("Mean principle score by local authority")
    return text[start : text.index("Scores over the last", start)]


def report_row(heatmap_text: str, la_name: str) -> str:
    """The LA's row of the report's heat map, up to and including its completeness."""
    match = re.search(rf"\b{la_name}\b(?: \([^)]*\))? (.*?{COMPLETENESS.pattern})", heatmap_text)
    assert match, f"no {la_name} row in the report's heat map: {heatmap_text!r}"
    return match.group(0)


def screenshots(browser, name: str) -> None:
    """The whole dashboard at 1280 and 390 px wide, and at 390 px the LA heat map scrolled to
    its last column (the teams counted), as a phone user would swipe it."""
    page = browser.page
    browser.screenshot(f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    browser.screenshot(f"{name}-390")
    heatmap = page.locator("section", has=page.locator("#heatmap-la"))
    page.locator("#heatmap-la").locator("xpath=..").evaluate("el => el.scrollLeft = el.scrollWidth")
    heatmap.screenshot(path=str(SCREENSHOTS / f"{name}-390-heatmap-scrolled.png"))
    page.set_viewport_size({"width": 1280, "height": 900})


def test_a_sent_back_return_stops_counting_everywhere_and_the_default_quarter_stays_put(
    pilot_with_returns, user_browser, eager_celery
):
    pilot = pilot_with_returns
    page = user_browser.page
    today = timezone.localdate()
    current = Quarter.containing(today, pilot.quarter_convention)
    shown = latest_past_deadline(pilot, today)
    assert shown.index < current.index
    qa_return = submitted_return(pilot, shown, SENT_BACK_LA)
    team_name = qa_return.team.name

    # Before: the LA's row counts the submitted return, as provisional.
    user_browser.login("manager")
    page.get_by_role("link", name="Dashboard").click()
    expect(page.locator(".dashboard-summary")).to_contain_text(shown.long_label)
    heading = (
        f"Returns for {shown.label} (due {long_date(shown.deadline(pilot.return_deadline_days))})"
    )
    expect(page.get_by_role("heading", name=heading)).to_be_visible()
    pilot_before = completeness(summary(page))
    cells_before = row_cells(page, SENT_BACK_LA)
    assert cells_before[-1] == "1 of 1 team; 1 provisional"
    assert all(re.fullmatch(r"\d\.\d\d \w+", cell) for cell in cells_before[:-1]), cells_before
    scores_before = [cell.split()[0] for cell in cells_before[:-1]]  # overall, then principles
    # Screen readers also hear each score's change from the quarter before.
    heard = heatmap_row(page, SENT_BACK_LA).locator("td .visually-hidden").all_inner_texts()
    assert len(heard) == len(scores_before)
    assert all(re.fullmatch(r", change [+-]\d\.\d\d", text) for text in heard), heard
    export_before = export_row(page, SENT_BACK_LA)
    assert export_before["Teams"] == "1 of 1 team; 1 provisional"
    columns = ["Overall", *(f"P{n}" for n in range(1, len(scores_before)))]
    assert [export_before[c] for c in columns] == scores_before
    screenshots(user_browser, "figures-dashboard-before")
    report_before = report_row(report_heatmap(page, pilot, shown, version=1), SENT_BACK_LA)
    assert report_before.endswith(" 1 of 1 team; 1 provisional"), report_before
    # The report shows the principles first and the overall score last.
    assert re.findall(r"\d\.\d\d", report_before) == [*scores_before[1:], scores_before[0]]

    # (a) The manager sends the return back from its page, with a comment.
    page.goto("/dashboard/")
    page.get_by_role("link", name=f"Open the {team_name} return").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(shown.label)
    expect(page.locator("#return-status")).to_have_text("Submitted")
    page.get_by_label("What needs to change").fill("Please add evidence for principle 2.")
    page.get_by_role("button", name="Return for changes").click()
    # It no longer counts; it is not overdue, though the quarter's deadline has passed: the
    # changes are due on the new date the send-back form gave it (10 working days by default).
    expect(page.locator("#return-status")).to_have_text("Returned for changes")
    expect(page.get_by_role("status").filter(has_text="sent back to the team")).to_be_visible()
    user_browser.assert_accessible()

    # (b) The dashboard's heat map no longer counts it: no team, so no score (a gap, not zero).
    page.get_by_role("link", name="Dashboard").click()
    expect(heatmap_row(page, SENT_BACK_LA).locator("td").last).to_have_text("0 of 1 team")
    cells_after = row_cells(page, SENT_BACK_LA)
    assert cells_after[:-1] == ["– no score"] * (len(cells_before) - 1)
    counted, expected, provisional = pilot_before
    assert completeness(summary(page)) == (counted - 1, expected, provisional - 1)
    screenshots(user_browser, "figures-dashboard-after")
    user_browser.assert_accessible()

    # (c) Nor does the heat-map export.
    export_after = export_row(page, SENT_BACK_LA)
    assert export_after["Teams"] == "0 of 1 team"
    score_columns = [k for k in export_after if k not in ("Local authority", "GSS code", "Teams")]
    assert [export_after[k] for k in score_columns] == [""] * len(score_columns)  # gaps, not 0

    # (d) Nor does the rebuilt PDF report for the pilot and that quarter.
    report_after = report_row(report_heatmap(page, pilot, shown, version=2), SENT_BACK_LA)
    assert report_after.endswith(" 0 of 1 team"), report_after
    assert "provisional" not in report_after
    assert not re.search(r"\d\.\d\d", report_after), report_after  # every cell a gap

    # (e) A team submits the current quarter's return early: the default quarter stays the
    # latest past its deadline, and the current one can be picked, with its completeness.
    submit_current_return(pilot, EARLY_TEAM_LEADER)
    active_teams = Team.objects.filter(organisation__pilot=pilot, is_active=True).count()
    page.goto("/dashboard/")
    quarter_select = page.get_by_label("Quarter", exact=True)
    expect(quarter_select.locator("option:checked")).to_have_text(
        f"{shown.label} (latest past its deadline)"
    )
    expect(page.locator(".dashboard-summary")).to_contain_text(shown.long_label)
    assert completeness(summary(page)) == (counted - 1, expected, provisional - 1)
    expect(heatmap_row(page, SENT_BACK_LA).locator("td").last).to_have_text("0 of 1 team")
    expect(
        quarter_select.locator("option", has_text=re.compile(rf"^{current.label}$"))
    ).to_have_count(1)

    quarter_select.select_option(label=current.label)
    page.wait_for_url(re.compile(rf"quarter={current.slug}"))
    expect(page.locator(".dashboard-summary")).to_contain_text(
        f"{current.long_label}, the whole pilot: 1 of {active_teams} teams; 1 provisional."
    )
    user_browser.screenshot("figures-dashboard-current-quarter")
