"""The dashboards in one go: the pilot's, a team's against the pilot, and the pilot's principle headlines
(latest score, band and change) that the forum pages show beside their challenges.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Avg,
    Max,
)

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
    DRIFT_LEVELS,
    GROUPINGS,
    WHOLE_PILOT,
    DriftAlert,
    FrameworkInfo,
    Headline,
    Heatmap,
    Scope,
    Trends,
    _drift_from,
    _group_means,
    _GroupMeans,
    _headline_from,
    _heatmap_from,
    _principle_means,
    _rounded,
    _trends_from,
    framework_info,
)
from fidelity.frameworks import scoring
from fidelity.frameworks.selectors import current_framework_version
from fidelity.returns.models import (
    PrincipleScore,
)
from fidelity.returns.quarters import Quarter
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


def latest_scored_quarter(*, pilot: Pilot) -> Quarter | None:
    """The latest quarter in which any return of the pilot has stored scores."""
    index = PrincipleScore.objects.filter(pilot=pilot).aggregate(latest=Max("quarter_index"))[
        "latest"
    ]
    return None if index is None else Quarter.from_index(index, pilot.quarter_convention)


def pilot_principle_headlines(
    *, pilot: Pilot, quarter: Quarter | None = None
) -> list[PrincipleHeadline]:
    """Per principle of the pilot's framework: the pilot-wide mean score in `quarter` (default:
    the latest scored one), its band, and the change from the quarter before."""
    quarter = quarter or latest_scored_quarter(pilot=pilot)
    version = current_framework_version(pilot=pilot)
    principles = list(version.principles.all())
    rules = [scoring.BandRule(name=b.slug, minimum=b.minimum) for b in version.bands.all()]
    names = {b.slug: b.name for b in version.bands.all()}
    means: dict[tuple[int, str], Decimal | None] = {}
    if quarter is not None:
        rows = (
            PrincipleScore.objects.filter(
                pilot=pilot,
                quarter_index__in=[quarter.index, quarter.index - 1],
                score__isnull=False,
            )
            .values("quarter_index", "principle_code")
            .annotate(mean=Avg("score"))
        )
        means = {(r["quarter_index"], r["principle_code"]): r["mean"] for r in rows}
    headlines = []
    for principle in principles:
        current = _rounded(means.get((quarter.index, principle.code))) if quarter else None
        previous = _rounded(means.get((quarter.index - 1, principle.code))) if quarter else None
        band = scoring.band_for(current, rules)
        headlines.append(
            PrincipleHeadline(
                code=principle.code,
                title=principle.title,
                score=current,
                band=band.name if band else None,
                band_name=names.get(band.name) if band else None,
                change=scoring.change(current, previous),
                quarter=quarter,
            )
        )
    return headlines


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
) -> PilotDashboard:
    """Every panel of the pilot dashboard in a fixed number of queries (seven, plus the framework
    when not given): the scoring rows once for headline, trends and data quality; once per grouping
    for heat maps and drift; caseload sums; the returns status."""
    framework = framework or framework_info(pilot=pilot)
    window = _window(quarter, since)
    means = _principle_means(
        pilot=pilot,
        scope=scope,
        first_index=min(window[0].index, quarter.index - 1),
        last_index=quarter.index,
    )
    indexes = [q.index for q in quarter.back(3)]
    heatmaps = {}
    drift = []
    for by in DRIFT_LEVELS:
        groups = _group_means(
            pilot=pilot, grouping=GROUPINGS[by], scope=scope, indexes=indexes, codes=framework.codes
        )
        heatmaps[by] = _heatmap_from(groups, by, quarter, framework)
        drift += _drift_from(groups, by, quarter, framework)
    caseload = _caseload_rows(pilot=pilot, scope=scope, indexes=[quarter.index - 1, quarter.index])
    return PilotDashboard(
        quarter=quarter,
        headline=_headline_from(means, quarter, framework),
        trends=_trends_from(means, window, framework),
        heatmaps=heatmaps,
        drift=drift,
        caseload=_caseload_from(caseload, quarter, framework),
        data_quality=_data_quality_from(means, caseload, quarter),
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
) -> TeamDashboard:
    """A team's scores, trends and caseload beside the pilot average: four queries."""
    framework = framework or framework_info(pilot=pilot)
    window = _window(quarter, since)
    first = min(window[0].index, quarter.index - 2)
    scope = Scope(teams=(team.pk,))
    mine = _principle_means(pilot=pilot, scope=scope, first_index=first, last_index=quarter.index)
    everyone = _principle_means(
        pilot=pilot, scope=WHOLE_PILOT, first_index=first, last_index=quarter.index
    )
    team_caseload = _caseload_rows(
        pilot=pilot, scope=scope, indexes=[quarter.index - 1, quarter.index]
    )
    pilot_caseload = _caseload_rows(
        pilot=pilot, scope=WHOLE_PILOT, indexes=[quarter.index - 1, quarter.index]
    )
    team_means = _GroupMeans(
        pk=team.pk,
        name=team.name,
        parent=None,
        means={key: row.mean for key, row in mine.items()},
    )
    return TeamDashboard(
        quarter=quarter,
        headline=_headline_from(mine, quarter, framework),
        pilot_headline=_headline_from(everyone, quarter, framework),
        trends=_trends_from(mine, window, framework),
        pilot_trends=_trends_from(everyone, window, framework),
        caseload=_caseload_from(team_caseload, quarter, framework),
        pilot_caseload=_caseload_from(pilot_caseload, quarter, framework),
        data_quality=_data_quality_from(mine, team_caseload, quarter),
        drift=_drift_from([team_means], "team", quarter, framework),
    )
