"""An independent reference for docs/figures.md.

Written from the document, not from the production code: plain Python over plain values, no
database, no import from fidelity's figures. Tests build the same pilot in the database and here,
then check that every figure the app shows equals the one worked out here.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

SUBMITTED = "submitted"
APPROVED = "approved"
CASELOAD_SUMS = (
    "people_supported",
    "new_referrals",
    "people_housed",
    "tenancies_sustained",
    "tenancies_ended",
)


def rounded(value: Decimal | None) -> Decimal | None:
    """Two decimal places, half up."""
    if value is None:
        return None
    return Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def mean(values: Iterable[Decimal | int | None]) -> Decimal | None:
    """The rounded mean of the values that exist; None when none does."""
    present = [Decimal(v) for v in values if v is not None]
    if not present:
        return None
    return rounded(sum(present) / len(present))


def percent(part: int | None, whole: int | None) -> Decimal | None:
    if part is None or not whole:
        return None
    return rounded(Decimal(100) * part / whole)


@dataclass(frozen=True)
class Team:
    id: int
    organisation: int
    local_authorities: frozenset[int]
    active: bool = True


@dataclass(frozen=True)
class Return:
    """One team's return for one quarter (by quarter index), as it stands now."""

    team: int
    quarter: int
    status: str
    # principle code -> each indicator's score, None for a blank or not assessed indicator
    scores: dict[str, list[int | None]] = field(default_factory=dict)
    not_assessed: int = 0
    caseload: dict[str, int | Decimal | None] = field(default_factory=dict)
    # the pilot's own measures: measure name -> value, None or absent when not given
    measures: dict[str, int | Decimal | None] = field(default_factory=dict)
    deadline: datetime.date | None = None
    submitted_on: datetime.date | None = None


@dataclass
class Pilot:
    zones: dict[int, frozenset[int]]  # zone -> its local authorities
    organisations: list[int]
    teams: list[Team]
    returns: list[Return]
    principles: list[str]
    bands: list[tuple[str, Decimal]]  # (band, minimum)
    approved_only: bool = False

    # --- which returns count, which teams are in a figure -----------------------------------

    def counts(self, r: Return) -> bool:
        return r.status == APPROVED or (r.status == SUBMITTED and not self.approved_only)

    def counted_return(self, team: int, quarter: int) -> Return | None:
        for r in self.returns:
            if r.team == team and r.quarter == quarter and self.counts(r):
                return r
        return None

    def teams_of(self, by: str, key: int | None = None) -> list[Team]:
        if by == "pilot":
            return list(self.teams)
        if by == "la":
            return [t for t in self.teams if key in t.local_authorities]
        if by == "zone":
            return [t for t in self.teams if t.local_authorities & self.zones[key]]
        if by == "organisation":
            return [t for t in self.teams if t.organisation == key]
        if by == "team":
            return [t for t in self.teams if t.id == key]
        raise ValueError(by)

    def groups(self, by: str) -> list[int]:
        """Groups that have at least one team."""
        if by == "la":
            keys = sorted({la for t in self.teams for la in t.local_authorities})
        elif by == "zone":
            keys = [z for z in sorted(self.zones) if self.teams_of("zone", z)]
        elif by == "organisation":
            keys = [o for o in sorted(self.organisations) if self.teams_of("organisation", o)]
        else:
            keys = sorted(t.id for t in self.teams)
        return keys

    # --- scores ------------------------------------------------------------------------------

    def team_principle(self, team: int, quarter: int, code: str) -> Decimal | None:
        r = self.counted_return(team, quarter)
        if r is None:
            return None
        return mean(r.scores.get(code, []))

    def team_overall(self, team: int, quarter: int) -> Decimal | None:
        return mean(self.team_principle(team, quarter, c) for c in self.principles)

    def principle(self, teams: list[Team], quarter: int, code: str) -> Decimal | None:
        return mean(self.team_principle(t.id, quarter, code) for t in teams)

    def overall(self, teams: list[Team], quarter: int) -> Decimal | None:
        return mean(self.principle(teams, quarter, c) for c in self.principles)

    def band(self, score: Decimal | None) -> str | None:
        if score is None:
            return None
        for name, minimum in sorted(self.bands, key=lambda b: b[1], reverse=True):
            if score >= minimum:
                return name
        return None

    # --- change, like for like ---------------------------------------------------------------

    def principle_change(self, teams: list[Team], quarter: int, code: str) -> Decimal | None:
        both = [
            t
            for t in teams
            if self.team_principle(t.id, quarter, code) is not None
            and self.team_principle(t.id, quarter - 1, code) is not None
        ]
        if not both:
            return None
        now, before = self.principle(both, quarter, code), self.principle(both, quarter - 1, code)
        return rounded(now - before)

    def overall_change(self, teams: list[Team], quarter: int) -> Decimal | None:
        both = [
            t
            for t in teams
            if self.team_overall(t.id, quarter) is not None
            and self.team_overall(t.id, quarter - 1) is not None
        ]
        if not both:
            return None
        return rounded(self.overall(both, quarter) - self.overall(both, quarter - 1))

    # --- completeness ------------------------------------------------------------------------

    def completeness(self, teams: list[Team], quarter: int) -> tuple[int, int, int]:
        """(teams counted, teams expected, provisional)."""
        counted = [self.counted_return(t.id, quarter) for t in teams]
        expected = sum(1 for t, r in zip(teams, counted, strict=True) if t.active or r)
        provisional = sum(1 for r in counted if r and r.status == SUBMITTED)
        return sum(1 for r in counted if r), expected, provisional

    # --- caseload and data quality -----------------------------------------------------------

    def counted_returns(self, teams: list[Team], quarter: int) -> list[Return]:
        found = (self.counted_return(t.id, quarter) for t in teams)
        return [r for r in found if r]

    def caseload(self, teams: list[Team], quarter: int) -> dict[str, Decimal | int | None]:
        returns = self.counted_returns(teams, quarter)
        figures: dict[str, Decimal | int | None] = {}
        for name in CASELOAD_SUMS:
            values = [r.caseload.get(name) for r in returns if r.caseload.get(name) is not None]
            figures[name] = sum(values) if values else None
        sustained, ended = figures["tenancies_sustained"], figures["tenancies_ended"]
        figures["sustainment_rate"] = (
            None
            if sustained is None or ended is None or sustained + ended == 0
            else percent(sustained, sustained + ended)
        )
        fte = [
            Decimal(r.caseload["staff_fte"])
            for r in returns
            if r.caseload.get("staff_fte") is not None
        ]
        figures["staff_fte"] = rounded(sum(fte)) if fte else None
        # Caseload per FTE: people supported in the returns with some staff time, over that time.
        staffed = [r for r in returns if r.caseload.get("staff_fte")]
        staff_time = sum(Decimal(r.caseload["staff_fte"]) for r in staffed)
        people = sum(r.caseload.get("people_supported") or 0 for r in staffed)
        figures["caseload_per_fte"] = rounded(Decimal(people) / staff_time) if staffed else None
        return figures

    def measure(self, teams: list[Team], quarter: int, name: str) -> int | Decimal | None:
        """A pilot's own measure: the sum of its values over the counted returns, each return
        once; a return without a value adds nothing; no value at all is no figure."""
        returns = self.counted_returns(teams, quarter)
        values = [r.measures[name] for r in returns if r.measures.get(name) is not None]
        return sum(values) if values else None

    def data_quality(self, teams: list[Team], quarter: int) -> dict[str, Decimal | int | None]:
        returns = self.counted_returns(teams, quarter)
        ended = [r.caseload.get("tenancies_ended") for r in returns]
        unknown = [r.caseload.get("ended_unknown") for r in returns]
        ended_sum = (
            sum(v for v in ended if v is not None) if any(v is not None for v in ended) else None
        )
        unknown_sum = (
            sum(v for v in unknown if v is not None)
            if any(v is not None for v in unknown)
            else None
        )
        not_assessed = sum(r.not_assessed for r in returns)
        scored = sum(1 for r in returns for s in r.scores.values() for v in s if v is not None)
        late = sum(
            1
            for r in returns
            if r.submitted_on is not None and r.deadline is not None and r.submitted_on > r.deadline
        )
        return {
            "tenancies_ended": ended_sum,
            "ended_unknown": unknown_sum,
            "unknown_share": percent(unknown_sum, ended_sum),
            "indicators_not_assessed": not_assessed,
            "indicators_total": not_assessed + scored,
            "not_assessed_share": percent(not_assessed, not_assessed + scored),
            "late_returns": late,
        }


def default_quarter_index(
    *, today: datetime.date, deadline_days: int, quarter_ends: dict[int, datetime.date]
) -> int:
    """The latest quarter whose deadline (its last day plus `deadline_days`) has passed."""
    passed = [
        index
        for index, end in quarter_ends.items()
        if end + datetime.timedelta(days=deadline_days) < today
    ]
    return max(passed)
