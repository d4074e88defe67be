"""A pilot manager finds the reminders sent to them from home, reads one, and changes the days."""

from django.apps import apps as django_apps
from playwright.sync_api import expect

from fidelity import demo as fidelity_demo
from fidelity.frameworks import framework_data
from forums import demo as forums_demo
from reports import demo as reports_demo
from reports.models import ReminderSettings


def test_manager_reads_their_reminders_and_changes_the_pilots_reminder_days(
    demo_pilot, user_browser
):
    framework_data.load(django_apps)
    fidelity_demo.seed(demo_pilot)
    forums_demo.seed(demo_pilot)
    reports_demo.seed(demo_pilot)
    page = user_browser.page
    user_browser.login("manager")
    page.get_by_role("link", name="Your reminders").click()
    expect(page.get_by_role("heading", name="Your reminders")).to_be_visible()
    user_browser.assert_accessible()
    user_browser.screenshot("reminders-list")
    page.get_by_role("link", name="weekly QA digest").first.click()
    expect(page.get_by_text("Weekly QA digest for")).to_be_visible()
    user_browser.assert_accessible()
    user_browser.screenshot("reminder-detail")
    page.get_by_role("link", name="Your reminders").click()
    page.get_by_role("link", name=f"reminder settings for {demo_pilot.name}").click()
    page.get_by_label("Days before the deadline").fill("ten")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("is not a number of days")).to_be_visible()
    user_browser.assert_accessible()
    user_browser.screenshot("reminder-settings-error")
    page.get_by_label("Days before the deadline").fill("14, 5")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Reminder settings saved")).to_be_visible()
    assert ReminderSettings.objects.get(pilot=demo_pilot).days_before == "14, 5"
