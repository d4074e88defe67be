"""What to do next: the team dashboard's due and sent-back returns, and the home page's panel."""

import datetime

import pytest
from django.template.loader import render_to_string

from fidelity.returns.models import ReturnStatus
from fidelity.returns.quarters import Quarter
from fidelity.returns.selectors import home_panel_for, team_next_steps
from fidelity.returns.services import return_send_back
from tests.fidelity.factories import make_return, use_default_framework

TODAY = datetime.date(2026, 8, 1)
CURRENT = Quarter.containing(TODAY)
DUE = CURRENT.previous()


@pytest.fixture
def framework(world):
    use_default_framework(world.pilot)


def _make(team, quarter, status):
    return make_return(team, quarter.year, quarter.number, status=status)


def test_nothing_started_for_the_due_quarter_is_overdue_after_its_deadline(world, framework):
    steps = team_next_steps(team=world.bolton_team, today=TODAY)
    assert steps.due_quarter == DUE
    assert steps.due_return is None
    assert steps.due_overdue
    assert steps.sent_back == []
    on_the_day = team_next_steps(team=world.bolton_team, today=DUE.deadline(20))
    assert on_the_day.due_quarter == DUE
    assert not on_the_day.due_overdue


def test_a_submitted_due_return_is_not_overdue(world, framework):
    due = _make(world.bolton_team, DUE, ReturnStatus.SUBMITTED)
    steps = team_next_steps(team=world.bolton_team, today=DUE.deadline(20) + datetime.timedelta(1))
    assert steps.due_return == due
    assert not steps.due_overdue


def test_returns_sent_back_come_with_the_reviewers_reason(world, framework):
    older = _make(world.bolton_team, DUE.previous(), ReturnStatus.SUBMITTED)
    return_send_back(qa_return=older, user=world.manager, comment="Add the audit.")
    _make(world.wigan_team, DUE.previous(), ReturnStatus.RETURNED)
    steps = team_next_steps(team=world.bolton_team, today=TODAY)
    assert [(r.pk, r.reason, r.quarter_label) for r in steps.sent_back] == [
        (older.pk, "Add the audit.", DUE.previous().label)
    ]


def test_home_panel_for_a_team_leader_shows_this_quarters_return_and_those_sent_back(
    world, framework
):
    current = _make(world.bolton_team, CURRENT, ReturnStatus.DRAFT)
    older = _make(world.bolton_team, DUE, ReturnStatus.SUBMITTED)
    return_send_back(qa_return=older, user=world.manager, comment="Check P2.")
    panel = home_panel_for(user=world.lead_bolton, today=TODAY)
    [item] = panel.team_items
    assert (item.team, item.qa_return, item.status_label) == (world.bolton_team, current, "Draft")
    assert item.returned == [older]
    assert panel.manager_items == []
    assert not panel.review_items.exists()


def test_home_panel_for_a_manager_counts_returns_waiting_for_review_by_quarter(world, framework):
    _make(world.bolton_team, DUE, ReturnStatus.SUBMITTED)
    _make(world.wigan_team, DUE, ReturnStatus.APPROVED)
    _make(world.bury_team, DUE.previous(), ReturnStatus.SUBMITTED)
    _make(world.other_team, DUE, ReturnStatus.SUBMITTED)
    panel = home_panel_for(user=world.manager, today=TODAY)
    [item] = panel.manager_items
    assert item.pilot == world.pilot
    # The due quarter: Bolton waits, Bury is overdue; the quarter before: Bury waits, Bolton and
    # Wigan are overdue. This quarter has nothing to do yet, so it has no line.
    assert [(q.quarter, q.waiting, q.overdue) for q in item.quarters] == [
        (DUE, 1, 1),
        (DUE.previous(), 1, 2),
    ]
    assert panel.team_items == []


def test_home_panel_tells_a_manager_with_nothing_to_do_so(world, framework):
    for team in (world.bolton_team, world.wigan_team, world.bury_team):
        _make(team, DUE, ReturnStatus.APPROVED)
    panel = home_panel_for(user=world.manager, today=TODAY)
    assert [(item.pilot, item.quarters) for item in panel.manager_items] == [(world.pilot, [])]
    text = render_to_string("fidelity/_home_panel.html", {"panel": panel})
    assert "Test pilot: no return waiting for review and none overdue." in text


def test_home_panel_is_empty_for_someone_with_no_team_or_pilot(world):
    panel = home_panel_for(user=world.facilitator, today=TODAY)
    assert (panel.team_items, panel.manager_items) == ([], [])
