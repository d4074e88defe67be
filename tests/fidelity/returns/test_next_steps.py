"""What to do next: always about this quarter's return or one that is not in, never about a return
that is submitted or approved, and said plainly (start, continue, make the changes, nothing)."""

import datetime
import re

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from common.quarters import Quarter
from fidelity.returns.models import QAReturn, ReturnStatus
from fidelity.returns.selectors import (
    CHANGES,
    CONTINUE,
    START,
    home_panel_for,
    team_next_steps,
)
from fidelity.returns.services import return_send_back
from partners.models import Role
from tests import factories
from tests.fidelity.factories import make_return, use_default_framework

# Tuesday 1 December 2026: the 2026-27 Q3 return (October to December) is due by 20 January 2027;
# Q2's was due by 20 October 2026.
TODAY = datetime.date(2026, 12, 1)
CURRENT = Quarter.containing(TODAY)
LAST = CURRENT.previous()


@pytest.fixture
def framework(world):
    use_default_framework(world.pilot)


def _make(team, quarter, status):
    return make_return(team, quarter.year, quarter.number, status=status)


def _steps(team, today=TODAY):
    return [
        (step.action, step.quarter.label, step.due, step.overdue)
        for step in team_next_steps(team=team, today=today).steps
    ]


def _text(next_steps, *, can_act=True) -> str:
    html = render_to_string(
        "fidelity/_next_steps.html",
        {"next": next_steps, "can_act": can_act, "several": False},
        request=RequestFactory().get("/"),
    )
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def test_this_quarters_return_not_started_is_to_start(world, framework):
    _make(world.bolton_team, LAST, ReturnStatus.APPROVED)
    steps = team_next_steps(team=world.bolton_team, today=TODAY)
    assert _steps(world.bolton_team) == [(START, "2026-27 Q3", datetime.date(2027, 1, 20), False)]
    assert "Start the 2026-27 Q3 return (due 20 January 2027)." in _text(steps)
    assert "Q2" not in _text(steps)


def test_this_quarters_draft_is_to_continue(world, framework):
    _make(world.bolton_team, LAST, ReturnStatus.APPROVED)
    draft = _make(world.bolton_team, CURRENT, ReturnStatus.DRAFT)
    steps = team_next_steps(team=world.bolton_team, today=TODAY)
    assert [(s.action, s.qa_return) for s in steps.steps] == [(CONTINUE, draft)]
    text = _text(steps)
    assert "Continue your 2026-27 Q3 return (draft, due 20 January 2027)." in text


def test_a_submitted_return_is_never_a_step_and_the_rest_is_quiet(world, framework):
    """The bug reported: after submitting Q3, the page sent the leader to last quarter's
    approved return."""
    _make(world.bolton_team, LAST, ReturnStatus.APPROVED)
    submitted = _make(world.bolton_team, CURRENT, ReturnStatus.SUBMITTED)
    steps = team_next_steps(team=world.bolton_team, today=TODAY)
    assert steps.steps == []
    assert steps.waiting == [submitted]
    text = _text(steps)
    assert (
        "Nothing to do until 1 January 2027, when the 2026-27 Q4 return can be started "
        "(due 20 April 2027)." in text
    )
    assert "The 2026-27 Q3 return is submitted and waiting for a pilot manager's review" in text
    assert "2026-27 Q2" not in text


def test_approved_returns_leave_nothing_to_do(world, framework):
    _make(world.bolton_team, LAST, ReturnStatus.APPROVED)
    _make(world.bolton_team, CURRENT, ReturnStatus.APPROVED)
    steps = team_next_steps(team=world.bolton_team, today=TODAY)
    assert (steps.steps, steps.waiting) == ([], [])
    assert _text(steps).startswith("Nothing to do until 1 January 2027")


def test_an_earlier_quarter_not_in_comes_first_and_is_overdue(world, framework):
    older_draft = _make(world.bolton_team, LAST.previous(), ReturnStatus.DRAFT)
    assert _steps(world.bolton_team) == [
        (CONTINUE, "2026-27 Q1", datetime.date(2026, 7, 20), True),
        (START, "2026-27 Q2", datetime.date(2026, 10, 20), True),
        (START, "2026-27 Q3", datetime.date(2027, 1, 20), False),
    ]
    text = _text(team_next_steps(team=world.bolton_team, today=TODAY))
    assert "Continue your 2026-27 Q1 return (draft, overdue: it was due by 20 July 2026)." in text
    assert "Start the 2026-27 Q2 return overdue: it was due by 20 October 2026." in text
    assert team_next_steps(team=world.bolton_team, today=TODAY).steps[0].qa_return == older_draft


def test_last_quarters_return_before_its_deadline_is_due_not_overdue(world, framework):
    draft = _make(world.bolton_team, CURRENT, ReturnStatus.DRAFT)
    in_january = datetime.date(2027, 1, 5)
    assert _steps(world.bolton_team, in_january) == [
        (CONTINUE, "2026-27 Q3", datetime.date(2027, 1, 20), False),
        (START, "2026-27 Q4", datetime.date(2027, 4, 20), False),
    ]
    assert team_next_steps(team=world.bolton_team, today=in_january).steps[0].qa_return == draft


def test_a_return_sent_back_is_due_by_its_new_date_with_the_reviewers_comment(world, framework):
    _make(world.bolton_team, CURRENT, ReturnStatus.APPROVED)
    older = _make(world.bolton_team, LAST, ReturnStatus.SUBMITTED)
    new_due = timezone.localdate() + datetime.timedelta(days=7)
    return_send_back(qa_return=older, user=world.manager, comment="Add the audit.", due=new_due)
    _make(world.wigan_team, LAST, ReturnStatus.RETURNED)
    steps = team_next_steps(team=world.bolton_team, today=new_due)
    assert [(s.action, s.qa_return.pk, s.due, s.overdue, s.reason) for s in steps.steps] == [
        (CHANGES, older.pk, new_due, False, "Add the audit.")
    ]
    assert "Make the changes asked for on the 2026-27 Q2 return by" in _text(steps)
    late = team_next_steps(team=world.bolton_team, today=new_due + datetime.timedelta(days=1))
    assert [s.overdue for s in late.steps] == [True]


def test_someone_who_does_not_lead_the_team_gets_no_start_button(world, framework):
    steps = team_next_steps(team=world.bolton_team, today=TODAY)
    text = _text(steps, can_act=False)
    assert "Start the" not in text
    assert "The 2026-27 Q3 return is not started (due 20 January 2027)." in text


def test_a_leader_of_two_teams_gets_each_teams_next_steps_named_for_the_team(world, framework):
    factories.assign(world.lead_bolton, Role.TEAM_LEADER, world.pilot, world.wigan_team)
    _make(world.wigan_team, LAST, ReturnStatus.APPROVED)
    _make(world.wigan_team, CURRENT, ReturnStatus.DRAFT)
    panel = home_panel_for(user=world.lead_bolton, today=TODAY)
    assert [(i.team, [s.action for s in i.steps]) for i in panel.team_items] == [
        (world.bolton_team, [START, START]),
        (world.wigan_team, [CONTINUE]),
    ]
    assert panel.manager_items == []
    assert not panel.review_items.exists()
    html = render_to_string(
        "fidelity/_home_panel.html", {"panel": panel}, request=RequestFactory().get("/")
    )
    assert '<span class="visually-hidden"> for HF Wigan</span>' in html


def test_home_panel_for_a_manager_counts_returns_waiting_for_review_by_quarter(world, framework):
    _make(world.bolton_team, LAST, ReturnStatus.SUBMITTED)
    _make(world.wigan_team, LAST, ReturnStatus.APPROVED)
    _make(world.bury_team, LAST.previous(), ReturnStatus.SUBMITTED)
    _make(world.other_team, LAST, ReturnStatus.SUBMITTED)
    panel = home_panel_for(user=world.manager, today=TODAY)
    [item] = panel.manager_items
    assert item.pilot == world.pilot
    # This quarter: nothing is overdue yet, nothing waits. Last quarter: Bolton waits, Bury is
    # overdue; the quarter before: Bury waits.
    assert [(q.quarter, q.waiting, q.overdue) for q in item.quarters] == [
        (LAST, 1, 1),
        (LAST.previous(), 1, 2),
    ]
    assert panel.team_items == []


def test_home_panel_tells_a_manager_with_nothing_to_do_so(world, framework):
    for team in (world.bolton_team, world.wigan_team, world.bury_team):
        _make(team, LAST, ReturnStatus.APPROVED)
    panel = home_panel_for(user=world.manager, today=TODAY)
    assert [(item.pilot, item.quarters) for item in panel.manager_items] == [(world.pilot, [])]
    text = render_to_string("fidelity/_home_panel.html", {"panel": panel})
    assert "Test pilot: no return waiting for review and none overdue." in text


def test_home_panel_is_empty_for_someone_with_no_team_or_pilot(world):
    panel = home_panel_for(user=world.facilitator, today=TODAY)
    assert (panel.team_items, panel.manager_items) == ([], [])


# --- The home page's link starts the return in one click ---------------------------------------


def _start_form(text: str) -> tuple[str, dict[str, str]]:
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', text, re.S)
    assert form, "no form on the panel"
    fields = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(2)))
    return form.group(1), fields


def test_the_home_panels_start_button_starts_the_return_in_one_post(client, world, framework):
    current = Quarter.containing(timezone.localdate())
    _make(world.bolton_team, current.previous(), ReturnStatus.APPROVED)
    client.force_login(world.lead_bolton)
    text = client.get(reverse("fidelity:home_panel")).content.decode()
    assert f"Start the {current.label} return" in text
    action, fields = _start_form(text)
    assert action == reverse("fidelity:return_start")
    assert "csrfmiddlewaretoken" in fields
    response = client.post(action, fields)
    qa_return = QAReturn.objects.get(team=world.bolton_team, quarter_index=current.index)
    assert qa_return.status == ReturnStatus.DRAFT
    assert response.status_code == 302
    assert response.url == reverse("fidelity:return_tasks", args=[qa_return.pk])


def test_the_home_panels_link_opens_a_draft_for_editing(client, world, framework):
    current = Quarter.containing(timezone.localdate())
    draft = _make(world.bolton_team, current, ReturnStatus.DRAFT)
    client.force_login(world.lead_bolton)
    text = client.get(reverse("fidelity:home_panel")).content.decode()
    edit = reverse("fidelity:return_tasks", args=[draft.pk])
    assert f'<a href="{edit}">Continue your {current.label} return</a>' in text
