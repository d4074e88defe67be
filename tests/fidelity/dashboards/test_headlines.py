from decimal import Decimal

from fidelity.dashboards.selectors import latest_scored_quarter, pilot_principle_headlines
from fidelity.returns.models import ReturnStatus
from fidelity.returns.quarters import Quarter
from tests.fidelity.factories import make_return, use_default_framework


def test_headlines_average_teams_and_show_band_and_change(world):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 1, fill=2)
    make_return(world.bolton_team, 2026, 2, fill=4, scores={"P2": [None] * 5})
    make_return(world.wigan_team, 2026, 2, fill=3, scores={"P2": [None] * 5})
    make_return(world.bury_team, 2026, 2, status=ReturnStatus.DRAFT, fill=1)
    make_return(world.other_team, 2026, 3, fill=1)
    assert latest_scored_quarter(pilot=world.pilot) == Quarter(2026, 2)
    by_code = {h.code: h for h in pilot_principle_headlines(pilot=world.pilot)}
    assert by_code["P1"].score == Decimal("3.50")
    assert by_code["P1"].band == "high"
    assert by_code["P1"].change == Decimal("1.50")
    assert by_code["P2"].score is None
    assert by_code["P2"].band is None
    assert by_code["P2"].change is None
    assert len(by_code) == 7


def test_headlines_without_any_scores_are_gaps(world):
    use_default_framework(world.pilot)
    headlines = pilot_principle_headlines(pilot=world.pilot)
    assert [h.score for h in headlines] == [None] * 7
