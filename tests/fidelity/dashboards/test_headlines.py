import datetime
from decimal import Decimal

import pytest

from common.quarters import CALENDAR, Quarter
from fidelity.dashboards.figures import default_quarter
from fidelity.dashboards.selectors import pilot_principle_headlines
from fidelity.returns.models import ReturnStatus
from tests.fidelity.factories import make_return, use_default_framework


def test_headlines_average_teams_and_show_band_and_like_for_like_change(world):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 1, fill=2)
    make_return(world.bolton_team, 2026, 2, fill=4, scores={"P2": [None] * 5})
    make_return(world.wigan_team, 2026, 2, fill=3, scores={"P2": [None] * 5})
    make_return(world.bury_team, 2026, 2, status=ReturnStatus.DRAFT, fill=1)
    make_return(world.other_team, 2026, 3, fill=1)
    by_code = {
        h.code: h for h in pilot_principle_headlines(pilot=world.pilot, quarter=Quarter(2026, 2))
    }
    assert by_code["P1"].score == Decimal("3.50")
    assert by_code["P1"].band == "high"
    # Like for like: only Bolton scored in both quarters, 2.00 then 4.00.
    assert by_code["P1"].change == Decimal("2.00")
    assert by_code["P2"].score is None
    assert by_code["P2"].band is None
    assert by_code["P2"].change is None
    assert len(by_code) == 7


def test_headlines_default_to_the_latest_quarter_past_its_deadline(world, monkeypatch):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, fill=3)
    make_return(world.bolton_team, 2026, 3, fill=1)  # a quarter whose deadline has not passed
    monkeypatch.setattr(
        "django.utils.timezone.localdate", lambda *args: datetime.date(2026, 11, 30)
    )
    headlines = pilot_principle_headlines(pilot=world.pilot)
    assert {h.quarter for h in headlines} == {Quarter(2026, 2)}
    assert {h.score for h in headlines} == {Decimal("3.00")}


def test_headlines_without_any_scores_are_gaps(world):
    use_default_framework(world.pilot)
    headlines = pilot_principle_headlines(pilot=world.pilot)
    assert [h.score for h in headlines] == [None] * 7


@pytest.mark.parametrize(
    "today, convention, days, expected",
    [
        # Financial quarters, 20 days' grace: Q2 (Jul-Sep 2026) is due 20 October 2026.
        (datetime.date(2026, 10, 20), "financial", 20, Quarter(2026, 1)),
        (datetime.date(2026, 10, 21), "financial", 20, Quarter(2026, 2)),
        (datetime.date(2026, 11, 30), "financial", 20, Quarter(2026, 2)),
        (datetime.date(2027, 1, 20), "financial", 20, Quarter(2026, 2)),
        (datetime.date(2027, 1, 21), "financial", 20, Quarter(2026, 3)),
        # A pilot with 60 days' grace waits longer.
        (datetime.date(2026, 11, 30), "financial", 60, Quarter(2026, 2)),
        (datetime.date(2026, 11, 29), "financial", 60, Quarter(2026, 1)),
        # Calendar quarters: Q3 2026 (Jul-Sep) is due 20 October 2026.
        (datetime.date(2026, 11, 30), CALENDAR, 20, Quarter(2026, 3, CALENDAR)),
    ],
)
def test_default_quarter_is_the_latest_whose_deadline_has_passed(
    world, today, convention, days, expected
):
    world.pilot.quarter_convention = convention
    world.pilot.return_deadline_days = days
    assert default_quarter(pilot=world.pilot, today=today) == expected


def _headline(scores: dict[str, str | None]):
    from fidelity.dashboards.figures import Completeness, Headline, PrincipleCell, ScoreCell

    def cell(score):
        return ScoreCell(
            score=None if score is None else Decimal(score), band=None, band_name=None, change=None
        )

    return Headline(
        quarter=Quarter(2026, 2),
        overall=cell(None),
        principles=[PrincipleCell(code=c, title=c, cell=cell(s)) for c, s in scores.items()],
        completeness=Completeness(counted=0, expected=0, provisional=0),
    )


@pytest.mark.parametrize(
    ("scores", "lowest"),
    [
        ({"P1": "3.00", "P2": "2.44", "P3": "2.48", "P4": "3.50"}, ["P2", "P3"]),
        # Ties go by code; a principle with no score is a gap, never "lowest".
        ({"P1": "2.00", "P2": None, "P3": "2.00", "P4": "1.50"}, ["P4", "P1"]),
        ({"P1": None, "P2": "3.00"}, ["P2"]),
        ({"P1": None, "P2": None}, []),
    ],
)
def test_the_lowest_principles_are_the_two_lowest_scores(scores, lowest):
    assert [p.code for p in _headline(scores).lowest()] == lowest
