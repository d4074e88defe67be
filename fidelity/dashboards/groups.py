"""Heat maps and drift alerts: the figures of docs/figures.md by local authority, zone,
organisation or team, worked out over the teams of each group (each team once)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Model

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
from fidelity.returns.quarters import Quarter
from partners.models import LocalAuthority, Organisation, Pilot, Team, Zone

# --- Heat maps by local authority, zone, organisation or team ---------------------------------


@dataclass(frozen=True)
class Grouping:
    key: str
    label: str
    label_plural: str
    model: type[Model]
    team_lookup: str  # from a team to the group
    parent_lookup: str | None = None  # from a team to the group's parent's name


GROUPINGS = {
    "la": Grouping(
        "la",
        "Local authority",
        "local authorities",
        LocalAuthority,
        "local_authorities",
        "local_authorities__zone__name",
    ),
    "zone": Grouping("zone", "Zone", "zones", Zone, "local_authorities__zone"),
    "organisation": Grouping(
        "organisation", "Organisation", "organisations", Organisation, "organisation"
    ),
    "team": Grouping("team", "Team", "teams", Team, "pk", "organisation__name"),
}


@dataclass(frozen=True)
class Group:
    pk: int
    name: str
    parent: str | None
    teams: tuple[int, ...]


def groups_of(*, pilot: Pilot, grouping: Grouping, scope: Scope) -> list[Group]:
    """The groups the scope's teams belong to, each with its teams, by name: one query, two when
    a local authority map is limited to some zones."""
    in_scope = Team.objects.filter(pk__in=scope.team_queryset(pilot).values("id"))
    rows = in_scope.values_list(
        "id",
        grouping.team_lookup,
        "name" if grouping.key == "team" else f"{grouping.team_lookup}__name",
        F(grouping.parent_lookup) if grouping.parent_lookup else F("id"),
    )
    allowed: set[int] | None = None
    if grouping.key == "la" and scope.local_authorities:
        allowed = set(scope.local_authorities)
    if grouping.key == "la" and scope.zones:
        in_zones = LocalAuthority.objects.filter(zone__in=scope.zones).values_list("pk", flat=True)
        allowed = set(in_zones) & allowed if allowed is not None else set(in_zones)
    if grouping.key == "zone" and scope.zones:
        allowed = set(scope.zones)
    members: dict[int, set[int]] = defaultdict(set)
    about: dict[int, tuple[str, str | None]] = {}
    for team, group, name, parent in rows.order_by().distinct():
        if group is None or (allowed is not None and group not in allowed):
            continue
        members[group].add(team)
        about[group] = (name, parent if grouping.parent_lookup else None)
    return [
        Group(pk=pk, name=about[pk][0], parent=about[pk][1], teams=tuple(sorted(members[pk])))
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
        pilot=pilot, scope=scope, indexes=[quarter.index - 1, quarter.index], codes=framework.codes
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


def _drift_from(
    groups: list[Group], facts: Facts, by: str, quarter: Quarter, framework: FrameworkInfo
) -> list[DriftAlert]:
    window = quarter.back(3)
    alerts = []
    for group in groups:
        for p in framework.principles:
            scores = [facts.principle(group.teams, q.index, p.code) for q in window]
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
    found = facts(
        pilot=pilot, scope=scope, indexes=[q.index for q in quarter.back(3)], codes=framework.codes
    )
    alerts = []
    for by in levels:
        groups = groups_of(pilot=pilot, grouping=GROUPINGS[by], scope=scope)
        alerts += _drift_from(groups, found, by, quarter, framework)
    return alerts
