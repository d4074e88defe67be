"""A co-production reviewer's peer review, one principle per step, and the manager seeing the gap."""

import re

import pytest
from django.apps import apps
from playwright.sync_api import expect

from fidelity.frameworks import framework_data
from fidelity.frameworks.models import Indicator
from fidelity.frameworks.selectors import current_framework_version
from fidelity.peer_review.services import peer_review_assign
from fidelity.returns.quarters import Quarter
from partners.models import Team, User
from tests.fidelity.factories import make_return, use_default_framework

Q = Quarter(2026, 1)


@pytest.fixture
def assigned_review(demo_pilot):
    """Bolton scored itself 4 on P2 and 3 elsewhere; reviewer-1 reviews P1 and P2 only."""
    framework_data.load(apps)  # a transactional test before this one may have flushed it
    use_default_framework(demo_pilot)
    team = Team.objects.get(name="Housing First Bolton")
    make_return(team, Q.year, Q.number, fill=3, scores={"P2": [4] * 6})
    indicators = Indicator.objects.filter(
        principle__version=current_framework_version(pilot=demo_pilot),
        code__in=["1.1", "1.2", "2.1", "2.2"],
    )
    return peer_review_assign(
        team=team,
        quarter=Q,
        reviewer=User.objects.get(username="reviewer-1"),
        user=User.objects.get(username="manager"),
        indicator_ids=[i.pk for i in indicators],
    )


def test_reviewer_submits_a_peer_review_and_the_manager_sees_the_gap(assigned_review, user_browser):
    browser = user_browser
    page = browser.page
    browser.login("reviewer-1")
    page.get_by_role("link", name="Peer reviews").click()
    page.get_by_role("link", name=re.compile("Housing First Bolton")).click()
    browser.assert_accessible()
    page.get_by_role("link", name="How you did the review").click()
    page.get_by_label("I talked with people the team supports").check()
    browser.screenshot("peer-review-step-how")
    browser.assert_accessible()
    page.get_by_role("button", name="Save and continue").click()

    # Step 2: principle 1, answered by keyboard-friendly labels.
    expect(page.get_by_role("heading", level=1)).to_contain_text("P1.")
    for radio in page.get_by_label("3: Mostly in place").all():
        radio.check()
    page.get_by_label(re.compile(r"What did you see or hear\? \(1\.1\)")).fill(
        "Two people told me they chose their flat."
    )
    browser.screenshot("peer-review-step-principle")
    browser.assert_accessible()
    page.get_by_role("button", name="Save and continue").click()

    # Step 3: principle 2, scored a whole point below the team's own 4.
    expect(page.get_by_role("heading", level=1)).to_contain_text("P2.")
    for radio in page.get_by_label("2: Partly in place").all():
        radio.check()
    page.get_by_role("button", name="Save and check my answers").click()
    page.get_by_role("button", name="Send my review").click()
    expect(page.locator("#peer-review-status")).to_have_text("Submitted")
    expect(page.get_by_text("Flag: a point or more apart")).to_be_visible()
    browser.screenshot("peer-review-submitted")
    browser.assert_accessible()
    browser.logout()

    browser.login("manager")
    page.goto("/dashboard/")
    panel = page.locator("#peer-gaps")
    expect(panel).to_contain_text("Housing First Bolton")
    expect(panel).to_contain_text("1 principle flagged")
    expect(panel.get_by_text("Flag: a point or more apart")).to_be_visible()
    panel.scroll_into_view_if_needed()
    browser.screenshot("peer-review-manager-dashboard-gap")
    browser.assert_accessible()
