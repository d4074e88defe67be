"""Score figures: headline, trends, heat maps by local authority, zone, organisation or team, drift.

Every figure is aggregated in the database over the stored summary rows (`PrincipleScore`, written
when a return is submitted or approved); Python only arranges the few aggregated rows into
dataclasses. Each selector takes `pilot`, `quarter` and an optional `scope` (zones, local
authorities, organisations or teams), so the pages and the PDF reports can ask for the pilot, a
zone, an LA or a partner alike.

A group's score (an LA, a zone, an organisation) for a principle is the mean of the scores of the
teams serving it, each team counted once even when it serves several of the group's LAs.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.db.models import (
    Avg,
    Count,
    F,
    Model,
    Q,
    QuerySet,
    Sum,
    Value,
)

from fidelity.frameworks import scoring
from fidelity.frameworks.models import Band, Principle
from fidelity.frameworks.selectors import current_framework_version
from fidelity.returns.models import PrincipleScore, ReturnStatus
from fidelity.returns.quarters import Quarter
from partners.models import LocalAuthority, Organisation, Pilot, Team, Zone

COUNTED = (ReturnStatus.SUBMITTED, ReturnStatus.APPROVED)


DEFAULT_TREND_QUARTERS = 8


@dataclass(frozen=True)
class Scope:
    """Which part of a pilot to look at; empty means the whole pilot. Ids, so reports can store it."""

    zones: tuple[int, ...] = ()
    local_authorities: tuple[int, ...] = ()
    organisations: tuple[int, ...] = ()
    teams: tuple[int, ...] = ()

    @property
    def is_whole_pilot(self) -> bool:
        return not (self.zones or self.local_authorities or self.organisations or self.teams)

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


@dataclass(frozen=True)
class PrincipleRef:
    code: str
    title: str


@dataclass(frozen=True)
class FrameworkInfo:
    """The principles and bands of the framework version the pilot scores on."""

    principles: list[PrincipleRef]
    rules: list[scoring.BandRule]
    band_names: dict[str, str]
    caseload_target_per_fte: Decimal | None = None

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.principles]

    def cell(self, score: Decimal | None, previous: Decimal | None = None) -> ScoreCell:
        band = scoring.band_for(score, self.rules)
        return ScoreCell(
            score=score,
            band=band.name if band else None,
            band_name=self.band_names.get(band.name) if band else None,
            change=scoring.change(score, previous),
        )


def framework_info(*, pilot: Pilot, version_id: int | None = None) -> FrameworkInfo:
    """Two queries when the version id is known (the dashboard view annotates it), three if not."""
    if version_id is None:
        version_id = current_framework_version(pilot=pilot).pk
    principles = list(
        Principle.objects.filter(version_id=version_id)
        .select_related("version")
        .order_by("position")
    )
    bands = list(Band.objects.filter(version_id=version_id).order_by("-minimum"))
    return FrameworkInfo(
        principles=[PrincipleRef(code=p.code, title=p.title) for p in principles],
        rules=[scoring.BandRule(name=b.slug, minimum=b.minimum) for b in bands],
        band_names={b.slug: b.name for b in bands},
        caseload_target_per_fte=(
            principles[0].version.caseload_target_per_fte if principles else None
        ),
    )


@dataclass(frozen=True)
class ScoreCell:
    score: Decimal | None
    band: str | None
    band_name: str | None
    change: Decimal | None

    @property
    def css_class(self) -> str:
        return f"band-{self.band or 'none'}"


def _rounded(value) -> Decimal | None:
    return None if value is None else scoring.mean_score([Decimal(str(value))])


@dataclass(frozen=True)
class _MeanRow:
    mean: Decimal | None
    teams: int
    scored: int
    not_assessed: int


def _principle_means(
    *, pilot: Pilot, scope: Scope, first_index: int, last_index: int
) -> dict[tuple[int, str], _MeanRow]:
    """(quarter index, principle code) -> mean over the teams in scope, with indicator counts."""
    rows = (
        PrincipleScore.objects.filter(
            pilot=pilot,
            quarter_index__gte=first_index,
            quarter_index__lte=last_index,
            team_id__in=scope.team_queryset(pilot).values("id"),
        )
        .values("quarter_index", "principle_code")
        .annotate(
            mean=Avg("score"),
            teams=Count("team_id", filter=Q(score__isnull=False), distinct=True),
            scored=Sum("scored_count"),
            not_assessed=Sum("not_assessed_count"),
        )
        .order_by()
    )
    return {
        (r["quarter_index"], r["principle_code"]): _MeanRow(
            mean=_rounded(r["mean"]),
            teams=r["teams"],
            scored=r["scored"] or 0,
            not_assessed=r["not_assessed"] or 0,
        )
        for r in rows
    }


def _mean(means: dict[tuple[int, str], _MeanRow], index: int, code: str) -> Decimal | None:
    row = means.get((index, code))
    return row.mean if row else None


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
    teams_scored: int


def _headline_from(
    means: dict[tuple[int, str], _MeanRow], quarter: Quarter, framework: FrameworkInfo
) -> Headline:
    principles = [
        PrincipleCell(
            code=p.code,
            title=p.title,
            cell=framework.cell(
                _mean(means, quarter.index, p.code), _mean(means, quarter.index - 1, p.code)
            ),
        )
        for p in framework.principles
    ]
    overall_now = scoring.overall_score(_mean(means, quarter.index, c) for c in framework.codes)
    overall_before = scoring.overall_score(
        _mean(means, quarter.index - 1, c) for c in framework.codes
    )
    teams = [
        means[(quarter.index, c)].teams for c in framework.codes if (quarter.index, c) in means
    ]
    return Headline(
        quarter=quarter,
        overall=framework.cell(overall_now, overall_before),
        principles=principles,
        teams_scored=max(teams, default=0),
    )


def dashboard_headline(
    *,
    pilot: Pilot,
    quarter: Quarter,
    scope: Scope = WHOLE_PILOT,
    framework: FrameworkInfo | None = None,
) -> Headline:
    """Overall score (mean of the principle means) and each principle's, with band and change."""
    framework = framework or framework_info(pilot=pilot)
    means = _principle_means(
        pilot=pilot, scope=scope, first_index=quarter.index - 1, last_index=quarter.index
    )
    return _headline_from(means, quarter, framework)


@dataclass(frozen=True)
class TrendSeries:
    code: str
    title: str
    points: list[Decimal | None]


@dataclass(frozen=True)
class Trends:
    quarters: list[Quarter]
    series: list[TrendSeries]
    overall: list[Decimal | None]


def _trends_from(
    means: dict[tuple[int, str], _MeanRow], quarters: list[Quarter], framework: FrameworkInfo
) -> Trends:
    series = [
        TrendSeries(
            code=p.code, title=p.title, points=[_mean(means, q.index, p.code) for q in quarters]
        )
        for p in framework.principles
    ]
    overall = [
        scoring.overall_score(_mean(means, q.index, c) for c in framework.codes) for q in quarters
    ]
    return Trends(quarters=quarters, series=series, overall=overall)


def principle_trends(
    *,
    pilot: Pilot,
    quarter: Quarter,
    quarters: int = DEFAULT_TREND_QUARTERS,
    scope: Scope = WHOLE_PILOT,
    framework: FrameworkInfo | None = None,
) -> Trends:
    """Each principle's mean, and the overall, over the `quarters` quarters up to `quarter`."""
    framework = framework or framework_info(pilot=pilot)
    window = quarter.back(quarters)
    means = _principle_means(
        pilot=pilot, scope=scope, first_index=window[0].index, last_index=quarter.index
    )
    return _trends_from(means, window, framework)


@dataclass(frozen=True)
class Grouping:
    key: str
    label: str
    label_plural: str
    model: type[Model]
    pilot_lookup: str
    team_lookup: str  # from a team to this group
    parent_lookup: str | None = None


GROUPINGS = {
    "la": Grouping(
        "la",
        "Local authority",
        "local authorities",
        LocalAuthority,
        "zone__pilot",
        "local_authorities",
        "zone__name",
    ),
    "zone": Grouping("zone", "Zone", "zones", Zone, "pilot", "local_authorities__zone"),
    "organisation": Grouping(
        "organisation", "Organisation", "organisations", Organisation, "pilot", "organisation"
    ),
    "team": Grouping(
        "team", "Team", "teams", Team, "organisation__pilot", "pk", "organisation__name"
    ),
}


@dataclass(frozen=True)
class _GroupMeans:
    pk: int
    name: str
    parent: str | None
    means: dict[tuple[int, str], Decimal | None]


def _group_means(
    *,
    pilot: Pilot,
    grouping: Grouping,
    scope: Scope,
    indexes: Sequence[int],
    codes: Sequence[str],
) -> list[_GroupMeans]:
    """One query: each group of the scope with its mean per (quarter, principle).

    The groups are joined to one grouped query over the score rows, which is itself joined to a
    DISTINCT list of (team, group) pairs, so a team serving two LAs of one zone counts once there.
    """
    teams = scope.team_queryset(pilot)
    groups = grouping.model.objects.filter(
        **{grouping.pilot_lookup: pilot, "pk__in": teams.values(grouping.team_lookup)}
    )
    if grouping.key == "la" and scope.local_authorities:
        groups = groups.filter(pk__in=scope.local_authorities)
    if grouping.key in ("la", "zone") and scope.zones:
        groups = groups.filter(**{"zone__in" if grouping.key == "la" else "pk__in": scope.zones})
    parent = F(grouping.parent_lookup) if grouping.parent_lookup else Value("")
    groups_sql, groups_params = (
        groups.values(g_pk=F("pk"), g_name=F("name"), g_parent=parent)
        .order_by()
        .query.sql_with_params()
    )
    pairs_sql, pairs_params = (
        teams.filter(**{f"{grouping.team_lookup}__in": groups.values("pk")})
        .values("id", group_id=F(grouping.team_lookup))
        .distinct()
        .order_by()
        .query.sql_with_params()
    )
    index_marks = ", ".join(["%s"] * len(indexes)) or "NULL"
    code_marks = ", ".join(["%s"] * len(codes)) or "NULL"
    sql = (
        "SELECT g.g_pk, g.g_name, g.g_parent, m.quarter_index, m.principle_code, m.mean "  # noqa: S608
        f"FROM ({groups_sql}) g LEFT JOIN ("
        "SELECT pairs.group_id, ps.quarter_index, ps.principle_code, AVG(ps.score) AS mean "
        f"FROM {PrincipleScore._meta.db_table} ps JOIN ({pairs_sql}) pairs ON pairs.id = ps.team_id "
        f"WHERE ps.pilot_id = %s AND ps.quarter_index IN ({index_marks}) "
        f"AND ps.principle_code IN ({code_marks}) AND ps.score IS NOT NULL "
        "GROUP BY pairs.group_id, ps.quarter_index, ps.principle_code"
        ") m ON m.group_id = g.g_pk ORDER BY g.g_name, g.g_pk"
    )
    params = [*groups_params, *pairs_params, pilot.pk, *indexes, *codes]
    found: dict[int, _GroupMeans] = {}
    with connection.cursor() as cursor:
        # Only placeholders, a table name and ORM-built SQL go into the text.
        cursor.execute(sql, params)
        for pk, name, parent_name, index, code, mean in cursor.fetchall():
            if pk not in found:
                found[pk] = _GroupMeans(
                    pk=pk,
                    name=name,
                    parent=parent_name if grouping.parent_lookup else None,
                    means={(i, c): None for i in indexes for c in codes},
                )
            if index is not None:
                found[pk].means[(index, code)] = _rounded(mean)
    return list(found.values())


@dataclass(frozen=True)
class HeatmapRow:
    pk: int
    name: str
    parent: str | None
    overall: ScoreCell
    cells: list[PrincipleCell]


@dataclass(frozen=True)
class Heatmap:
    by: str
    label: str
    label_plural: str
    quarter: Quarter
    principles: list[PrincipleRef]
    rows: list[HeatmapRow]


def _heatmap_from(
    groups: list[_GroupMeans], by: str, quarter: Quarter, framework: FrameworkInfo
) -> Heatmap:
    rows = []
    for group in groups:
        now = [group.means.get((quarter.index, c)) for c in framework.codes]
        before = [group.means.get((quarter.index - 1, c)) for c in framework.codes]
        rows.append(
            HeatmapRow(
                pk=group.pk,
                name=group.name,
                parent=group.parent,
                overall=framework.cell(scoring.overall_score(now), scoring.overall_score(before)),
                cells=[
                    PrincipleCell(code=p.code, title=p.title, cell=framework.cell(n, b))
                    for p, n, b in zip(framework.principles, now, before, strict=True)
                ],
            )
        )
    grouping = GROUPINGS[by]
    return Heatmap(
        by=by,
        label=grouping.label,
        label_plural=grouping.label_plural,
        quarter=quarter,
        principles=framework.principles,
        rows=rows,
    )


def heatmap(
    *,
    pilot: Pilot,
    quarter: Quarter,
    by: str = "la",
    scope: Scope = WHOLE_PILOT,
    framework: FrameworkInfo | None = None,
) -> Heatmap:
    """Principle by group (by = "la", "zone", "organisation" or "team"): score, band, change."""
    framework = framework or framework_info(pilot=pilot)
    groups = _group_means(
        pilot=pilot,
        grouping=GROUPINGS[by],
        scope=scope,
        indexes=[quarter.index - 1, quarter.index],
        codes=framework.codes,
    )
    return _heatmap_from(groups, by, quarter, framework)


@dataclass(frozen=True)
class DriftAlert:
    by: str
    level: str
    pk: int
    name: str
    code: str
    title: str
    scores: list[Decimal | None]  # the last three quarters, oldest first
    quarters: list[Quarter]


def _drift_from(
    groups: list[_GroupMeans], by: str, quarter: Quarter, framework: FrameworkInfo
) -> list[DriftAlert]:
    window = quarter.back(3)
    alerts = []
    for group in groups:
        for p in framework.principles:
            scores = [group.means.get((q.index, p.code)) for q in window]
            if scoring.fell_twice_running(scores):
                alerts.append(
                    DriftAlert(
                        by=by,
                        level=GROUPINGS[by].label,
                        pk=group.pk,
                        name=group.name,
                        code=p.code,
                        title=p.title,
                        scores=scores,
                        quarters=window,
                    )
                )
    return alerts


DRIFT_LEVELS = ("team", "la", "zone", "organisation")


def drift_alerts(
    *,
    pilot: Pilot,
    quarter: Quarter,
    scope: Scope = WHOLE_PILOT,
    framework: FrameworkInfo | None = None,
    levels: Iterable[str] = DRIFT_LEVELS,
) -> list[DriftAlert]:
    """Principles whose score fell two quarters running, for each team, LA, zone, organisation."""
    framework = framework or framework_info(pilot=pilot)
    indexes = [q.index for q in quarter.back(3)]
    alerts = []
    for by in levels:
        groups = _group_means(
            pilot=pilot,
            grouping=GROUPINGS[by],
            scope=scope,
            indexes=indexes,
            codes=framework.codes,
        )
        alerts += _drift_from(groups, by, quarter, framework)
    return alerts
