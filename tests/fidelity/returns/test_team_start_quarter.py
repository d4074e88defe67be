"""A team that starts late (docs/figures.md): before its first quarter it is offered no return,
cannot open one, is not chased, and is not a missing team in any figure."""

import datetime

import pytest

from common.quarters import Quarter
from fidelity.dashboards.caseload import submission_status
from fidelity.dashboards.figures import dashboard_headline, principle_trends
from fidelity.dashboards.selectors import pilot_dashboard
from fidelity.errors import WorkflowError
from fidelity.returns.selectors import quarters_to_open, review_quarter, team_next_steps
from fidelity.returns.services import return_open
from reports.reminders.selectors import returns_not_in
from tests import factories
from tests.fidelity.factories import make_return, use_default_framework

Q1, Q2, Q3 = Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)
# A day in Q3 2026-27, after Q2's deadline: Q2 and Q3 are the quarters a team is asked about.
IN_Q3 = datetime.date(2026, 10, 25)


@pytest.fixture
def in_q3(today_is):
    return today_is(IN_Q3)


@pytest.fixture
def late(world):
    """Bury's team starts in Q3: it made no return before and none is due before."""
    use_default_framework(world.pilot)
    world.bury_team.start_quarter = Q3.index
    world.bury_team.save()
    return world.bury_team


def test_no_return_can_be_opened_for_a_quarter_before_the_team_started(late, in_q3):
    leader = factories.team_leader(late)
    with pytest.raises(WorkflowError, match="starts in 2026-27 Q3"):
        return_open(team=late, quarter=Q2, user=leader)
    assert return_open(team=late, quarter=Q3, user=leader).quarter_index == Q3.index


def test_the_return_list_offers_only_quarters_from_the_first_one(late, in_q3):
    leader = factories.team_leader(late)
    assert [o.quarter for o in quarters_to_open(user=leader)] == [Q3]


def test_next_steps_ask_only_for_the_first_quarters_return(late):
    steps = team_next_steps(team=late, today=IN_Q3).steps
    assert [(s.quarter, s.overdue) for s in steps] == [(Q3, False)]


def test_reminders_do_not_chase_a_quarter_before_the_team_started(late, world):
    due = {(r.team_name, r.quarter_label) for r in returns_not_in(pilot=world.pilot, today=IN_Q3)}
    assert ("HF Bury", Q2.label) not in due
    assert ("HF Bury", Q3.label) in due
    assert ("HF Bolton", Q2.label) in due


def test_completeness_does_not_expect_the_team_before_it_started(late, world):
    make_return(world.bolton_team, 2026, 2, fill=3)
    make_return(world.wigan_team, 2026, 2, fill=3)
    assert str(dashboard_headline(pilot=world.pilot, quarter=Q2).completeness) == (
        "2 of 2 teams; 2 provisional"
    )
    trends = principle_trends(pilot=world.pilot, quarter=Q3, quarters=3)
    assert [c.expected for c in trends.completeness] == [2, 2, 3]
    board = pilot_dashboard(pilot=world.pilot, quarter=Q2, today=IN_Q3)
    assert str(board.headline.completeness) == "2 of 2 teams; 2 provisional"
    assert [c.expected for c in board.trends.completeness][-1] == 2


def test_the_returns_status_does_not_list_the_team_as_missing_before_it_started(late, world):
    names = [
        t.team_name for t in submission_status(pilot=world.pilot, quarter=Q2, today=IN_Q3).teams
    ]
    assert "HF Bury" not in names and "HF Bolton" in names
    names = [
        t.team_name for t in submission_status(pilot=world.pilot, quarter=Q3, today=IN_Q3).teams
    ]
    assert "HF Bury" in names


def test_the_review_list_does_not_show_the_team_overdue_before_it_started(late, world):
    rows = {
        s.team.name: s.status
        for s in review_quarter(pilot=world.pilot, quarter=Q2, today=IN_Q3).statuses
    }
    assert "HF Bury" not in rows
    assert rows["HF Bolton"] == "overdue"


def test_a_return_counted_before_the_first_quarter_still_makes_its_team_expected(late, world):
    # Old data: Bury's Q2 return was submitted before its first quarter was set to Q3. It counts,
    # so Bury is expected that quarter too: never "3 of 2".
    make_return(world.bolton_team, 2026, 2, fill=3)
    make_return(world.wigan_team, 2026, 2, fill=3)
    make_return(late, 2026, 2, fill=3)
    assert str(dashboard_headline(pilot=world.pilot, quarter=Q2).completeness) == (
        "3 of 3 teams; 3 provisional"
    )
    trends = principle_trends(pilot=world.pilot, quarter=Q2, quarters=1)
    assert str(trends.completeness[-1]) == "3 of 3 teams; 3 provisional"
    board = pilot_dashboard(pilot=world.pilot, quarter=Q2, today=IN_Q3)
    assert str(board.trends.completeness[-1]) == "3 of 3 teams; 3 provisional"
