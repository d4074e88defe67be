"""Signposts that are true: the team leader starts this quarter's return from the home page in one
click; the manager sends last quarter's back with a new due date (a date in the past is refused
next to the field, the comment kept); the leader's home page then says what to change and by
when."""

import datetime
import re

import pytest
from django.apps import apps
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from common.quarters import Quarter
from fidelity.frameworks import framework_data
from fidelity.returns.due_dates import default_changes_due
from fidelity.returns.models import ReturnStatus
from partners.models import Team
from tests.fidelity.factories import make_return


@pytest.fixture
def last_quarters_return(demo_pilot):
    framework_data.load(apps)
    team = Team.objects.get(organisation__pilot=demo_pilot, name="Housing First Bolton")
    last = Quarter.containing(timezone.localdate(), demo_pilot.quarter_convention).previous()
    return make_return(team, last.year, last.number, status=ReturnStatus.SUBMITTED)


def test_home_starts_the_return_and_a_return_sent_back_says_by_when(
    user_browser, last_quarters_return
):
    page = user_browser.page
    today = timezone.localdate()
    current = Quarter.containing(today)
    last = current.previous()

    user_browser.login("lead-bolton")
    panel = page.locator("#fidelity-home-panel")
    expect(panel).to_contain_text(f"The {last.label} return is submitted and waiting")
    expect(panel).not_to_contain_text(f"Start the {last.label} return")
    user_browser.assert_accessible()
    panel.get_by_role("button", name=f"Start the {current.label} return").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Housing First Bolton: return for {current.label}"
    )
    assert re.search(r"/returns/\d+/tasks/$", page.url)
    user_browser.logout()

    user_browser.login("manager")
    page.goto(f"/returns/{last_quarters_return.pk}/")
    due = page.get_by_label("New due date")
    default = default_changes_due(today=today, deadline=last_quarters_return.deadline)
    expect(due).to_have_value(default.isoformat())
    page.get_by_label("What needs to change").fill("Add the case file audit for P2.")
    due.fill((today - datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Return for changes").click()
    expect(page.locator("#return-status")).to_have_text("Submitted")
    expect(page.get_by_text("The new due date cannot be in the past.")).to_be_visible()
    expect(page.get_by_label("What needs to change")).to_have_value(
        "Add the case file audit for P2."
    )
    user_browser.assert_accessible()
    page.get_by_label("New due date").fill(default.isoformat())
    page.get_by_role("button", name="Return for changes").click()
    expect(page.locator("#return-status")).to_have_text("Returned for changes")
    user_browser.logout()

    user_browser.login("lead-bolton")
    panel = page.locator("#fidelity-home-panel")
    expect(panel).to_contain_text(
        f"Make the changes asked for on the {last.label} return by {date_format(default)}."
    )
    expect(panel).to_contain_text("Add the case file audit for P2.")
    expect(panel).to_contain_text(f"Continue your {current.label} return (draft, due")
    user_browser.screenshot("signposts-home-after-send-back")
    panel.get_by_role("link", name=f"Make the changes asked for on the {last.label} return").click()
    assert page.url.endswith(f"/returns/{last_quarters_return.pk}/tasks/")
    page.goto(f"/returns/{last_quarters_return.pk}/")
    expect(page.locator("#changes-due")).to_contain_text(date_format(default))
    expect(page.locator("#return-status")).to_have_text("Returned for changes")
