"""The dashboards in one go: the pilot's, a team's against the pilot, and the pilot's principle headlines
(latest score, band and change) that the forum pages show beside their challenges.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from common.quarters import Quarter
from fidelity.dashboards.caseload import (
    CaseloadSummary,
    DataQuality,
    SubmissionStatus,
    _caseload_from,
    _caseload_rows,
    _data_quality_from,
    submission_status,
)
from fidelity.dashboards.figures import (
    DEFAULT_TREND_QUARTERS,
    WHOLE_PILOT,
    Facts,
    FrameworkInfo,
    Headline,
    Scope,
    Trends,
    _headline_from,
    _principle_means,
    _trends_from,
    completeness_from,
    dashboard_headline,
    default_quarter,
    facts,
    framework_info,
)
from fidelity.dashboards.groups import (
    DRIFT_LEVELS,
    DriftAlert,
    Group,
    Heatmap,
    _drift_from,
    _heatmap_from,
    teams_in_scope,
)
from fidelity.measures.models import PilotMeasure
from fidelity.measures.selectors import pilot_measures
from partners.models import Pilot, Team


@dataclass(frozen=True)
class PrincipleHeadline:
    code: str
    title: str
    score: Decimal | None
    band: str | None
    band_name: str | None
    change: Decimal | None
    quarter: Quarter | None


def pilot_principle_headlines(
    *, pilot: Pilot, quarter: Quarter | None = None
) -> list[PrincipleHeadline]:
    """Per principle of the pilot's framework: the pilot's score in `quarter` (default: the
    dashboard's default quarter), its band and its change, as the dashboard's headline has them."""
    quarter = quarter or default_quarter(pilot=pilot)
    headline = dashboard_headline(pilot=pilot, quarter=quarter)
    return [
        PrincipleHeadline(
            code=p.code,
            title=p.title,
            score=p.cell.score,
            band=p.cell.band,
            band_name=p.cell.band_name,
            change=p.cell.change,
            quarter=quarter,
        )
        for p in headline.principles
    ]


@dataclass(frozen=True)
class PilotDashboard:
    quarter: Quarter
    headline: Headline
    trends: Trends
    heatmaps: dict[str, Heatmap]
    drift: list[DriftAlert]
    caseload: CaseloadSummary
    data_quality: DataQuality
    status: SubmissionStatus


def pilot_dashboard(
    *,
    pilot: Pilot,
    quarter: Quarter,
    scope: Scope = WHOLE_PILOT,
    framework: FrameworkInfo | None = None,
    since: Quarter | None = None,
    today: datetime.date | None = None,
    heatmaps: Sequence[str] = ("la", "zone", "organisation"),
) -> PilotDashboard:
    """Every panel of the pilot dashboard in a fixed number of queries: the counted returns team
    by team over the last three quarters (headline, heat maps, drift); the groups of each
    grouping; means and completeness over the trend window; the pilot's own measures; caseload
    sums (with the measures' values); the returns status.

    Drift alerts cover every grouping; heat maps only those asked for (the pilot's page shows
    LA, zone and organisation; an LA's page shows its teams)."""
    framework = framework or framework_info(pilot=pilot)
    measures = pilot_measures(pilot_id=pilot.pk)
    window = _window(quarter, since)
    teams = teams_in_scope(pilot=pilot, scope=scope)
    found = facts(
        pilot=pilot,
        scope=scope,
        indexes=[q.index for q in quarter.back(3)],
        framework=framework,
        active=teams.active,
        starts=teams.starts,
    )
    means = _principle_means(
        pilot=pilot, scope=scope, first_index=window[0].index, last_index=quarter.index
    )
    completeness, by_quarter = _by_quarter(
        pilot, scope, found, [q.index for q in window], quarter, measures
    )
    maps = {}
    drift = []
    for by in DRIFT_LEVELS:
        groups = teams.groups(by)
        if by in heatmaps:
            maps[by] = _heatmap_from(groups, found, by, quarter, framework)
        drift += _drift_from(groups, found, by, quarter, framework)
    return PilotDashboard(
        quarter=quarter,
        headline=_headline_from(found, quarter, framework),
        trends=_trends_from(means, completeness, window, framework),
        heatmaps=maps,
        drift=drift,
        caseload=_caseload_from(by_quarter, quarter, framework, measures),
        data_quality=_data_quality_from(means, by_quarter, quarter),
        status=submission_status(pilot=pilot, quarter=quarter, scope=scope, today=today),
    )


def _window(quarter: Quarter, since: Quarter | None) -> list[Quarter]:
    if since is None or since.index > quarter.index:
        return quarter.back(DEFAULT_TREND_QUARTERS)
    return quarter.back(quarter.index - since.index + 1)


@dataclass(frozen=True)
class TeamDashboard:
    quarter: Quarter
    headline: Headline
    pilot_headline: Headline
    trends: Trends
    pilot_trends: Trends
    caseload: CaseloadSummary
    pilot_caseload: CaseloadSummary
    data_quality: DataQuality
    drift: list[DriftAlert]


def team_dashboard(
    *,
    pilot: Pilot,
    team: Team,
    quarter: Quarter,
    framework: FrameworkInfo | None = None,
    since: Quarter | None = None,
    approved_only: bool = False,
) -> TeamDashboard:
    """A team's scores, trends and caseload beside the whole pilot's."""
    framework = framework or framework_info(pilot=pilot)
    measures = pilot_measures(pilot_id=pilot.pk)
    window = _window(quarter, since)
    indexes = [q.index for q in window]
    recent = [q.index for q in quarter.back(3)]
    parts = {}
    for name, scope in (
        ("team", Scope(teams=(team.pk,), approved_only=approved_only)),
        ("pilot", Scope(approved_only=approved_only)),
    ):
        found = facts(pilot=pilot, scope=scope, indexes=recent, framework=framework)
        parts[name] = (
            scope,
            found,
            _principle_means(
                pilot=pilot, scope=scope, first_index=indexes[0], last_index=quarter.index
            ),
            _by_quarter(pilot, scope, found, indexes, quarter, measures),
        )
    _, mine, my_means, (my_completeness, my_caseload) = parts["team"]
    _, everyone, all_means, (all_completeness, all_caseload) = parts["pilot"]
    team_group = Group(pk=team.pk, name=team.name, parent=None, teams=(team.pk,))
    return TeamDashboard(
        quarter=quarter,
        headline=_headline_from(mine, quarter, framework),
        pilot_headline=_headline_from(everyone, quarter, framework),
        trends=_trends_from(my_means, my_completeness, window, framework),
        pilot_trends=_trends_from(all_means, all_completeness, window, framework),
        caseload=_caseload_from(my_caseload, quarter, framework, measures),
        pilot_caseload=_caseload_from(all_caseload, quarter, framework, measures),
        data_quality=_data_quality_from(my_means, my_caseload, quarter),
        drift=_drift_from([team_group], mine, "team", quarter, framework),
    )


def _by_quarter(
    pilot: Pilot,
    scope: Scope,
    found: Facts,
    indexes: list[int],
    quarter: Quarter,
    measures: Sequence[PilotMeasure],
) -> tuple[dict, dict]:
    """Completeness over the trend window and the caseload rows (with the measures' sums), from
    one query."""
    rows = _caseload_rows(
        pilot=pilot, scope=scope, indexes=sorted({quarter.index - 1, *indexes}), measures=measures
    )
    return completeness_from(rows, active=found.active_starts(), indexes=indexes), rows
