"""Heat maps and drift alerts: the figures of docs/figures.md by local authority, zone,
organisation or team, worked out over the teams of each group (each team once)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Model

from common.quarters import Quarter
from fidelity.dashboards.figures import (
    WHOLE_PILOT,
    Completeness,
    Facts,
    FrameworkInfo,
    PrincipleCell,
    PrincipleRef,
    Scope,
    ScoreCell,
    facts,
    framework_info,
)
from fidelity.frameworks import scoring
from partners.models import LocalAuthority, Organisation, Pilot, Team, Zone

# --- Heat maps by local authority, zone, organisation or team ---------------------------------


class _TeamRow(NamedTuple):
    """A team in scope with one of the LAs it serves (a team serving two LAs has two rows)."""

    team: int
    team_name: str
    is_active: bool
    organisation: int
    organisation_name: str
    la: int | None
    la_name: str | None
    la_gss_code: str | None
    zone: int | None
    zone_name: str | None
    start_quarter: int | None = None


_TEAM_COLUMNS = (
    "id",
    "name",
    "is_active",
    "organisation_id",
    "organisation__name",
    "local_authorities",
    "local_authorities__name",
    "local_authorities__gss_code",
    "local_authorities__zone",
    "local_authorities__zone__name",
    "start_quarter",
)


@dataclass(frozen=True)
class Grouping:
    key: str
    label: str
    label_plural: str
    model: type[Model]
    # From a team's row to its group: (id, name, the parent's name shown beside it, its GSS
    # code or "" for groups that have none).
    group_of: Callable[[_TeamRow], tuple[int | None, str | None, str | None, str]]


GROUPINGS = {
    "la": Grouping(
        "la",
        "Local authority",
        "local authorities",
        LocalAuthority,
        lambda r: (r.la, r.la_name, r.zone_name, r.la_gss_code or ""),
    ),
    "zone": Grouping("zone", "Zone", "zones", Zone, lambda r: (r.zone, r.zone_name, None, "")),
    "organisation": Grouping(
        "organisation",
        "Organisation",
        "organisations",
        Organisation,
        lambda r: (r.organisation, r.organisation_name, None, ""),
    ),
    "team": Grouping(
        "team", "Team", "teams", Team, lambda r: (r.team, r.team_name, r.organisation_name, "")
    ),
}


@dataclass(frozen=True)
class Group:
    pk: int
    name: str
    parent: str | None
    teams: tuple[int, ...]
    gss_code: str = ""


@dataclass(frozen=True)
class TeamsInScope:
    """The teams in scope with their LAs, zones and organisations: what every grouping needs."""

    scope: Scope
    rows: list[_TeamRow]

    @property
    def active(self) -> dict[int, bool]:
        """Every team in scope -> is it active (as `figures.facts` wants it)."""
        return {row.team: row.is_active for row in self.rows}

    @property
    def starts(self) -> dict[int, int]:
        """Each team in scope that starts late -> its first quarter (`figures.facts` wants it)."""
        return {row.team: row.start_quarter for row in self.rows if row.start_quarter is not None}

    def groups(self, key: str) -> list[Group]:
        """The groups of one grouping, each with its teams (each team once), by name."""
        return _groups(self.rows, GROUPINGS[key], self.scope)


def teams_in_scope(*, pilot: Pilot, scope: Scope) -> TeamsInScope:
    """One query, for every grouping."""
    in_scope = Team.objects.filter(pk__in=scope.team_queryset(pilot).values("id"))
    rows = [_TeamRow(*row) for row in in_scope.values_list(*_TEAM_COLUMNS).order_by()]
    return TeamsInScope(scope=scope, rows=rows)


def groups_of(*, pilot: Pilot, grouping: Grouping, scope: Scope) -> list[Group]:
    """The groups of one grouping (see `TeamsInScope.groups`)."""
    return teams_in_scope(pilot=pilot, scope=scope).groups(grouping.key)


def _in_scope(row: _TeamRow, grouping: Grouping, scope: Scope) -> bool:
    """A map limited to some LAs or zones shows only those LAs (or those zones' LAs) and zones,
    though a team in scope may also serve others."""
    if grouping.key == "la":
        if scope.local_authorities and row.la not in scope.local_authorities:
            return False
        return not scope.zones or row.zone in scope.zones
    if grouping.key == "zone":
        return not scope.zones or row.zone in scope.zones
    return True


def _groups(rows: list[_TeamRow], grouping: Grouping, scope: Scope) -> list[Group]:
    members: dict[int, set[int]] = defaultdict(set)
    about: dict[int, tuple[str, str | None, str]] = {}
    for row in rows:
        group, name, parent, gss_code = grouping.group_of(row)
        if group is None or not _in_scope(row, grouping, scope):
            continue
        members[group].add(row.team)
        about[group] = (name, parent, gss_code)
    return [
        Group(
            pk=pk,
            name=about[pk][0],
            parent=about[pk][1],
            teams=tuple(sorted(members[pk])),
            gss_code=about[pk][2],
        )
        for pk in sorted(members, key=lambda pk: (about[pk][0], pk))
    ]


@dataclass(frozen=True)
class HeatmapRow:
    pk: int
    name: str
    parent: str | None
    overall: ScoreCell
    cells: list[PrincipleCell]
    completeness: Completeness
    gss_code: str = ""


@dataclass(frozen=True)
class Heatmap:
    by: str
    label: str
    label_plural: str
    quarter: Quarter
    principles: list[PrincipleRef]
    rows: list[HeatmapRow]


def _heatmap_from(
    groups: list[Group], facts: Facts, by: str, quarter: Quarter, framework: FrameworkInfo
) -> Heatmap:
    grouping = GROUPINGS[by]
    return Heatmap(
        by=by,
        label=grouping.label,
        label_plural=grouping.label_plural,
        quarter=quarter,
        principles=framework.principles,
        rows=[
            HeatmapRow(
                pk=group.pk,
                name=group.name,
                parent=group.parent,
                overall=facts.overall_cell(framework, group.teams, quarter.index),
                cells=[
                    PrincipleCell(
                        code=p.code,
                        title=p.title,
                        cell=facts.principle_cell(framework, group.teams, quarter.index, p.code),
                    )
                    for p in framework.principles
                ],
                completeness=facts.completeness(group.teams, quarter.index),
                gss_code=group.gss_code,
            )
            for group in groups
        ],
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
    found = facts(
        pilot=pilot, scope=scope, indexes=[quarter.index - 1, quarter.index], framework=framework
    )
    groups = groups_of(pilot=pilot, grouping=GROUPINGS[by], scope=scope)
    return _heatmap_from(groups, found, by, quarter, framework)


# --- Drift -----------------------------------------------------------------------------------


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
    gss_code: str = ""

    @property
    def fall(self) -> str:
        """ "3.10 → 2.90 → 2.70"."""
        return " → ".join(str(s) for s in self.scores)


def _drift_from(
    groups: list[Group], facts: Facts, by: str, quarter: Quarter, framework: FrameworkInfo
) -> list[DriftAlert]:
    window = quarter.back(3)
    alerts = []
    for group in groups:
        for p in framework.principles:
            means = [facts.principle_hundredths(group.teams, q.index, p.code) for q in window]
            if scoring.fell_twice_running(means):
                scores = [facts.principle(group.teams, q.index, p.code) for q in window]
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
                        gss_code=group.gss_code,
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
    found = facts(
        pilot=pilot, scope=scope, indexes=[q.index for q in quarter.back(3)], framework=framework
    )
    teams = teams_in_scope(pilot=pilot, scope=scope)
    alerts = []
    for by in levels:
        alerts += _drift_from(teams.groups(by), found, by, quarter, framework)
    return alerts
