"""A facilitator records a forum session as it happens, publishes it and downloads the summary."""

import csv
import io
from pathlib import Path

import pytest
from django.apps import apps
from playwright.sync_api import expect
from pypdf import PdfReader

from fidelity import demo as fidelity_demo
from fidelity.frameworks import framework_data
from forums import demo as forums_demo
from forums.models import ForumSession, SessionStatus

CHALLENGE = "Landlords ask for a guarantor before offering a tenancy"


@pytest.fixture
def forum_pilot(demo_pilot):
    # Browser tests flush the database between tests, so the framework may need loading again.
    framework_data.load(apps)
    fidelity_demo.seed(demo_pilot)
    forums_demo.seed(demo_pilot)
    return demo_pilot


def _pdf_text(path: Path) -> str:
    reader = PdfReader(str(path))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_facilitator_records_publishes_and_downloads_the_challenge_summary(
    forum_pilot, user_browser
):
    page = user_browser.page
    user_browser.login("facilitator")

    page.goto("/forums/")
    page.get_by_role("link", name="New session").click()
    page.get_by_label("Series").select_option(label="Series 2: the seven principles")
    page.get_by_label("Date").fill("2026-11-18")
    page.get_by_label("Principle in focus").select_option("P1")
    page.get_by_role("button", name="Create draft session").click()
    expect(page.get_by_text("Draft: only facilitators and managers can see it")).to_be_visible()
    session_url = page.url

    # Fields by their form: each section's table scrolls in a region named by its caption,
    # whose words ("Challenges raised…") a label search would find too.
    attendance = page.locator("#attendance-section")
    attendance.locator("form").get_by_label("Organisation or local authority").select_option(
        label="Open Door Tenancy Support"
    )
    attendance.locator("form").get_by_label("How many came").fill("4")
    attendance.get_by_role("button", name="Add attendance").click()
    expect(
        attendance.get_by_role("cell", name="Open Door Tenancy Support", exact=True)
    ).to_be_visible()

    challenges = page.locator("#challenge-section")
    challenges.locator("form").get_by_label("Challenge").fill(f"{CHALLENGE}; call 07700 900123")
    challenges.locator("form").get_by_label("Themes").press_sequentially("Landl")
    expect(page.locator("#theme-options option")).to_have_count(1)
    challenges.locator("form").get_by_label("Themes").fill("Landlord practice, Rent arrears")
    challenges.locator("form").get_by_label("Bolton", exact=True).check()
    challenges.locator("form").get_by_label("Stockport", exact=True).check()
    challenges.get_by_role("button", name="Add challenge").click()

    # The privacy guard stops the phone number, marks it, and keeps everything typed.
    expect(challenges.locator("mark.privacy-hit")).to_contain_text("07700 900123")
    expect(challenges.locator("form").get_by_label("Challenge")).to_have_value(
        f"{CHALLENGE}; call 07700 900123"
    )
    expect(challenges.locator("form").get_by_label("Stockport", exact=True)).to_be_checked()
    # In the same round: "Rent arrears" is not in the pilot's list yet; it joins once confirmed.
    expect(
        challenges.get_by_text("Not in this pilot's theme list yet: ‘Rent arrears’")
    ).to_be_visible()
    expect(challenges.locator("form").get_by_label("Themes")).to_have_value(
        "Landlord practice, Rent arrears"
    )
    user_browser.screenshot("forum-privacy-warning")
    user_browser.assert_accessible()
    challenges.locator("form").get_by_label("Challenge").fill(CHALLENGE)
    challenges.locator("form").get_by_label(
        "Add the theme ‘Rent arrears’ to this pilot's list"
    ).check()
    challenges.get_by_role("button", name="Add challenge").click()
    expect(challenges.get_by_role("cell", name=CHALLENGE, exact=True)).to_be_visible()
    expect(challenges.get_by_text("Rent arrears", exact=True)).to_be_visible()
    expect(challenges.get_by_role("cell", name="Bolton, Stockport", exact=True)).to_be_visible()
    assert page.url == session_url
    # Once the page has settled (the action form's challenge list is refreshed too), the keyboard
    # is back in the challenge form.
    expect(challenges.locator("form").get_by_label("Challenge")).to_be_focused()

    actions = page.locator("#action-section")
    actions.locator("form").get_by_label("Action").fill(
        "Write to letting agents about guarantor schemes"
    )
    actions.locator("form").get_by_label("Owner").fill("Open Door Tenancy Support")
    actions.locator("form").get_by_label("Due date").fill("2027-01-31")
    actions.locator("form").get_by_label("Linked challenge (optional)").select_option(
        label=CHALLENGE
    )
    actions.get_by_role("button", name="Add action").click()
    expect(
        actions.get_by_role("cell", name="Open Door Tenancy Support", exact=True)
    ).to_be_visible()
    user_browser.screenshot("forum-session-notes")
    user_browser.assert_accessible()

    page.get_by_role("link", name="Publish notes").click()
    expect(page.get_by_role("heading", name="Publish this forum record?")).to_be_visible()
    expect(page.get_by_text("Everyone with a role in")).to_be_visible()
    user_browser.screenshot("forum-publish-question")
    user_browser.assert_accessible()
    page.get_by_role("button", name="Publish the record").click()
    expect(page.get_by_text("Published: everyone in the pilot")).to_be_visible()

    page.goto("/forums/summary/")
    expect(page.get_by_role("cell", name=CHALLENGE, exact=True)).to_be_visible()
    user_browser.screenshot("forum-challenge-summary")
    user_browser.assert_accessible()

    with page.expect_download() as pdf_download:
        page.get_by_role("link", name="Download PDF").click()
    text = _pdf_text(pdf_download.value.path())
    assert CHALLENGE in text
    assert "Bolton, Stockport" in text
    assert "Landlords ask for proof of tenancy readiness" in text

    with page.expect_download() as csv_download:
        page.get_by_role("link", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(Path(csv_download.value.path()).read_text())))
    row = next(r for r in rows if r[6] == CHALLENGE)
    assert row[9] == "Bolton, Stockport"
    assert (
        "Write to letting agents about guarantor schemes (Open Door Tenancy Support, Open"
        in (row[12])
    )


def test_facilitator_confirms_similar_challenges_as_one_shared_challenge(forum_pilot, user_browser):
    page = user_browser.page
    user_browser.login("facilitator")
    page.goto("/forums/cross-la/")
    suggestion = page.locator(".forum-suggestion").filter(
        has_text="Abstinence required by supported housing providers"
    )
    suggestion.get_by_label("Shared challenge title").fill("Abstinence conditions on housing")
    user_browser.screenshot("forum-cross-la")
    user_browser.assert_accessible()
    suggestion.get_by_role("button", name="Confirm as one shared challenge").click()
    expect(page.get_by_text("Confirmed as one shared challenge")).to_be_visible()
    expect(
        page.get_by_role("cell", name="Abstinence conditions on housing", exact=True)
    ).to_be_visible()


def test_facilitator_adds_a_theme_that_is_not_in_the_list_yet_by_keyboard(
    forum_pilot, user_browser
):
    page = user_browser.page
    user_browser.login("facilitator")
    draft = ForumSession.objects.filter(status=SessionStatus.DRAFT).first()
    page.goto(f"/forums/sessions/{draft.pk}/")
    challenges = page.locator("#challenge-section")
    challenges.locator("form").get_by_label("Challenge").fill(
        "Arrears build up while benefit claims are sorted"
    )
    challenges.locator("form").get_by_label("Themes").fill("Rent arrears")
    challenges.locator("form").get_by_label("Bolton", exact=True).check()
    challenges.get_by_role("button", name="Add challenge").press("Enter")

    # Asked in place, with the keyboard put back on the field: nothing typed is lost.
    expect(challenges.locator("form").get_by_label("Themes")).to_be_focused()
    expect(challenges.locator("form").get_by_label("Themes")).to_have_value("Rent arrears")
    expect(challenges.locator("form").get_by_label("Bolton", exact=True)).to_be_checked()
    confirm = challenges.locator("form").get_by_label(
        "Add the theme ‘Rent arrears’ to this pilot's list"
    )
    page.keyboard.press("Tab")
    expect(confirm).to_be_focused()
    user_browser.screenshot("forum-new-theme-question")
    user_browser.assert_accessible()
    page.keyboard.press("Space")
    challenges.get_by_role("button", name="Add challenge").press("Enter")

    row = challenges.get_by_role("row").filter(has_text="Arrears build up while benefit claims")
    expect(row).to_contain_text("Rent arrears")
    # Once the new form has settled, the keyboard is back in it, ready for the next challenge.
    expect(challenges.locator("form").get_by_label("Challenge")).to_be_focused()
    challenges.locator("form").get_by_label("Themes").press_sequentially("Rent")
    expect(page.locator("#theme-options option")).to_have_count(1)
