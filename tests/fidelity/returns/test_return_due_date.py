"""A return sent back (or reopened) gets a new due date, set by the manager: 10 working days by
default, never in the past, kept in its history, shown to the team leader, and the date "overdue"
is judged against on every page and reminder."""

import datetime

import pytest
from django.urls import reverse

from common.quarters import Quarter
from fidelity.dashboards.caseload import submission_status
from fidelity.errors import WorkflowError
from fidelity.returns.due_dates import (
    default_changes_due,
    working_days_after,
)
from fidelity.returns.models import ReturnStatus
from fidelity.returns.selectors import (
    quarter_return_statuses,
    return_display_status,
    return_history,
)
from fidelity.returns.services import return_approve, return_reopen, return_send_back
from reports.reminders import rules
from reports.reminders.selectors import returns_not_in
from tests.fidelity.factories import make_return, page_text, use_default_framework

MONDAY = datetime.date(2026, 11, 30)
TEN_WORKING_DAYS_LATER = datetime.date(2026, 12, 14)
# A past quarter: its own deadline, 20 October 2026, has passed.
PAST = Quarter(2026, 2)


@pytest.fixture
def today(today_is):
    """Today is Monday 30 November 2026 for the services, forms and selectors."""
    return today_is(MONDAY)


@pytest.fixture
def submitted(world, today):
    use_default_framework(world.pilot)
    return make_return(world.bolton_team, PAST.year, PAST.number, status=ReturnStatus.SUBMITTED)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (MONDAY, 10, TEN_WORKING_DAYS_LATER),
        (MONDAY, 1, datetime.date(2026, 12, 1)),
        (datetime.date(2026, 12, 4), 1, datetime.date(2026, 12, 7)),  # Friday -> Monday
        (datetime.date(2026, 12, 5), 1, datetime.date(2026, 12, 7)),  # Saturday -> Monday
        (datetime.date(2026, 12, 4), 10, datetime.date(2026, 12, 18)),
        (MONDAY, 0, MONDAY),
    ],
)
def test_working_days_are_monday_to_friday(start, days, expected):
    assert working_days_after(start, days) == expected


def test_the_default_is_ten_working_days_or_the_returns_own_later_deadline():
    assert default_changes_due(today=MONDAY, deadline=datetime.date(2026, 10, 20)) == (
        TEN_WORKING_DAYS_LATER
    )
    assert default_changes_due(today=MONDAY, deadline=datetime.date(2027, 1, 20)) == (
        datetime.date(2027, 1, 20)
    )


# --- The service ---------------------------------------------------------------------------


def test_a_past_quarters_return_sent_back_is_due_in_ten_working_days_not_overdue(
    world, submitted, today
):
    returned = return_send_back(qa_return=submitted, user=world.manager, comment="Add P4.")
    assert returned.deadline == TEN_WORKING_DAYS_LATER
    assert return_display_status(qa_return=returned, deadline=returned.deadline, today=today) == (
        "returned"
    )


def test_the_manager_chooses_the_due_date_and_history_keeps_the_change(world, submitted, today):
    chosen = datetime.date(2026, 12, 11)
    returned = return_send_back(
        qa_return=submitted, user=world.manager, comment="Add P4.", due=chosen
    )
    returned.refresh_from_db()
    assert returned.deadline == chosen
    [change] = [e for e in return_history(qa_return=returned) if e.field == "Deadline"]
    assert (change.old, change.new, change.who) == (
        "20 October 2026",
        "11 December 2026",
        str(world.manager),
    )


def test_a_due_date_in_the_past_is_refused_and_nothing_moves(world, submitted, today):
    with pytest.raises(WorkflowError, match="cannot be in the past"):
        return_send_back(
            qa_return=submitted,
            user=world.manager,
            comment="Add P4.",
            due=today - datetime.timedelta(days=1),
        )
    submitted.refresh_from_db()
    assert (submitted.status, submitted.deadline) == (
        ReturnStatus.SUBMITTED,
        datetime.date(2026, 10, 20),
    )
    assert not submitted.transitions.exists()


def test_reopening_an_approved_return_gives_it_a_new_due_date_too(world, submitted, today):
    approved = return_approve(qa_return=submitted, user=world.manager)
    reopened = return_reopen(qa_return=approved, user=world.manager, reason="Scores for P2 wrong.")
    assert reopened.deadline == TEN_WORKING_DAYS_LATER


def test_overdue_is_judged_against_the_new_date_everywhere(world, submitted, today):
    due = datetime.date(2026, 12, 4)
    return_send_back(qa_return=submitted, user=world.manager, comment="Add P4.", due=due)
    day_after = due + datetime.timedelta(days=1)

    def overdue_on(day):
        review_list = {
            s.team: s.status
            for s in quarter_return_statuses(pilot=world.pilot, quarter=PAST, today=day)
        }[world.bolton_team] == "overdue"
        dashboard = {
            t.team_id: t.overdue
            for t in submission_status(pilot=world.pilot, quarter=PAST, today=day).teams
        }[world.bolton_team.pk]
        [reminder] = [
            r
            for r in returns_not_in(pilot=world.pilot, today=day)
            if r.quarter_index == PAST.index and r.team_id == world.bolton_team.pk
        ]
        return review_list, dashboard, reminder.is_overdue(day)

    assert overdue_on(due) == (False, False, False)
    assert overdue_on(day_after) == (True, True, True)
    # The overdue reminder goes the day after the new date, not the day after the old one.
    [reminder] = [
        r
        for r in returns_not_in(pilot=world.pilot, today=day_after)
        if r.team_id == world.bolton_team.pk and r.quarter_index == PAST.index
    ]
    assert rules.return_reminders_due(
        today=day_after, returns=[reminder], days_before=[], days_after_overdue=1
    )


# --- The page ------------------------------------------------------------------------------


def test_the_send_back_form_offers_ten_working_days(client, world, submitted):
    client.force_login(world.manager)
    body = client.get(reverse("fidelity:return_detail", args=[submitted.pk])).content.decode()
    assert 'name="send_back-due" value="2026-12-14"' in body
    assert "New due date" in body


def test_a_past_due_date_is_refused_next_to_the_field_and_the_comment_is_kept(
    client, world, submitted
):
    client.force_login(world.manager)
    response = client.post(
        reverse("fidelity:return_review", args=[submitted.pk]),
        {
            "action": "send_back",
            "send_back-comment": "Evidence for P4 is thin.",
            "send_back-due": "2026-11-27",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "The new due date cannot be in the past." in body
    assert 'name="send_back-due" value="2026-11-27"' in body
    assert "Evidence for P4 is thin.</textarea>" in body
    submitted.refresh_from_db()
    assert submitted.status == ReturnStatus.SUBMITTED


def test_the_team_leader_sees_when_the_changes_are_due(client, world, submitted):
    client.force_login(world.manager)
    client.post(
        reverse("fidelity:return_review", args=[submitted.pk]),
        {"action": "send_back", "send_back-comment": "Add P4.", "send_back-due": "2026-12-14"},
    )
    client.force_login(world.lead_bolton)
    text = page_text(client.get(reverse("fidelity:return_detail", args=[submitted.pk])))
    assert "Add P4. The changes are due by 14 December 2026" in text
    assert "(overdue)" not in text
    home = page_text(client.get(reverse("fidelity:home_panel")))
    assert "Make the changes asked for on the 2026-27 Q2 return by 14 December 2026." in home


def test_the_review_list_shows_the_new_due_date_of_a_return_sent_back(client, world, submitted):
    return_send_back(
        qa_return=submitted, user=world.manager, comment="Add P4.", due=TEN_WORKING_DAYS_LATER
    )
    client.force_login(world.manager)
    text = page_text(client.get(reverse("fidelity:review_list") + "?quarter=2026-q2"))
    assert "HF Bolton Red Rose Support Returned for changes Due 14 December 2026" in text
