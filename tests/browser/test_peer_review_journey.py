"""A co-production reviewer's peer review from the home page, "Start now" to "sent", on a phone and
a laptop; and the manager seeing the gap."""

import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

from common.quarters import Quarter
from fidelity.frameworks import framework_data
from fidelity.frameworks.models import Indicator
from fidelity.frameworks.selectors import current_framework_version
from fidelity.peer_review.services import peer_review_assign, peer_review_save, peer_review_submit
from partners.models import Team, User
from tests.fidelity.factories import make_return, use_default_framework

Q = Quarter(2026, 1)
WIDTHS = {390: 844, 1280: 900}


@pytest.fixture
def assigned_review(demo_pilot):
    """Bolton scored itself 4 on P2 and 3 elsewhere; reviewer-1 reviews P1 and P2 only."""
    framework_data.load(apps)  # a transactional test before this one may have flushed it
    use_default_framework(demo_pilot)
    team = Team.objects.get(name="Housing First Bolton")
    make_return(team, Q.year, Q.number, fill=3, scores={"P2": [4] * 6})
    indicators = Indicator.objects.filter(
        principle__version=current_framework_version(pilot=demo_pilot),
        code__in=["1.1", "1.2", "1.4", "2.1", "2.2"],
    )
    return peer_review_assign(
        team=team,
        quarter=Q,
        reviewer=User.objects.get(username="reviewer-1"),
        user=User.objects.get(username="manager"),
        indicator_ids=[i.pk for i in indicators],
    )


def _fits_the_screen(page) -> None:
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} is {overflow} px wider than the screen"


@pytest.mark.parametrize("width", WIDTHS)
def test_reviewer_goes_from_start_now_to_sent(assigned_review, user_browser, width):
    browser = user_browser
    page = browser.page
    page.set_viewport_size({"width": width, "height": WIDTHS[width]})

    def look(name: str) -> None:
        _fits_the_screen(page)
        browser.screenshot(f"peer-review-{name}-{width}")
        browser.assert_accessible()

    browser.login("reviewer-1")
    page.goto("/")
    page.locator("#peer-review-home-panel").get_by_role(
        "link", name=re.compile("Housing First Bolton")
    ).click()

    # The start page: what the review is and how long it takes; nothing to answer yet.
    expect(page.get_by_role("heading", level=1)).to_contain_text("Peer review of Housing First")
    expect(page.get_by_text("There are 5 questions in 3 short steps")).to_be_visible()
    expect(page.get_by_text(re.compile("still to answer", re.I))).to_have_count(0)
    look("start")
    page.get_by_role("button", name="Start now").click()

    # Step 1: how the review was done. Still no list of what is left.
    expect(page).to_have_title(re.compile("^Step 1 of 3"))
    expect(page.get_by_text(re.compile("still to answer", re.I))).to_have_count(0)
    page.get_by_label("I talked with people the team supports").check()
    look("step-how")
    page.get_by_role("button", name="Save and continue").click()

    # Step 2: principle 1, in plain words; one question the reviewer could not tell.
    expect(page.get_by_role("heading", level=1)).to_contain_text("P1.")
    question = page.get_by_role("group", name=re.compile("1.4 Can people choose where they live"))
    expect(question).to_be_visible()
    expect(page.get_by_text("self-contained and scattered")).to_have_count(0)
    for radio in page.get_by_label("3: Mostly in place").all():
        radio.check()
    question.get_by_label("I could not tell").check()
    page.get_by_label(re.compile(r"What did you see or hear\? \(1\.1\)")).fill(
        "Two people told me they chose their flat."
    )
    look("step-principle")
    page.get_by_role("button", name="Save and continue").click()

    # Step 3: principle 2, scored a whole point below the team's own 4; then check the answers.
    expect(page.get_by_role("heading", level=1)).to_contain_text("P2.")
    for radio in page.get_by_label("2: Partly in place").all():
        radio.check()
    page.get_by_role("button", name="Save and check my answers").click()
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
    answers = page.locator(".peer-answer")
    expect(answers.filter(has_text="1.1 Are people offered a home")).to_contain_text(
        "3: Mostly in place"
    )
    expect(answers.filter(has_text="1.4 Can people choose")).to_contain_text("Could not tell")
    look("check-answers")
    page.get_by_role("button", name="Send my review").click()

    expect(page.locator("#peer-review-status")).to_have_text("Submitted")
    expect(page.get_by_text("Thank you. Your review has been sent")).to_be_visible()
    expect(page.get_by_text("Flag: a point or more apart")).to_be_visible()
    look("sent")


def test_the_manager_sees_the_gap_on_the_dashboard(assigned_review, user_browser):
    reviewer = assigned_review.reviewer
    scores = {
        row.indicator_id: {"score": 2 if row.indicator.code.startswith("2.") else 3}
        for row in assigned_review.scores.select_related("indicator")
    }
    peer_review_save(review=assigned_review, user=reviewer, scores=scores)
    peer_review_submit(review=assigned_review, user=reviewer)

    browser = user_browser
    page = browser.page
    browser.login("manager")
    page.goto("/dashboard/")
    panel = page.locator("#peer-gaps")
    expect(panel).to_contain_text("Housing First Bolton")
    expect(panel).to_contain_text("1 principle flagged")
    expect(panel.get_by_text("Flag: a point or more apart")).to_be_visible()
    panel.scroll_into_view_if_needed()
    browser.screenshot("peer-review-manager-dashboard-gap")
    browser.assert_accessible()
