"""A team leader fills in this quarter's return offline: downloads the template, fills it in,
uploads it with one wrong cell, reads the message naming the cell, fixes the file, previews the
changes and confirms them into the draft."""

import pytest
from django.apps import apps
from openpyxl import load_workbook
from playwright.sync_api import expect

from fidelity.frameworks import framework_data
from fidelity.returns.models import QAReturn, ReturnStatus
from tests.fidelity.spreadsheets.spreadsheet_files import fill


@pytest.fixture
def pilot(demo_pilot):
    # A transactional test database may have been flushed of the migration's framework.
    framework_data.load(apps)
    return demo_pilot


def _upload(page, path):
    page.get_by_label("Your filled-in template").set_input_files(str(path))
    page.get_by_role("button", name="Check the file").click()
    page.wait_for_load_state("networkidle")


def test_team_leader_fills_in_the_return_as_a_spreadsheet(pilot, user_browser, tmp_path):
    page = user_browser.page
    user_browser.login("lead-bolton")
    page.goto("/returns/spreadsheet/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Fill in a return as a spreadsheet")
    user_browser.assert_accessible()
    user_browser.screenshot("spreadsheet-1-start")

    with page.expect_download() as download:
        page.get_by_role("link", name="template for Housing First Bolton").first.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    workbook = fill(load_workbook(path), score=3, people_supported=14)
    workbook["Scores"]["C7"] = 5
    workbook.save(path)

    page.get_by_role("link", name="spreadsheet for Housing First Bolton").first.click()
    _upload(page, path)
    problems = page.locator("#spreadsheet-problems")
    expect(problems).to_contain_text("Nothing was saved: 1 problem needs fixing")
    expect(problems).to_contain_text(
        "Scores!C7: the score must be 1, 2, 3 or 4, or 'Not assessed' with a reason."
    )
    user_browser.assert_accessible()
    user_browser.screenshot("spreadsheet-2-cell-problem")
    assert not QAReturn.objects.filter(team__name="Housing First Bolton").exists()

    workbook["Scores"]["C7"] = 4
    workbook.save(path)
    _upload(page, path)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check the changes")
    changes = page.get_by_role("table", name="What will change in the draft")
    expect(changes).to_contain_text("Indicator 1.1 score")
    expect(changes.get_by_role("row", name="Indicator 1.1 score")).to_contain_text(
        "4 Fully in place"
    )
    expect(changes.get_by_role("row", name="People supported at quarter end")).to_contain_text("14")
    user_browser.assert_accessible()
    user_browser.screenshot("spreadsheet-3-preview")

    page.get_by_role("button", name="Confirm and save to the draft").click()
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("status")).to_contain_text("is saved in the draft")
    user_browser.screenshot("spreadsheet-4-saved")
    qa_return = QAReturn.objects.get(team__name="Housing First Bolton")
    assert qa_return.status == ReturnStatus.DRAFT
    assert qa_return.people_supported == 14
    assert qa_return.scores.get(indicator__code="1.1").score == 4


def test_pilot_manager_imports_past_quarters_from_several_files(pilot, user_browser, tmp_path):
    from partners.models import Team

    page = user_browser.page
    user_browser.login("manager")
    page.goto("/returns/spreadsheet/past/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Import past quarters")
    user_browser.assert_accessible()

    team = Team.objects.get(name="Housing First Bolton")
    page.get_by_label("Team", exact=True).select_option(label=team.name)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the template").click()
    first = tmp_path / "bolton-last-quarter.xlsx"
    download.value.save_as(first)
    fill(load_workbook(first), score=2).save(first)
    page.get_by_label("Past quarter").select_option(index=1)
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the template").click()
    second = tmp_path / "bolton-quarter-before.xlsx"
    download.value.save_as(second)
    fill(load_workbook(second), score=4).save(second)

    page.get_by_label("Filled-in templates, one per team").set_input_files(
        [str(first), str(second)]
    )
    page.get_by_role("button", name="Check and import").click()
    page.wait_for_load_state("networkidle")
    expect(page.locator("#import-summary")).to_contain_text("2 past returns created as submitted")
    user_browser.assert_accessible()
    user_browser.screenshot("spreadsheet-5-past-import")
    assert QAReturn.objects.filter(team=team, status=ReturnStatus.SUBMITTED).count() == 2
