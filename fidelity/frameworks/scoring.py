"""Fidelity scoring: pure functions over plain values, no database.

- A principle's score is the mean of its scored indicators; "not assessed" and blank indicators
  are left out. A principle with no scored indicator has no score (None), never zero.
- The overall score is the mean of the principle scores that exist; None if none exists.
- A band is the first band (highest threshold first) whose minimum the score reaches.
- Change is the difference from the previous quarter's score, None when either is missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

PLACES = Decimal("0.01")


@dataclass(frozen=True)
class BandRule:
    name: str
    minimum: Decimal


@dataclass(frozen=True)
class Scale:
    """The lowest and highest value of a version's scale (its `ScaleLevel` rows): 1 to 4 on the
    default framework, 0 to 3 or 1 to 5 on others."""

    low: int
    high: int

    def __str__(self) -> str:
        return f"{self.low} to {self.high}"


# The default framework's scale: what charts drawn from content built before scales were
# recorded with it used.
DEFAULT_SCALE = Scale(low=1, high=4)


def scale_across(scales: Iterable[Scale | None]) -> Scale | None:
    """The scale that holds every scale given (None for none): figures from versions with
    different scales are shown on one axis from the lowest value to the highest."""
    known = [s for s in scales if s is not None]
    if not known:
        return None
    return Scale(low=min(s.low for s in known), high=max(s.high for s in known))


def _round(value: Decimal) -> Decimal:
    return value.quantize(PLACES, rounding=ROUND_HALF_UP)


def mean_score(values: Iterable[int | Decimal | None]) -> Decimal | None:
    present = [Decimal(v) for v in values if v is not None]
    if not present:
        return None
    return _round(sum(present) / len(present))


def mean_in_hundredths(values: Sequence[int]) -> int | None:
    """`mean_score` of scores held as whole hundredths (3.25 as 325), in integer arithmetic and
    left in hundredths, for pages that average thousands of stored team scores. Same rule:
    rounded half up to two places; None for no value. For the non-negative scores a scale has."""
    return total_in_hundredths_mean(sum(values), len(values))


def total_in_hundredths_mean(total: int, count: int) -> int | None:
    """The same mean from a sum of `count` scores in hundredths (as a database adds them up)."""
    if not count:
        return None
    return (2 * total + count) // (2 * count)


def mean_of_hundredths(values: Sequence[int]) -> Decimal | None:
    """`mean_in_hundredths` as a score (325 -> Decimal("3.25"))."""
    mean = mean_in_hundredths(values)
    return None if mean is None else Decimal(mean).scaleb(-2)


def principle_score(indicator_scores: Iterable[int | None]) -> Decimal | None:
    """Mean of the scored indicators of one principle (None means not assessed or blank)."""
    return mean_score(indicator_scores)


def overall_score(principle_scores: Iterable[Decimal | None]) -> Decimal | None:
    return mean_score(principle_scores)


def band_for(score: Decimal | None, rules: Sequence[BandRule]) -> BandRule | None:
    if score is None:
        return None
    for rule in sorted(rules, key=lambda r: r.minimum, reverse=True):
        if score >= rule.minimum:
            return rule
    return None


def change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    if current is None or previous is None:
        return None
    return _round(Decimal(current) - Decimal(previous))


def fell_twice_running(scores: Sequence[Decimal | int | None]) -> bool:
    """Drift: the last three scores (oldest first) exist and each is lower than the one before."""
    if len(scores) < 3:
        return False
    a, b, c = scores[-3:]
    if a is None or b is None or c is None:
        return False
    return b < a and c < b


def sustainment_rate(sustained: int | None, ended: int | None) -> Decimal | None:
    """Share of tenancies sustained out of those sustained plus those ended, as a percentage."""
    if sustained is None or ended is None or sustained + ended == 0:
        return None
    return _round(Decimal(100) * sustained / (sustained + ended))


def share(part: int | None, whole: int | None) -> Decimal | None:
    """part / whole as a percentage; None when the whole is missing or zero."""
    if part is None or not whole:
        return None
    return _round(Decimal(100) * part / whole)
