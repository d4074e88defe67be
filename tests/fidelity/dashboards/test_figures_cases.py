"""The tricky cases of docs/figures.md, worked out by hand.

Each case sets up returns in the test world (Bolton and Wigan in the West zone, Bury in the
North; HF Bolton and HF Wigan belong to one organisation, HF Bury to another) and states the
figures a person would work out with a pencil. test_figures_reference.py checks the rest, on
random pilots, against an independent implementation.
"""

from __future__ import annotations

from decimal import Decimal

from common.quarters import Quarter
from fidelity.dashboards.caseload import data_quality
from fidelity.dashboards.figures import Scope, dashboard_headline
from fidelity.dashboards.groups import heatmap
from fidelity.returns.models import ReturnStatus
from fidelity.returns.services import (
    return_approve,
    return_reopen,
    return_send_back,
    return_store_scores,
)
from tests.fidelity.factories import make_return, use_default_framework

Q1, Q2 = Quarter(2026, 1), Quarter(2026, 2)


def _headline(world, **scope):
    return dashboard_headline(pilot=world.pilot, quarter=Q2, scope=Scope(**scope))


def _row(world, by, name, **scope):
    found = heatmap(pilot=world.pilot, quarter=Q2, by=by, scope=Scope(**scope))
    return next(r for r in found.rows if r.name == name)


def _p1(headline):
    return headline.principles[0].cell


def test_a_return_sent_back_stops_counting_at_once(world):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, fill=3)
    wigan = make_return(world.wigan_team, 2026, 2, fill=1)
    assert _p1(_headline(world)).score == Decimal("2.00")  # (3 + 1) / 2
    return_send_back(qa_return=wigan, user=world.manager, comment="Evidence for P1, please.")
    headline = _headline(world)
    assert _p1(headline).score == Decimal("3.00")  # Bolton alone
    assert str(headline.completeness) == "1 of 3 teams; 1 provisional"
    assert _row(world, "la", "Wigan").overall.score is None


def test_a_reopened_return_stops_counting_and_a_resubmitted_one_counts_again(world):
    use_default_framework(world.pilot)
    bolton = make_return(world.bolton_team, 2026, 2, fill=2)
    return_approve(qa_return=bolton, user=world.manager)
    assert str(_headline(world).completeness) == "1 of 3 teams"
    return_reopen(qa_return=bolton, user=world.manager, reason="A figure was wrong.")
    assert _p1(_headline(world)).score is None
    assert str(_headline(world).completeness) == "0 of 3 teams"
    bolton.refresh_from_db()
    bolton.status = ReturnStatus.SUBMITTED
    bolton.save()
    bolton.scores.update(score=4)
    return_store_scores(qa_return=bolton)
    assert _p1(_headline(world)).score == Decimal("4.00")
    assert str(_headline(world).completeness) == "1 of 3 teams; 1 provisional"


def test_not_assessed_is_left_out_not_counted_as_zero(world):
    use_default_framework(world.pilot)
    # P1 has four indicators: 4 and 3 scored, two not assessed. (4 + 3) / 2 = 3.50.
    make_return(world.bolton_team, 2026, 2, fill=3, scores={"P1": [4, 3, None, None]})
    assert _p1(_headline(world)).score == Decimal("3.50")
    quality = data_quality(pilot=world.pilot, quarter=Q2)
    assert quality.indicators_not_assessed == 2


def test_a_principle_with_nothing_scored_is_a_gap_and_the_overall_averages_the_rest(world):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, fill=2, scores={"P7": [None] * 5})
    headline = _headline(world)
    assert headline.principles[6].cell.score is None
    assert headline.overall.score == Decimal("2.00")  # six principles of 2.00, P7 left out


def test_a_team_serving_two_las_of_a_zone_counts_once_in_the_zone(world):
    use_default_framework(world.pilot)
    world.bolton_team.local_authorities.add(world.wigan)
    make_return(world.bolton_team, 2026, 2, fill=4)
    make_return(world.wigan_team, 2026, 2, fill=1)
    # West: HF Bolton (4) once, HF Wigan (1): 2.50, not (4 + 4 + 1) / 3.
    assert _row(world, "zone", "West").overall.score == Decimal("2.50")
    assert str(_row(world, "zone", "West").completeness) == "2 of 2 teams; 2 provisional"
    # Wigan the LA is served by both teams: 2.50 too.
    assert _row(world, "la", "Wigan").overall.score == Decimal("2.50")


def test_change_is_like_for_like_over_the_teams_in_both_quarters(world):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 1, fill=2)
    make_return(world.bolton_team, 2026, 2, fill=4)
    make_return(world.wigan_team, 2026, 2, fill=1)
    cell = _p1(_headline(world))
    assert cell.score == Decimal("2.50")  # (4 + 1) / 2
    assert cell.change == Decimal("2.00")  # Bolton alone: 4 - 2, not 2.50 - 2.00
    assert cell.change_note == "like for like, 1 team"


def test_change_is_not_comparable_when_no_team_is_in_both_quarters(world):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 1, fill=2)
    make_return(world.wigan_team, 2026, 2, fill=3)
    cell = _p1(_headline(world))
    assert cell.score == Decimal("3.00")
    assert cell.change is None
    assert cell.change_note == "not comparable"


def test_the_first_quarter_has_no_earlier_score(world):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, fill=3)
    assert _p1(_headline(world)).change is None
    assert _p1(_headline(world)).change_note == "no earlier score"


def test_approved_only_leaves_provisional_returns_out(world):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, fill=3, status=ReturnStatus.APPROVED)
    make_return(world.wigan_team, 2026, 2, fill=1)
    assert _p1(_headline(world)).score == Decimal("2.00")
    assert str(_headline(world).completeness) == "2 of 3 teams; 1 provisional"
    approved = _headline(world, approved_only=True)
    assert _p1(approved).score == Decimal("3.00")
    assert str(approved.completeness) == "1 of 3 teams"


def test_an_inactive_team_is_expected_only_when_its_return_counts(world):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, fill=3)
    world.bury_team.is_active = False
    world.bury_team.save()
    assert str(_headline(world).completeness) == "1 of 2 teams; 1 provisional"
    make_return(world.bury_team, 2026, 2, fill=3)
    assert str(_headline(world).completeness) == "2 of 3 teams; 2 provisional"


def test_means_round_half_up_at_each_step(world):
    use_default_framework(world.pilot)
    # Bolton's P1 is (2 + 2 + 2 + 3) / 4 = 2.25; Wigan's (3 + 2 + 2 + 3) / 4 = 2.50.
    # The pilot's P1 is (2.25 + 2.50) / 2 = 2.375, shown 2.38.
    make_return(world.bolton_team, 2026, 2, fill=3, scores={"P1": [2, 2, 2, 3]})
    make_return(world.wigan_team, 2026, 2, fill=3, scores={"P1": [3, 2, 2, 3]})
    assert _p1(_headline(world)).score == Decimal("2.38")


def test_unknown_outcomes_are_a_share_with_their_counts(world):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, tenancies_ended=12, ended_unknown=1)
    make_return(world.wigan_team, 2026, 2, tenancies_ended=7, ended_unknown=1)
    quality = data_quality(pilot=world.pilot, quarter=Q2)
    assert (quality.ended_unknown, quality.tenancies_ended) == (2, 19)
    assert quality.unknown_share == Decimal("10.53")
