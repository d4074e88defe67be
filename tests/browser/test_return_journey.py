"""A team leader fills in this quarter's return section by section from its task list, sees
every problem at once on Check your answers, fixes each through its link without retyping
anything and submits; the manager sends it back with a comment, then approves the resubmission."""

import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

from fidelity.frameworks import framework_data


@pytest.fixture
def pilot(demo_pilot):
    # A transactional test database may have been flushed of the migration's framework.
    framework_data.load(apps)
    return demo_pilot


def _continue(page):
    page.get_by_role("button", name="Save and continue").click()
    page.wait_for_load_state("networkidle")


def _submit(page):
    page.get_by_role("button", name="Submit for review").click()
    page.wait_for_load_state("networkidle")


def test_team_leader_submits_and_manager_returns_then_approves(pilot, user_browser):
    page = user_browser.page
    user_browser.login("lead-bolton")

    page.get_by_role("link", name="Returns", exact=True).click()
    page.get_by_role("button", name=re.compile(r"^Start the .* return$")).first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Housing First Bolton")
    expect(page.locator("#return-progress")).to_contain_text("completed 1 of 10 sections")
    page.get_by_role("link", name=re.compile(r"^P1\.")).click()

    # Each principle on its own page; one indicator not assessed, but the reason forgotten.
    for number in range(1, 8):
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"P{number}.")
        radios = page.locator("input[type=radio][value='3']")
        for i in range(radios.count()):
            radios.nth(i).check()
        if number == 1:
            page.get_by_label("Evidence for 1.1").fill("Audit of eight invented case files.")
            expect(page.get_by_label("Reason 1.2 was not assessed")).to_be_hidden()
        if number == 2:
            page.get_by_label("Not assessed this quarter").first.check()
            # The reason box shows once "Not assessed" is chosen.
            expect(page.get_by_label("Reason 2.1 was not assessed")).to_be_visible()
        _continue(page)

    expect(page.get_by_role("heading", level=1)).to_contain_text("QA activities")
    page.get_by_label("Activity").select_option("case_file_audit")
    page.get_by_label("Date").fill("2026-10-15")
    page.get_by_label("How many (case files audited, or people who gave feedback)").fill("8")
    page.get_by_label("What you found").fill("Plans start from people's goals.")
    _continue(page)

    figures = {
        "People supported at quarter end": "12",
        "Tenancies sustained": "11",
        "Tenancies ended this quarter": "3",
        "Ended: planned move": "1",
        "Ended: reason unknown": "1",
        "Staff (full-time equivalent)": "2",
    }
    for label, value in figures.items():
        page.get_by_label(label, exact=True).fill(value)
    _continue(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Improvement plan")
    _continue(page)

    # Check your answers: both problems at once, each a link to its field.
    main = page.locator("main")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Check your answers")
    expect(main).to_contain_text("2 things need fixing")
    expect(main).to_contain_text("Say why this indicator was not assessed.")
    expect(main).to_contain_text("The reasons tenancies ended add up to 2, but 3 tenancies ended.")
    expect(main).to_contain_text("Audit of eight invented case files.")
    user_browser.screenshot("return-check-errors")
    user_browser.assert_accessible()

    page.get_by_role("link", name=re.compile("Indicator 2.1: Say why")).click()
    page.get_by_label("Reason 2.1 was not assessed").fill("No audit of this indicator yet.")
    _continue(page)
    page.get_by_role("link", name=re.compile("Tenancies ended this quarter: The reasons")).click()
    expect(page.get_by_label("People supported at quarter end", exact=True)).to_have_value("12")
    page.get_by_label("Ended: reason unknown", exact=True).fill("2")
    _continue(page)
    expect(page.locator("#error-summary")).to_have_count(0)
    _submit(page)
    expect(main).to_contain_text("Return submitted for review")
    expect(page.locator("#return-status")).to_contain_text("Submitted")
    user_browser.screenshot("return-submitted")
    user_browser.assert_accessible()
    user_browser.logout()

    user_browser.login("manager")
    page.get_by_role("link", name="Review returns").first.click()
    expect(page.locator("main")).to_contain_text("Housing First Bolton")
    user_browser.screenshot("review-list")
    user_browser.assert_accessible()
    page.get_by_role("link", name="Review Housing First Bolton").click()
    page.get_by_label("What needs to change").fill("Please add the peer review from October.")
    page.get_by_role("button", name="Return for changes").click()
    expect(page.locator("#return-status")).to_contain_text("Returned for changes")
    user_browser.logout()

    user_browser.login("lead-bolton")
    expect(page.locator("#fidelity-home-panel")).to_contain_text(
        "Please add the peer review from October."
    )
    # The home page's link opens the return sent back for editing, in one click.
    page.get_by_role(
        "link", name=re.compile(r"^Make the changes asked for on the .* return$")
    ).click()
    expect(page.locator("main")).to_contain_text("Please add the peer review from October.")
    page.get_by_role("link", name="QA activities behind the scores").click()
    page.get_by_label("Activity").nth(1).select_option("peer_review")
    page.get_by_label("Date").nth(1).fill("2026-10-20")
    page.get_by_label("What you found").nth(1).fill("Reviewers found a warm approach.")
    page.get_by_role("button", name="Save and return to the task list").click()
    page.get_by_role("link", name="Check your answers").click()
    _submit(page)
    expect(page.locator("#return-status")).to_contain_text("Submitted")
    user_browser.logout()

    user_browser.login("manager")
    page.get_by_role("link", name="Review returns").first.click()
    page.get_by_role("link", name="Review Housing First Bolton").click()
    page.get_by_role("button", name="Approve the return").click()
    expect(page.locator("#return-status")).to_contain_text("Approved")
    expect(page.locator("#return-history")).to_contain_text("Peer review")
    user_browser.screenshot("return-approved")
    user_browser.assert_accessible()


def test_a_section_can_be_filled_in_by_keyboard(pilot, user_browser):
    page = user_browser.page
    user_browser.login("lead-bolton")
    page.goto("/returns/")
    page.get_by_role("button", name=re.compile(r"^Start the .* return$")).first.focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    page.get_by_role("link", name=re.compile(r"^P1\.")).focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    page.locator("input[type=radio][value='1']").first.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("input[type=radio][value='2']").first).to_be_checked()
    page.get_by_role("button", name="Save and return to the task list").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    expect(page.locator("main")).to_contain_text("Saved.")
    expect(page.locator("#task-p1")).to_contain_text("In progress")
