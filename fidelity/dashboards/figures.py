"""Score figures: headline, trends, heat maps by local authority, zone, organisation or team, drift.

docs/figures.md defines every figure; this module and `caseload.py` implement it, and every page,
export and report reads the figures from here. In short:

- Only counted returns count: submitted (provisional) and approved (final), as they stand now.
  `Scope.approved_only` counts approved returns alone.
- A group's principle score is the mean of its teams' principle scores (each team once); its
  overall score is the mean of its principle scores.
- Change is like for like: over the teams with a score in both quarters, else "not comparable".
- Completeness ("8 of 10 teams; 2 provisional") goes with every headline, row and trend point.

The stored summary rows (`PrincipleScore`, one per principle of a submitted or approved return)
are read for a few quarters at a time, team by team, and arranged here in Python; long trends are
summed in the database. A row counts under the section of the pilot's version that its section
continues, through the framework's crosswalks (`FrameworkInfo.code_for`).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery, Sum
from django.utils import timezone

from common.quarters import Quarter
from fidelity.frameworks import scoring
from fidelity.frameworks.models import Band, Principle, ScaleLevel
from fidelity.frameworks.selectors import current_framework_version
from fidelity.frameworks.words import DEFAULT_WORDS, FrameworkWords
from fidelity.returns.models import COUNTED_STATUSES, PrincipleScore, QAReturn, ReturnStatus
from fidelity.returns.selectors import expected_from
from partners.models import Pilot, Team

DEFAULT_TREND_QUARTERS = 8
NOT_COMPARABLE = "not comparable"
NO_EARLIER_SCORE = "no earlier score"


def default_quarter(*, pilot: Pilot, today: datetime.date | None = None) -> Quarter:
    """The latest quarter whose return deadline has passed, so every team has had its chance."""
    today = today or timezone.localdate()
    quarter = Quarter.containing(today, pilot.quarter_convention).previous()
    while quarter.deadline(pilot.return_deadline_days) >= today:
        quarter = quarter.previous()
    return quarter


@dataclass(frozen=True)
class Scope:
    """Which part of a pilot to look at, and which returns count. Ids, so reports can store it.

    No zones, LAs, organisations or teams means the whole pilot. `approved_only` leaves out
    submitted (provisional) returns.
    """

    zones: tuple[int, ...] = ()
    local_authorities: tuple[int, ...] = ()
    organisations: tuple[int, ...] = ()
    teams: tuple[int, ...] = ()
    approved_only: bool = False

    @property
    def is_whole_pilot(self) -> bool:
        return not (self.zones or self.local_authorities or self.organisations or self.teams)

    @property
    def counted_statuses(self) -> tuple[str, ...]:
        return (ReturnStatus.APPROVED,) if self.approved_only else COUNTED_STATUSES

    def team_queryset(self, pilot: Pilot) -> QuerySet[Team]:
        """The pilot's teams in scope (lazy: used as a subquery, never loaded on its own)."""
        teams = Team.objects.filter(organisation__pilot=pilot)
        if self.zones:
            teams = teams.filter(local_authorities__zone__in=self.zones)
        if self.local_authorities:
            teams = teams.filter(local_authorities__in=self.local_authorities)
        if self.organisations:
            teams = teams.filter(organisation__in=self.organisations)
        if self.teams:
            teams = teams.filter(pk__in=self.teams)
        return teams


WHOLE_PILOT = Scope()


def counted_returns(*, pilot: Pilot, scope: Scope = WHOLE_PILOT) -> QuerySet[QAReturn]:
    """The returns that count, of the teams in scope: the one home of "which returns count"."""
    returns = QAReturn.objects.filter(status__in=scope.counted_statuses)
    # One way to the pilot's teams, not two: with both a join and a subquery, PostgreSQL
    # planned a team-by-organisation cross product (48 ms instead of 5 at 150 LAs).
    if scope.is_whole_pilot:
        return returns.filter(team__organisation__pilot=pilot)
    return returns.filter(team_id__in=scope.team_queryset(pilot).values("id"))


def counted_scores(
    *,
    pilot: Pilot,
    scope: Scope = WHOLE_PILOT,
    first_index: int | None = None,
    last_index: int | None = None,
) -> QuerySet[PrincipleScore]:
    """The stored principle scores of the counted returns of the teams in scope, in the quarters
    from `first_index` to `last_index` if given.

    The quarters limit the returns too (a return's scores share its quarter): PostgreSQL then
    reads only those returns for their status, not the pilot's whole history."""
    scores = PrincipleScore.objects.filter(
        pilot=pilot, qa_return__status__in=scope.counted_statuses
    )
    if first_index is not None:
        scores = scores.filter(
            quarter_index__gte=first_index, qa_return__quarter_index__gte=first_index
        )
    if last_index is not None:
        scores = scores.filter(
            quarter_index__lte=last_index, qa_return__quarter_index__lte=last_index
        )
    if scope.is_whole_pilot:
        return scores
    return scores.filter(team_id__in=scope.team_queryset(pilot).values("id"))


@dataclass(frozen=True)
class PrincipleRef:
    code: str
    title: str


@dataclass(frozen=True)
class FrameworkInfo:
    """The principles and bands of the framework version the pilot scores on, and where each
    section of the framework's other versions counts in it."""

    principles: list[PrincipleRef]
    rules: list[scoring.BandRule]
    band_names: dict[str, str]
    caseload_target_per_fte: Decimal | None = None
    words: FrameworkWords = DEFAULT_WORDS
    # Every section (principle id) of the framework's versions -> the code it counts under
    # now; a section missing here continues into none of the pilot's version's sections.
    followed: dict[int, str] = field(default_factory=dict)
    # Every section of the framework's versions -> its version's number.
    version_of: dict[int, int] = field(default_factory=dict)
    # The codes of the earlier sections in `followed`, as their stored scores carry them.
    old_codes: frozenset[str] = frozenset()
    # The number of the version the pilot scores on, and each version's scale by number.
    version: int | None = None
    scales: dict[int, scoring.Scale] = field(default_factory=dict)
    # Each version (by number) -> each of its section codes -> the code it counts under now
    # (None: it continues into none of the pilot's version's sections).
    codes_in: dict[int, dict[str, str | None]] = field(default_factory=dict)

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.principles]

    @property
    def stored_codes(self) -> set[str]:
        """The codes stored scores may carry and still count: this version's and the ones
        its sections continue."""
        return {*self.codes, *self.old_codes}

    def code_for(self, principle_id: int, code: str) -> str | None:
        """The section a stored score counts under: through the crosswalk for a section of this
        framework, by its code for any other (a pilot that changed framework)."""
        if principle_id in self.version_of:
            return self.followed.get(principle_id)
        return code if code in self.codes else None

    def scale_of(self, versions: Iterable[int]) -> scoring.Scale | None:
        """The scale that holds the scales of `versions` and of the pilot's version: the axis
        of a figure shown on them."""
        numbers = {*versions, *([self.version] if self.version is not None else [])}
        return scoring.scale_across(self.scales.get(n) for n in numbers)

    def change_words(self, old: int, new: int) -> str:
        """What a change from version `old` to `new` did to the sections, in a few words:
        "C continues B of v1; D is new; E of v1 ends". Sections that run on under their own
        code go unsaid."""
        before, after = self.codes_in.get(old, {}), self.codes_in.get(new, {})
        was = {now: code for code, now in before.items() if now is not None}
        words = []
        for code, now in after.items():
            if now is None:
                continue
            if now not in was:
                words.append(f"{code} is new")
            elif was[now] != code:
                words.append(f"{code} continues {was[now]} of v{old}")
        continuing = {now for now in after.values() if now is not None}
        words += [
            f"{code} of v{old} ends"
            for code, now in before.items()
            if now is None or now not in continuing
        ]
        return "; ".join(words) or "every section continues"

    def legend(self) -> list[tuple[str, str, Decimal]]:
        """Each band as (slug, the framework's name for it, minimum), highest first."""
        return [(r.name, self.band_names.get(r.name, r.name), r.minimum) for r in self.rules]

    def cell(
        self, score: Decimal | None, change: Decimal | None = None, change_note: str = ""
    ) -> ScoreCell:
        band = scoring.band_for(score, self.rules)
        return ScoreCell(
            score=score,
            band=band.name if band else None,
            band_name=self.band_names.get(band.name) if band else None,
            change=change,
            change_note=change_note,
        )


def framework_info(*, pilot: Pilot, version_id: int | None = None) -> FrameworkInfo:
    """Two queries when the version id is known (the dashboard view annotates it), three if not.
    The sections of every version of the framework come in the one query, for the crosswalk."""
    if version_id is None:
        version_id = current_framework_version(pilot=pilot).pk
    levels = ScaleLevel.objects.filter(version=OuterRef("version_id")).values("value")
    sections = list(
        Principle.objects.filter(version__framework__versions=version_id)
        .select_related("version")
        .annotate(
            scale_low=Subquery(levels.order_by("value")[:1]),
            scale_high=Subquery(levels.order_by("-value")[:1]),
        )
        .order_by("version__number", "position")
    )
    principles = [p for p in sections if p.version_id == version_id]
    followed = sections_followed(sections, version_id=version_id)
    codes_in: dict[int, dict[str, str | None]] = {}
    for p in sections:
        codes_in.setdefault(p.version.number, {})[p.code] = followed.get(p.pk)
    bands = list(Band.objects.filter(version_id=version_id).order_by("-minimum"))
    return FrameworkInfo(
        principles=[PrincipleRef(code=p.code, title=p.title) for p in principles],
        rules=[scoring.BandRule(name=b.slug, minimum=b.minimum) for b in bands],
        band_names={b.slug: b.name for b in bands},
        caseload_target_per_fte=(
            principles[0].version.caseload_target_per_fte if principles else None
        ),
        words=principles[0].version.words if principles else DEFAULT_WORDS,
        followed=followed,
        version_of={p.pk: p.version.number for p in sections},
        old_codes=frozenset(p.code for p in sections if p.pk in followed),
        version=principles[0].version.number if principles else None,
        scales={
            p.version.number: scoring.Scale(low=p.scale_low, high=p.scale_high)
            for p in sections
            if p.scale_low is not None
        },
        codes_in=codes_in,
    )


def sections_followed(sections: Sequence[Principle], *, version_id: int) -> dict[int, str]:
    """Each section of the framework's versions that the version `version_id`'s sections
    continue, directly or through versions between -> the code it counts under.

    A version that names its previous one continues the sections its sections name; a version
    without (made before crosswalks, or imported without one) continues the version numbered
    before it by code, as figures always did."""
    by_version: dict[int, dict[str, Principle]] = {}
    for p in sections:
        by_version.setdefault(p.version.number, {})[p.code] = p
    by_id = {p.pk: p for p in sections}

    def before(p: Principle) -> Principle | None:
        if p.version.previous_id is not None:
            return by_id.get(p.continues_id) if p.continues_id else None
        return by_version.get(p.version.number - 1, {}).get(p.code)

    followed = {}
    for p in sections:
        if p.version_id != version_id:
            continue
        section: Principle | None = p
        while section is not None and section.pk not in followed:
            followed[section.pk] = p.code
            section = before(section)
    return followed


@dataclass(frozen=True)
class ScoreCell:
    """A score with its band and its like-for-like change from the quarter before.

    `change_note` says why there is no change ("not comparable", "no earlier score") or what it
    covers ("like for like, 8 teams"); it is empty when the change covers every team scored.
    """

    score: Decimal | None
    band: str | None
    band_name: str | None
    change: Decimal | None
    change_note: str = ""

    @property
    def css_class(self) -> str:
        return f"band-{self.band or 'none'}"


@dataclass(frozen=True)
class Completeness:
    """How many teams a figure covers: "8 of 10 teams; 2 provisional"."""

    counted: int
    expected: int
    provisional: int

    def __str__(self) -> str:
        text = f"{self.counted} of {self.expected} team{'' if self.expected == 1 else 's'}"
        return f"{text}; {self.provisional} provisional" if self.provisional else text


def _rounded(value) -> Decimal | None:
    return None if value is None else scoring.mean_score([Decimal(str(value))])


# --- What the counted returns say, team by team, over a few quarters -----------------------------


_NO_SCORES: dict[int, int] = {}


def _as_score(hundredths: int | None) -> Decimal | None:
    return None if hundredths is None else Decimal(hundredths).scaleb(-2)


@dataclass
class Facts:
    """The counted returns of the teams in scope over a few quarters, team by team.

    Team scores are kept as whole hundredths, by quarter and principle, and group means are
    remembered, because a page averages the same teams many times (cells, their like-for-like
    changes, drift)."""

    indexes: list[int]
    codes: list[str]
    active: dict[int, bool]  # every team in scope -> is it active
    status: dict[tuple[int, int], str] = field(default_factory=dict)  # (team, quarter) -> status
    starts: dict[int, int] = field(default_factory=dict)  # a team that starts late -> its first
    # (quarter, principle) -> team -> score in hundredths
    columns: dict[tuple[int, str], dict[int, int]] = field(default_factory=dict)
    _means: dict[tuple, int | None] = field(default_factory=dict, repr=False)

    def _column(self, index: int, code: str) -> dict[int, int]:
        return self.columns.get((index, code), _NO_SCORES)

    def principle_hundredths(self, teams: tuple[int, ...], index: int, code: str) -> int | None:
        """The group's principle score, in hundredths: the mean of its teams' scores."""
        if len(teams) == 1:
            return self._column(index, code).get(teams[0])
        key = (teams, index, code)
        if key not in self._means:
            column = self._column(index, code)
            self._means[key] = scoring.mean_in_hundredths([column[t] for t in teams if t in column])
        return self._means[key]

    def overall_hundredths(self, teams: tuple[int, ...], index: int) -> int | None:
        """The group's overall score, in hundredths: the mean of its principle scores."""
        key = (teams, index, None)
        if key not in self._means:
            self._means[key] = scoring.mean_in_hundredths(
                [
                    m
                    for c in self.codes
                    if (m := self.principle_hundredths(teams, index, c)) is not None
                ]
            )
        return self._means[key]

    def principle(self, teams: Iterable[int], index: int, code: str) -> Decimal | None:
        return _as_score(self.principle_hundredths(tuple(teams), index, code))

    def team_overall(self, team: int, index: int) -> Decimal | None:
        return self.overall((team,), index)

    def overall(self, teams: Iterable[int], index: int) -> Decimal | None:
        return _as_score(self.overall_hundredths(tuple(teams), index))

    def active_starts(self) -> list[int | None]:
        """Each active team's first quarter (None: every quarter), for `completeness_from`."""
        return [self.starts.get(team) for team, active in self.active.items() if active]

    def completeness(self, teams: Iterable[int], index: int) -> Completeness:
        counted = provisional = expected = 0
        for team in teams:
            status = self.status.get((team, index))
            counted += status is not None
            provisional += status == ReturnStatus.SUBMITTED
            expected += status is not None or (
                self.active.get(team, False)
                and expected_from(start=self.starts.get(team), index=index)
            )
        return Completeness(counted=counted, expected=expected, provisional=provisional)

    def _cell(
        self,
        framework: FrameworkInfo,
        value,
        now_teams: tuple[int, ...],
        both: tuple[int, ...],
        any_earlier: bool,
        index: int,
    ) -> ScoreCell:
        """A cell with its like-for-like change: over the teams in `both` (scored in this
        quarter and the one before), with what it covers."""
        score = _as_score(value(now_teams, index))
        change, note = None, ""
        if score is not None and not both:
            note = NOT_COMPARABLE if any_earlier else NO_EARLIER_SCORE
        elif score is not None:
            change = scoring.change(
                _as_score(value(both, index)), _as_score(value(both, index - 1))
            )
            if len(both) < len(now_teams):
                note = f"like for like, {len(both)} team{'' if len(both) == 1 else 's'}"
        return framework.cell(score, change, note)

    def principle_cell(
        self, framework: FrameworkInfo, teams: Sequence[int], index: int, code: str
    ) -> ScoreCell:
        now, before = self._column(index, code), self._column(index - 1, code)
        now_teams = tuple(t for t in teams if t in now)
        both = tuple(t for t in now_teams if t in before)
        return self._cell(
            framework,
            lambda ts, i: self.principle_hundredths(ts, i, code),
            now_teams,
            both,
            any(t in before for t in teams),
            index,
        )

    def overall_cell(self, framework: FrameworkInfo, teams: Sequence[int], index: int) -> ScoreCell:
        def scored(team: int, i: int) -> bool:
            return self.overall_hundredths((team,), i) is not None

        now_teams = tuple(t for t in teams if scored(t, index))
        both = tuple(t for t in now_teams if scored(t, index - 1))
        return self._cell(
            framework,
            self.overall_hundredths,
            now_teams,
            both,
            any(scored(t, index - 1) for t in teams),
            index,
        )


def facts(
    *,
    pilot: Pilot,
    scope: Scope,
    indexes: Sequence[int],
    framework: FrameworkInfo,
    active: dict[int, bool] | None = None,
    starts: dict[int, int] | None = None,
) -> Facts:
    """Three queries: the teams in scope (unless `active` and `starts` give them, each -> is it
    active, and each team that starts late -> its first quarter), their counted returns'
    statuses, their scores."""
    if active is None:
        rows = list(
            scope.team_queryset(pilot).values_list("id", "is_active", "start_quarter").order_by()
        )
        active = {team: is_active for team, is_active, _ in rows}
        starts = {team: start for team, _, start in rows if start is not None}
    found = Facts(indexes=list(indexes), codes=framework.codes, active=active, starts=starts or {})
    returns = counted_returns(pilot=pilot, scope=scope).filter(quarter_index__in=indexes)
    for team, index, status in returns.values_list("team_id", "quarter_index", "status"):
        found.status[(team, index)] = status
    rows = counted_scores(pilot=pilot, scope=scope).filter(
        quarter_index__in=indexes, principle_code__in=framework.stored_codes, score__isnull=False
    )
    for team, index, principle, stored, score in rows.values_list(
        "team_id", "quarter_index", "principle_id", "principle_code", "score"
    ):
        code = framework.code_for(principle, stored)
        if code is not None:
            found.columns.setdefault((index, code), {})[team] = int(score * 100)
    return found


# --- Means over the whole scope for many quarters (trends, data quality) -------------------------


@dataclass(frozen=True)
class _MeanRow:
    total: int  # the teams' scores added up, in hundredths
    teams: int
    scored: int
    not_assessed: int


def _principle_means(
    *, pilot: Pilot, scope: Scope, first_index: int, last_index: int
) -> dict[tuple[int, int, str], _MeanRow]:
    """(quarter index, principle id, principle code) -> the sum of the counted teams' scores in
    scope and how many there are, with counts of indicators. By section (principle id), not
    code, so that `_trends_from` can put each version's sections where the crosswalk says."""
    rows = (
        counted_scores(pilot=pilot, scope=scope, first_index=first_index, last_index=last_index)
        .values("quarter_index", "principle_id", "principle_code")
        .annotate(
            total=Sum("score"),
            # A team has one score row per quarter and principle, so no DISTINCT (and no sort).
            teams=Count("team_id", filter=Q(score__isnull=False)),
            scored=Sum("scored_count"),
            not_assessed=Sum("not_assessed_count"),
        )
        .order_by()
    )
    return {
        (r["quarter_index"], r["principle_id"], r["principle_code"]): _MeanRow(
            total=int((r["total"] or 0) * 100),
            teams=r["teams"],
            scored=r["scored"] or 0,
            not_assessed=r["not_assessed"] or 0,
        )
        for r in rows
    }


def completeness_counts() -> dict:
    """The aggregates, over counted returns grouped by quarter, that completeness needs."""
    return {
        "counted": Count("id"),
        "provisional": Count("id", filter=Q(status=ReturnStatus.SUBMITTED)),
        "inactive": Count("id", filter=Q(team__is_active=False)),
        # Returns of active teams from before their first quarter (old data): they count, so
        # their teams are expected too (expected_from's rule, row by row).
        "early": Count(
            "id", filter=Q(team__is_active=True, team__start_quarter__gt=F("quarter_index"))
        ),
    }


def completeness_from(
    rows: dict[int, dict], *, active: Sequence[int | None], indexes: Sequence[int]
) -> dict[int, Completeness]:
    """Per quarter: the counted returns against the teams expected (the active teams from their
    first quarter on, and any inactive team whose return counts), from rows of
    `completeness_counts` by quarter index. `active`: each active team's first quarter (None:
    every quarter). A team whose return counts is always expected."""
    result = {}
    for index in indexes:
        row = rows.get(index, {"counted": 0, "provisional": 0, "inactive": 0, "early": 0})
        expected = sum(1 for start in active if expected_from(start=start, index=index))
        result[index] = Completeness(
            counted=row["counted"],
            expected=expected + row["inactive"] + row["early"],
            provisional=row["provisional"],
        )
    return result


def _completeness_by_quarter(
    *, pilot: Pilot, scope: Scope, indexes: Sequence[int], facts: Facts | None = None
) -> dict[int, Completeness]:
    """The counted returns per quarter against the teams expected: one query when `facts` (of
    the same scope) already knows which teams are active, two if not."""
    if facts is not None:
        active = facts.active_starts()
    else:
        teams = scope.team_queryset(pilot).filter(is_active=True).order_by()
        active = [start for _, start in set(teams.values_list("id", "start_quarter"))]
    rows = (
        counted_returns(pilot=pilot, scope=scope)
        .filter(quarter_index__in=indexes)
        .values("quarter_index")
        .annotate(**completeness_counts())
        .order_by()
    )
    return completeness_from({r["quarter_index"]: r for r in rows}, active=active, indexes=indexes)


LOWEST_PRINCIPLES = 2

# --- Headline --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PrincipleCell:
    code: str
    title: str
    cell: ScoreCell


@dataclass(frozen=True)
class Headline:
    quarter: Quarter
    overall: ScoreCell
    principles: list[PrincipleCell]
    completeness: Completeness

    @property
    def teams_scored(self) -> int:
        return self.completeness.counted

    def lowest(self, count: int = LOWEST_PRINCIPLES) -> list[PrincipleCell]:
        """The `count` principles with the lowest scores (ties by code); unscored ones are left
        out. The dashboard's "needs attention" and the quarterly report both name these."""
        scored = [p for p in self.principles if p.cell.score is not None]
        return sorted(scored, key=lambda p: (p.cell.score, p.code))[:count]


def _headline_from(facts: Facts, quarter: Quarter, framework: FrameworkInfo) -> Headline:
    teams = sorted(facts.active)
    return Headline(
        quarter=quarter,
        overall=facts.overall_cell(framework, teams, quarter.index),
        principles=[
            PrincipleCell(
                code=p.code,
                title=p.title,
                cell=facts.principle_cell(framework, teams, quarter.index, p.code),
            )
            for p in framework.principles
        ],
        completeness=facts.completeness(teams, quarter.index),
    )


def dashboard_headline(
    *,
    pilot: Pilot,
    quarter: Quarter,
    scope: Scope = WHOLE_PILOT,
    framework: FrameworkInfo | None = None,
) -> Headline:
    """Overall score (mean of the principle scores) and each principle's, with band, change and
    completeness."""
    framework = framework or framework_info(pilot=pilot)
    found = facts(
        pilot=pilot,
        scope=scope,
        indexes=[quarter.index - 1, quarter.index],
        framework=framework,
    )
    return _headline_from(found, quarter, framework)


# --- Trends ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrendSeries:
    code: str
    title: str
    points: list[Decimal | None]


@dataclass(frozen=True)
class FrameworkChange:
    """The first quarter of a trend whose returns use a newer version of the framework."""

    position: int  # in the trend's quarters
    quarter: Quarter
    version: int
    # What the change did to the sections (`FrameworkInfo.change_words`).
    sections: str = ""

    @property
    def label(self) -> str:
        return f"Framework changed: v{self.version}"

    @property
    def note(self) -> str:
        """The change in one line, for exports: "v2 from 2026-27 Q3: C continues B of v1"."""
        text = f"v{self.version} from {self.quarter.label}"
        return f"{text}: {self.sections}" if self.sections else text


@dataclass(frozen=True)
class Trends:
    quarters: list[Quarter]
    series: list[TrendSeries]
    overall: list[Decimal | None]
    completeness: list[Completeness]
    changes: list[FrameworkChange] = field(default_factory=list)
    # Per quarter, the framework versions (numbers) its counted returns were scored on.
    versions: list[tuple[int, ...]] = field(default_factory=list)
    # The scale the figures are on: across the versions shown and the pilot's own (the
    # default framework's for a framework without a scale).
    scale: scoring.Scale = scoring.DEFAULT_SCALE

    def version_label(self, position: int) -> str:
        """The versions of the quarter at `position`, as "v1" or "v1, v2"; "" for none."""
        versions = self.versions[position] if position < len(self.versions) else ()
        return ", ".join(f"v{n}" for n in versions)


def _versions_by_quarter(
    means: dict[tuple[int, int, str], _MeanRow], quarters: list[Quarter], framework: FrameworkInfo
) -> list[tuple[int, ...]]:
    """Per quarter, the versions of the framework its counted scores were stored on."""
    found: dict[int, set[int]] = {}
    for index, principle, _ in means:
        if (number := framework.version_of.get(principle)) is not None:
            found.setdefault(index, set()).add(number)
    return [tuple(sorted(found.get(q.index, ()))) for q in quarters]


def _framework_changes(
    versions: list[tuple[int, ...]], quarters: list[Quarter], framework: FrameworkInfo
) -> list[FrameworkChange]:
    """The quarters where the newest version scored on rises above every earlier quarter's."""
    changes, seen = [], None
    for position, (q, numbers) in enumerate(zip(quarters, versions, strict=True)):
        if not numbers:
            continue
        number = numbers[-1]
        if seen is not None and number > seen:
            changes.append(
                FrameworkChange(
                    position=position,
                    quarter=q,
                    version=number,
                    sections=framework.change_words(seen, number),
                )
            )
        seen = max(number, seen or 0)
    return changes


def _trends_from(
    means: dict[tuple[int, int, str], _MeanRow],
    completeness: dict[int, Completeness],
    quarters: list[Quarter],
    framework: FrameworkInfo,
) -> Trends:
    sums: dict[tuple[int, str], list[int]] = {}
    for (index, principle, stored), row in means.items():
        code = framework.code_for(principle, stored)
        if code is not None and row.teams:
            total = sums.setdefault((index, code), [0, 0])
            total[0] += row.total
            total[1] += row.teams

    def mean(index: int, code: str) -> Decimal | None:
        return _as_score(scoring.total_in_hundredths_mean(*sums.get((index, code), (0, 0))))

    versions = _versions_by_quarter(means, quarters, framework)
    return Trends(
        quarters=quarters,
        series=[
            TrendSeries(
                code=p.code, title=p.title, points=[mean(q.index, p.code) for q in quarters]
            )
            for p in framework.principles
        ],
        overall=[
            scoring.overall_score(mean(q.index, c) for c in framework.codes) for q in quarters
        ],
        completeness=[completeness[q.index] for q in quarters],
        changes=_framework_changes(versions, quarters, framework),
        versions=versions,
        scale=(
            framework.scale_of(n for numbers in versions for n in numbers) or scoring.DEFAULT_SCALE
        ),
    )


def principle_trends(
    *,
    pilot: Pilot,
    quarter: Quarter,
    quarters: int = DEFAULT_TREND_QUARTERS,
    scope: Scope = WHOLE_PILOT,
    framework: FrameworkInfo | None = None,
) -> Trends:
    """Each principle's score, and the overall, over the `quarters` quarters up to `quarter`."""
    framework = framework or framework_info(pilot=pilot)
    window = quarter.back(quarters)
    means = _principle_means(
        pilot=pilot, scope=scope, first_index=window[0].index, last_index=quarter.index
    )
    completeness = _completeness_by_quarter(
        pilot=pilot, scope=scope, indexes=[q.index for q in window]
    )
    return _trends_from(means, completeness, window, framework)
