"""Scoring is pure: tables of cases, including gaps and "not assessed" items."""

from decimal import Decimal
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fidelity.frameworks import scoring
from fidelity.frameworks.scoring import BandRule

BANDS = [
    BandRule("high", D("3.5")),
    BandRule("good", D("3.0")),
    BandRule("fair", D("2.5")),
    BandRule("low", D("0")),
]


@pytest.mark.parametrize(
    ("indicator_scores", "expected"),
    [
        ([4, 4, 4], D("4.00")),
        ([1, 2, 3, 4], D("2.50")),
        ([3, None, 4], D("3.50")),  # not assessed is left out, not counted as zero
        ([None, None, 2], D("2.00")),
        ([None, None], None),  # nothing scored: a gap
        ([], None),
        ([1, 2, 2], D("1.67")),
        ([2, 2, 3], D("2.33")),
        ([1, 1, 1, 1, 2, 4], D("1.67")),
        ([3, 4, 4], D("3.67")),
        ([3, 3, 4], D("3.33")),
    ],
)
def test_principle_score_is_the_mean_of_scored_indicators(indicator_scores, expected):
    assert scoring.principle_score(indicator_scores) == expected


@pytest.mark.parametrize(
    ("principle_scores", "expected"),
    [
        ([D("4"), D("3"), D("2")], D("3.00")),
        ([D("3.5"), None, D("2.5")], D("3.00")),  # a gap principle does not pull the mean down
        ([None] * 7, None),
        ([D("3.33"), D("3.67")], D("3.50")),
        ([D("1.005")], D("1.01")),  # half rounds up
    ],
)
def test_overall_score_is_the_mean_of_existing_principle_scores(principle_scores, expected):
    assert scoring.overall_score(principle_scores) == expected


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (D("4.00"), "high"),
        (D("3.50"), "high"),
        (D("3.49"), "good"),
        (D("3.00"), "good"),
        (D("2.99"), "fair"),
        (D("2.50"), "fair"),
        (D("2.49"), "low"),
        (D("1.00"), "low"),
        (None, None),
    ],
)
def test_band_is_the_highest_threshold_reached(score, band):
    rule = scoring.band_for(score, BANDS)
    assert (rule.name if rule else None) == band


def test_band_rules_need_not_be_given_in_order():
    assert scoring.band_for(D("3.2"), list(reversed(BANDS))).name == "good"


def test_a_score_below_every_band_has_no_band():
    assert scoring.band_for(D("1.0"), [BandRule("good", D("3"))]) is None


@pytest.mark.parametrize(
    ("current", "previous", "expected"),
    [
        (D("3.00"), D("2.50"), D("0.50")),
        (D("2.50"), D("3.00"), D("-0.50")),
        (D("3.00"), D("3.00"), D("0.00")),
        (None, D("3.00"), None),
        (D("3.00"), None, None),
    ],
)
def test_change_from_the_previous_quarter(current, previous, expected):
    assert scoring.change(current, previous) == expected


@pytest.mark.parametrize(
    ("scores", "drifting"),
    [
        ([D("3.5"), D("3.0"), D("2.5")], True),
        ([D("3.5"), D("3.0"), D("3.0")], False),
        ([D("3.0"), D("3.5"), D("3.0")], False),
        ([D("4"), D("3.5"), D("3.0"), D("2.5")], True),
        ([D("3.5"), None, D("2.5")], False),
        ([D("3.5"), D("3.0")], False),
    ],
)
def test_drift_is_two_falls_in_a_row(scores, drifting):
    assert scoring.fell_twice_running(scores) is drifting


@pytest.mark.parametrize(
    ("sustained", "ended", "rate"),
    [(9, 1, D("90.00")), (0, 0, None), (None, 3, None), (2, None, None), (1, 2, D("33.33"))],
)
def test_sustainment_rate(sustained, ended, rate):
    assert scoring.sustainment_rate(sustained, ended) == rate


@pytest.mark.parametrize(
    ("part", "whole", "expected"),
    [(1, 4, D("25.00")), (0, 4, D("0.00")), (1, 0, None), (None, 4, None), (2, None, None)],
)
def test_share(part, whole, expected):
    assert scoring.share(part, whole) == expected


@given(st.lists(st.integers(min_value=0, max_value=400), max_size=40))
def test_mean_of_hundredths_is_mean_score_in_whole_hundredths(hundredths):
    as_scores = [Decimal(h).scaleb(-2) for h in hundredths]
    assert scoring.mean_of_hundredths(hundredths) == scoring.mean_score(as_scores)
    if hundredths:
        assert str(scoring.mean_of_hundredths(hundredths)) == str(scoring.mean_score(as_scores))
