"""The reminders pages: each person sees their own; managers change their pilot's days."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.reminders.models import Reminder, ReminderKind, ReminderSettings


def _reminder(user, pilot, subject="HF Bolton: QA return for 2026-27 Q2 due in 3 days"):
    return Reminder.objects.create(
        recipient=user,
        pilot=pilot,
        kind=ReminderKind.DEADLINE_SOON,
        subject_key="return:1:8105",
        date=datetime.date(2026, 10, 17),
        subject=subject,
        body="Hello,\n\nThis is a reminder.",
    )


def test_a_team_leader_sees_the_reminders_sent_to_them(client, world):
    _reminder(world.lead_bolton, world.pilot)
    _reminder(world.lead_wigan, world.pilot, subject="HF Wigan: QA return due in 3 days")
    client.force_login(world.lead_bolton)
    page = client.get(reverse("reports:reminders"))
    assert page.status_code == 200
    assert "HF Bolton: QA return for 2026-27 Q2 due in 3 days" in page.text
    assert "HF Wigan" not in page.text


def test_a_reminder_opens_with_the_email_it_sent(client, world):
    reminder = _reminder(world.lead_bolton, world.pilot)
    client.force_login(world.lead_bolton)
    page = client.get(reverse("reports:reminder_detail", args=[reminder.pk]))
    assert "This is a reminder." in page.text


@pytest.mark.parametrize("who", ["lead_wigan", "manager", "other_manager"])
def test_nobody_else_can_open_someone_elses_reminder(client, world, who):
    reminder = _reminder(world.lead_bolton, world.pilot)
    client.force_login(getattr(world, who))
    assert client.get(reverse("reports:reminder_detail", args=[reminder.pk])).status_code == 404


def test_the_home_panel_links_to_recent_reminders(client, world):
    reminder = _reminder(world.lead_bolton, world.pilot)
    reminder.date = timezone.localdate()
    reminder.save()
    client.force_login(world.lead_bolton)
    panel = client.get(reverse("reports:home_panel"))
    assert "1 reminder in the last 30 days" in panel.text
    assert reverse("reports:reminders") in panel.text


def test_the_home_panels_reminder_count_is_the_rows_its_link_shows(client, world):
    """Reminders over a year: the panel counts those of the last 30 days, and its link lists
    exactly those, not the whole year's."""
    today = timezone.localdate()
    for days_ago in (0, 5, 30, 31, 90, 200, 365):
        reminder = _reminder(world.lead_bolton, world.pilot, subject=f"Sent {days_ago} days ago")
        reminder.date = today - datetime.timedelta(days=days_ago)
        reminder.save()
    _reminder(world.lead_wigan, world.pilot)
    client.force_login(world.lead_bolton)
    panel = client.get(reverse("reports:home_panel")).text
    assert "We sent you 3 reminders in the last 30 days" in panel
    link = f"{reverse('reports:reminders')}?recent=1"
    assert f'href="{link}"' in panel
    page = client.get(link).text
    rows = page[page.index("<tbody>") : page.index("</tbody>")].count("<tr>")
    assert rows == 3
    assert "Sent 31 days ago" not in page
    assert "Sent 31 days ago" in client.get(reverse("reports:reminders")).text


def test_a_manager_changes_the_days_of_their_pilot(client, world):
    client.force_login(world.manager)
    url = reverse("reports:reminder_settings", args=[world.pilot.pk])
    assert "10,3" in client.get(url).text
    response = client.post(url, {"days_before": "14, 7, 2", "days_after_overdue": "2"})
    assert response.status_code == 302
    saved = ReminderSettings.objects.get(pilot=world.pilot)
    assert (saved.days_before_list, saved.days_after_overdue, saved.digest_enabled) == (
        [14, 7, 2],
        2,
        False,
    )
    assert saved.updated_by == world.manager


def test_days_that_are_not_numbers_are_refused_next_to_the_field_keeping_what_was_typed(
    client, world
):
    client.force_login(world.manager)
    url = reverse("reports:reminder_settings", args=[world.pilot.pk])
    response = client.post(url, {"days_before": "ten, 3", "days_after_overdue": "1"})
    assert response.status_code == 400
    assert "is not a number of days from 1 to 90" in response.text
    assert 'value="ten, 3"' in response.text
    assert not ReminderSettings.objects.exists()


@pytest.mark.parametrize("who", ["lead_bolton", "facilitator", "other_manager"])
def test_only_the_pilots_managers_may_open_its_reminder_settings(client, world, who):
    client.force_login(getattr(world, who))
    url = reverse("reports:reminder_settings", args=[world.pilot.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"days_before": "1", "days_after_overdue": "1"}).status_code == 404


def test_an_administrator_edits_a_pilots_reminder_days_in_the_admin(admin_client, world):
    response = admin_client.post(
        reverse("admin:reports_remindersettings_add"),
        {"pilot": world.pilot.pk, "days_before": "7", "days_after_overdue": "3"},
    )
    assert response.status_code == 302
    saved = ReminderSettings.objects.get(pilot=world.pilot)
    assert (saved.days_before_list, saved.days_after_overdue) == ([7], 3)
