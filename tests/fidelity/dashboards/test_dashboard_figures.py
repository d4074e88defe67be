"""The dashboard's figures, computed by hand from known returns."""

import datetime
from decimal import Decimal

from django.utils import timezone

from common.quarters import Quarter
from fidelity.dashboards.caseload import caseload_summary, data_quality, submission_status
from fidelity.dashboards.figures import Scope, dashboard_headline, principle_trends
from fidelity.dashboards.groups import drift_alerts, heatmap
from fidelity.returns.models import QAReturn, ReturnStatus
from tests import factories
from tests.fidelity.factories import make_return, use_default_framework

Q1, Q2, Q3 = Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)


def _cell(map_, name, code):
    row = next(r for r in map_.rows if r.name == name)
    return next(c.cell for c in row.cells if c.code == code)


def test_la_cell_is_the_mean_of_the_teams_serving_that_la_with_band_and_change(world):
    use_default_framework(world.pilot)
    second_bolton = factories.TeamFactory(
        organisation=world.bolton_team.organisation, local_authorities=[world.bolton]
    )
    make_return(world.bolton_team, 2026, 1, fill=2)
    make_return(world.bolton_team, 2026, 2, fill=4)
    make_return(second_bolton, 2026, 2, fill=2, scores={"P1": [3, 3, 2, 2]})
    cells = heatmap(pilot=world.pilot, quarter=Q2, by="la")
    p1 = _cell(cells, "Bolton", "P1")
    assert p1.score == Decimal("3.25")  # (4 + 2.5) / 2
    assert p1.band == "good"
    # Like for like: only the first Bolton team scored in Q1 (2.00), so the change is its own.
    assert p1.change == Decimal("2.00")
    assert p1.change_note == "like for like, 1 team"
    assert _cell(cells, "Bolton", "P2").score == Decimal("3.00")
    assert _cell(cells, "Bolton", "P2").band_name == "Good"


def test_la_with_no_submitted_return_shows_a_gap_not_zero(world):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, fill=4)
    make_return(world.wigan_team, 2026, 2, status=ReturnStatus.DRAFT, fill=1)
    wigan = next(r for r in heatmap(pilot=world.pilot, quarter=Q2).rows if r.name == "Wigan")
    assert [c.cell.score for c in wigan.cells] == [None] * 7
    assert wigan.overall.score is None
    assert wigan.overall.css_class == "band-none"


def test_zone_counts_a_team_serving_two_of_its_las_once(world):
    use_default_framework(world.pilot)
    both = factories.TeamFactory(
        organisation=world.bolton_team.organisation, local_authorities=[world.bolton, world.wigan]
    )
    make_return(world.bolton_team, 2026, 2, fill=4)
    make_return(both, 2026, 2, fill=1)
    west = _cell(heatmap(pilot=world.pilot, quarter=Q2, by="zone"), "West", "P1")
    assert west.score == Decimal("2.50")
    assert west.band == "fair"


def test_organisation_view_averages_its_teams(world):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, fill=4)
    make_return(world.wigan_team, 2026, 2, fill=3)
    make_return(world.bury_team, 2026, 2, fill=1)
    by_org = heatmap(pilot=world.pilot, quarter=Q2, by="organisation")
    assert _cell(by_org, "Red Rose Support", "P3").score == Decimal("3.50")
    assert _cell(by_org, "Northern Lights", "P3").score == Decimal("1.00")
    assert _cell(by_org, "Northern Lights", "P3").band == "low"


def test_headline_overall_is_the_mean_of_the_principle_means_with_change(world):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 1, fill=2)
    make_return(world.bolton_team, 2026, 2, fill=4, scores={"P7": [1, 1, 1, 1, 1]})
    make_return(world.wigan_team, 2026, 2, fill=2, scores={"P7": [None] * 5})
    make_return(world.other_team, 2026, 2, fill=1)
    headline = dashboard_headline(pilot=world.pilot, quarter=Q2)
    # P1..P6 mean 3.00 each, P7 only Bolton's 1.00: (6 * 3 + 1) / 7 = 2.714...
    assert headline.overall.score == Decimal("2.71")
    assert headline.overall.band == "fair"
    # Like for like: only Bolton has an overall score in both quarters, 2.00 then 25 / 7 = 3.57.
    assert headline.overall.change == Decimal("1.57")
    assert headline.overall.change_note == "like for like, 1 team"
    assert headline.teams_scored == 2
    assert str(headline.completeness) == "2 of 3 teams; 2 provisional"


def test_headline_for_a_zone_only_counts_that_zones_teams(world):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, fill=4)
    make_return(world.bury_team, 2026, 2, fill=1)
    north = dashboard_headline(
        pilot=world.pilot, quarter=Q2, scope=Scope(zones=(world.bury.zone_id,))
    )
    assert north.overall.score == Decimal("1.00")


def test_trends_follow_each_principle_over_the_quarters_with_gaps(world):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 1, fill=2)
    make_return(world.wigan_team, 2026, 1, fill=3)
    make_return(world.bolton_team, 2026, 3, fill=4, scores={"P2": [1, 1, 1, 1, 1]})
    trends = principle_trends(pilot=world.pilot, quarter=Q3, quarters=4)
    assert [q.label for q in trends.quarters] == [
        "2025-26 Q4",
        "2026-27 Q1",
        "2026-27 Q2",
        "2026-27 Q3",
    ]
    p2 = next(s for s in trends.series if s.code == "P2")
    assert p2.points == [None, Decimal("2.50"), None, Decimal("1.00")]
    assert trends.overall == [None, Decimal("2.50"), None, Decimal("3.57")]


def test_caseload_sums_returns_and_computes_sustainment_rate_and_caseload_per_fte(world):
    use_default_framework(world.pilot)
    make_return(
        world.bolton_team,
        2026,
        2,
        people_supported=20,
        people_housed=4,
        tenancies_sustained=18,
        tenancies_ended=2,
        staff_fte=Decimal("2.5"),
    )
    make_return(
        world.wigan_team,
        2026,
        2,
        people_supported=10,
        people_housed=1,
        tenancies_sustained=9,
        tenancies_ended=1,
        staff_fte=Decimal("1.5"),
    )
    make_return(world.bury_team, 2026, 2, status=ReturnStatus.DRAFT, people_supported=99)
    make_return(
        world.bolton_team, 2026, 1, people_supported=12, tenancies_sustained=8, tenancies_ended=2
    )
    caseload = caseload_summary(pilot=world.pilot, quarter=Q2)
    assert caseload.returns_counted == 2
    assert caseload.people_supported == 30
    assert caseload.people_housed == 5
    assert caseload.sustainment_rate == Decimal("90.00")  # 27 / (27 + 3)
    assert caseload.caseload_per_fte == Decimal("7.50")  # 30 / 4.0
    assert caseload.over_target  # the framework's target is 7 per FTE
    figures = {f.key: f for f in caseload.figures}
    assert figures["people_supported"].change == 18
    assert figures["sustainment_rate"].previous == Decimal("80.00")


def test_data_quality_counts_unknown_outcomes_unassessed_indicators_and_late_returns(world):
    use_default_framework(world.pilot)
    on_time = make_return(
        world.bolton_team,
        2026,
        2,
        tenancies_ended=4,
        ended_unknown=1,
        scores={"P2": [None, None, 3, 3, 3]},
    )
    late = make_return(world.wigan_team, 2026, 2, tenancies_ended=4, ended_unknown=0)
    QAReturn.objects.filter(pk=on_time.pk).update(
        submitted_at=timezone.make_aware(datetime.datetime(2026, 10, 20, 16))
    )
    QAReturn.objects.filter(pk=late.pk).update(
        submitted_at=timezone.make_aware(datetime.datetime(2026, 10, 21, 9))
    )
    quality = data_quality(pilot=world.pilot, quarter=Q2)
    assert quality.unknown_share == Decimal("12.50")  # 1 of 8
    assert quality.indicators_not_assessed == 2
    assert quality.indicators_total == 60  # 30 indicators in each of two returns
    assert quality.not_assessed_share == Decimal("3.33")
    assert quality.late_returns == 1


def test_returns_status_counts_submitted_approved_overdue_and_missing(world):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2)
    make_return(world.wigan_team, 2026, 2, status=ReturnStatus.APPROVED)
    factories.TeamFactory(organisation=world.bury_team.organisation, is_active=False)
    after_deadline = Q2.deadline(world.pilot.return_deadline_days) + datetime.timedelta(days=1)
    status = submission_status(pilot=world.pilot, quarter=Q2, today=after_deadline)
    assert (status.submitted, status.approved, status.missing, status.overdue) == (1, 1, 1, 1)
    bury = next(t for t in status.teams if t.team_name == "HF Bury")
    assert bury.missing and bury.overdue and bury.status_label == "Missing"
    before = submission_status(pilot=world.pilot, quarter=Q2, today=Q2.end)
    assert (before.missing, before.overdue) == (1, 0)


def test_a_draft_past_its_deadline_is_overdue(world):
    use_default_framework(world.pilot)
    make_return(world.bury_team, 2026, 2, status=ReturnStatus.DRAFT)
    status = submission_status(pilot=world.pilot, quarter=Q2, today=datetime.date(2026, 12, 1))
    bury = next(t for t in status.teams if t.team_name == "HF Bury")
    assert bury.overdue and not bury.missing and bury.status_label == "Draft"


def test_drift_flags_a_team_la_and_zone_whose_principle_fell_twice_running(world):
    use_default_framework(world.pilot)
    make_return(world.bury_team, 2026, 1, fill=3, scores={"P4": [4, 4, 4, 4]})
    make_return(world.bury_team, 2026, 2, fill=3, scores={"P4": [3, 3, 3, 3]})
    make_return(world.bury_team, 2026, 3, fill=3, scores={"P4": [2, 2, 2, 2]})
    alerts = drift_alerts(pilot=world.pilot, quarter=Q3)
    assert {(a.by, a.name, a.code) for a in alerts} == {
        ("team", "HF Bury", "P4"),
        ("la", "Bury", "P4"),
        ("zone", "North", "P4"),
        ("organisation", "Northern Lights", "P4"),
    }
    assert alerts[0].scores == [Decimal("4.00"), Decimal("3.00"), Decimal("2.00")]


def test_no_drift_when_a_score_fell_then_recovered_or_has_a_gap(world):
    use_default_framework(world.pilot)
    make_return(world.bury_team, 2026, 1, scores={"P4": [4, 4, 4, 4]})
    make_return(world.bury_team, 2026, 2, scores={"P4": [2, 2, 2, 2]})
    make_return(world.bury_team, 2026, 3, scores={"P4": [3, 3, 3, 3]})
    make_return(world.bolton_team, 2026, 1, scores={"P4": [4, 4, 4, 4]})
    make_return(world.bolton_team, 2026, 2, scores={"P4": [None] * 4})
    make_return(world.bolton_team, 2026, 3, scores={"P4": [1, 1, 1, 1]})
    assert drift_alerts(pilot=world.pilot, quarter=Q3) == []


def test_a_zone_drifts_only_if_its_mean_fell_twice(world):
    use_default_framework(world.pilot)
    for quarter, bolton, wigan in [(1, 4, 1), (2, 3, 3), (3, 2, 4)]:
        make_return(world.bolton_team, 2026, quarter, scores={"P5": [bolton] * 5})
        make_return(world.wigan_team, 2026, quarter, scores={"P5": [wigan] * 5})
    alerts = {(a.by, a.name) for a in drift_alerts(pilot=world.pilot, quarter=Q3)}
    assert ("team", "HF Bolton") in alerts
    assert ("zone", "West") not in alerts  # 2.5, 3.0, 3.0
