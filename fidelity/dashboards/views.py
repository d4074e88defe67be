"""Dashboard pages: the pilot dashboard (managers), LA drill-down, team dashboard, exports.

Views parse the request, fetch what the user may see through partners.access (404 otherwise),
call the dashboard selectors and render. The filter form updates the panels in place with htmx
and keeps its state in the URL, so any view of the dashboard can be bookmarked and shared.
"""

from __future__ import annotations

import hashlib
import logging
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Max, Min
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from common.downloads import csv_response, xlsx_response
from common.links import each_id
from common.quarters import Quarter
from fidelity.dashboards import charts
from fidelity.dashboards import exports as dashboard_exports
from fidelity.dashboards.figures import Scope, Trends, default_quarter, framework_info
from fidelity.dashboards.filters import DashboardFilter
from fidelity.dashboards.selectors import pilot_dashboard
from fidelity.dashboards.selectors import team_dashboard as team_dashboard_data
from fidelity.frameworks.scoring import scale_across
from fidelity.frameworks.words import FrameworkWords
from fidelity.returns.models import PrincipleScore
from fidelity.returns.selectors import team_next_steps
from partners import access
from partners.audit import record_event
from partners.models import LocalAuthority, Organisation, Pilot, SecurityEventKind

logger = logging.getLogger(__name__)


def _managed_pilot(request: HttpRequest) -> tuple[Pilot, list[Pilot]]:
    """The pilot this manager asked for (?pilot=), or their first; 404 for anyone else.

    Read with the person's role assignments (which the navigation uses too) in one query, with
    what the cache key needs: the pilot's data version, which moves with its framework choice
    too, and the framework version. A page served from the cache runs no other query of its own.
    """
    assignments = access.role_assignments(
        user=request.user, pilot_related=("data_version", "framework_choice")
    )
    pilots = access.managed_pilots_among(assignments)
    chosen = access.pilot_in_view(
        user=request.user, requested=request.GET.get("pilot"), pilots=pilots, fall_back=False
    )
    if chosen is None:
        raise Http404("No such pilot.")
    chosen.data_number = _related(chosen, "data_version", "number")
    chosen.version_id = _related(chosen, "framework_choice", "version_id")
    return chosen, pilots


def _related(pilot: Pilot, relation: str, field: str):
    """A field of the pilot's one-to-one `relation`, or None when the pilot has none."""
    try:
        return getattr(getattr(pilot, relation), field)
    except ObjectDoesNotExist:
        return None


def _quarter_range(pilot: Pilot) -> tuple[Quarter, list[Quarter]]:
    """The default quarter (the latest past its deadline) and the choices, newest first: from the
    pilot's first scored quarter, or eight before the default, to the current one (or a later
    scored one)."""
    convention = pilot.quarter_convention
    default = default_quarter(pilot=pilot)
    first = min(pilot.first_index or default.index, default.index - 7)
    last = max(Quarter.containing(timezone.localdate(), convention).index, pilot.last_index or 0)
    return default, [Quarter.from_index(i, convention) for i in range(last, first - 1, -1)]


def _first_shown(pilot: Pilot, quarter: Quarter) -> Quarter:
    """Trends start eight quarters back, or at the pilot's first scored quarter if later."""
    earliest = quarter.back(8)[0].index
    if pilot.first_index is not None:
        earliest = max(earliest, min(pilot.first_index, quarter.index - 1))
    return Quarter.from_index(earliest, pilot.quarter_convention)


def _query(params: dict) -> str:
    return urlencode([(k, v) for k, v in params.items() if v not in (None, "")], doseq=True)


def _framework_markers(trends: Trends) -> list[charts.Marker]:
    return [charts.Marker(position=c.position, label=c.label) for c in trends.changes]


def _trend_chart(trends: Trends, *, chart_id: str, title: str, words: FrameworkWords):
    quarters = [q.label for q in trends.quarters]
    series = [charts.Series(label=s.code, values=s.points) for s in trends.series]
    return charts.line_chart(
        series,
        quarters,
        chart_id=chart_id,
        title=title,
        description=(
            f"Mean score of each {words.section}, {trends.scale}, from {quarters[0]} to "
            f"{quarters[-1]}. The same figures are in the table that follows."
        ),
        scale=trends.scale,
        markers=_framework_markers(trends),
    )


def _trend_table(trends: Trends, link_for=None) -> list:
    """Rows for the table behind a trend chart:
    ((quarter, link), overall, principle values, completeness)."""
    return [
        (
            (q, link_for(q) if link_for else None),
            trends.overall[i],
            [s.points[i] for s in trends.series],
            trends.completeness[i],
        )
        for i, q in enumerate(trends.quarters)
    ]


def _cache_get(key: str) -> tuple[str, int, int] | None:
    """The cached page body, or None; a cache that is down (Redis restarting) is a miss, not a
    500."""
    try:
        return cache.get(key)
    except Exception:
        logger.warning("Dashboard cache unavailable; rendering afresh", exc_info=True)
        return None


def _cache_set(key: str, cached: tuple[str, int, int]) -> None:
    try:
        cache.set(key, cached, settings.DASHBOARD_CACHE_SECONDS)
    except Exception:
        logger.warning("Dashboard cache unavailable; panels not kept", exc_info=True)


def dashboard(request: HttpRequest) -> HttpResponse:
    pilot, pilots = _managed_pilot(request)
    cache_key = _panels_cache_key(pilot, pilots, request)
    cached = _cache_get(cache_key) if cache_key else None
    if cached is None:
        cached = _render_dashboard(pilot, pilots, request)
        if cache_key:
            _cache_set(cache_key, cached)
    body, start, end = cached
    # Our own rendered templates, kept as a plain string in the cache.
    if request.htmx and not request.htmx.history_restore_request:
        return HttpResponse(mark_safe(body[start:end]))  # noqa: S308
    return render(request, "fidelity/dashboard.html", {"pilot": pilot, "body": mark_safe(body)})  # noqa: S308


def _dashboard_filters(request: HttpRequest, pilot: Pilot) -> tuple[DashboardFilter, Quarter]:
    """The filters as asked for in the query string, and the quarter they choose."""
    default, quarters = _quarter_range_for(pilot)
    filters = DashboardFilter(
        request.GET or None,
        pilot=pilot,
        local_authorities=list(
            LocalAuthority.objects.filter(zone__pilot=pilot).select_related("zone").order_by("name")
        ),
        organisations=list(Organisation.objects.filter(pilot=pilot).order_by("name")),
        quarters=quarters,
        default_quarter=default,
    )
    return filters, filters.quarter_value(default)


def _render_dashboard(
    pilot: Pilot, pilots: list[Pilot], request: HttpRequest
) -> tuple[str, int, int]:
    """The filter form and the panels as HTML, and where the panels (the filter form's htmx
    answer) start and end in it: what the cache keeps, once."""
    filters, quarter = _dashboard_filters(request, pilot)
    scope = filters.scope()
    since = filters.since_value() or _first_shown(pilot, quarter)
    panels = _render_panels(pilot, pilots, filters, scope, quarter, since)
    body = render_to_string(
        "fidelity/_dashboard_body.html",
        {"pilot": pilot, "pilots": pilots, "filters": filters, "panels": panels},
    )
    start = body.index(panels)
    return str(body), start, start + len(panels)


def _panels_cache_key(pilot: Pilot, pilots: list[Pilot], request: HttpRequest) -> str | None:
    """The panels depend only on the pilot's data, the filters and today's date (overdue).

    The pilot's data version (fidelity.dashboards.data_version) changes with every workflow move
    of a return and every saved team, LA or framework choice of the pilot, so a cached page is
    never stale; changes it does not follow (a principle's wording, another pilot's name in the
    picker) show within DASHBOARD_CACHE_SECONDS. None (not cached) for a pilot without a data
    version.
    """
    if pilot.data_number is None:
        return None
    parts = [
        pilot.pk,
        pilot.data_number,
        [p.pk for p in pilots],  # the pilot picker
        timezone.localdate(),
        sorted(request.GET.lists()),
    ]
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()
    return f"fidelity:dashboard-panels:{digest}"


def _render_panels(pilot, pilots, filters, scope, quarter, since) -> str:
    framework = framework_info(pilot=pilot, version_id=pilot.version_id)
    data = pilot_dashboard(
        pilot=pilot, quarter=quarter, scope=scope, framework=framework, since=since
    )
    params = {
        "pilot": pilot.pk if len(pilots) > 1 else None,
        "quarter": quarter.slug,
        "since": filters.since_value().slug if filters.since_value() else None,
        "zone": list(scope.zones),
        "la": list(scope.local_authorities),
        "organisation": list(scope.organisations),
    }
    filter_query = _query(params)
    base = reverse("fidelity:dashboard")

    def quarter_link(q: Quarter) -> str:
        return f"{base}?{_query({**params, 'quarter': q.slug})}"

    in_quarter = f"quarter={quarter.slug}"
    links = {
        "la": each_id("fidelity:la_dashboard", in_quarter),
        "team": each_id("fidelity:team_dashboard", in_quarter),
        "zone": lambda pk: f"{base}?{_query({**params, 'la': None, 'zone': [pk]})}",
        "organisation": lambda pk: f"{base}?{_query({**params, 'organisation': [pk]})}",
    }
    return_link = each_id("fidelity:return_detail")
    context = {
        "pilot": pilot,
        "pilots": pilots,
        "filters": filters,
        "data": data,
        "scope": scope,
        "quarter": quarter,
        "framework": framework,
        "words": framework.words,
        "filter_query": filter_query,
        "trend_chart": _trend_chart(
            data.trends,
            chart_id="pilot-trend-chart",
            title=f"{framework.words.section_heading} scores over time, {pilot.name}",
            words=framework.words,
        ),
        "trend_table": _trend_table(data.trends, quarter_link),
        "heatmap_rows": {
            by: [(row, links[by](row.pk)) for row in heatmap.rows]
            for by, heatmap in data.heatmaps.items()
        },
        "drift_rows": [(alert, links[alert.by](alert.pk)) for alert in data.drift],
        "drift_from": quarter.back(3)[0],
        "status_rows": [
            (t, links["team"](t.team_id), return_link(t.return_id) if t.return_id else None)
            for t in data.status.teams
        ],
        "export_panels": dashboard_exports.PANELS,
        "filter_errors": filters.form.errors if filters.is_bound else {},
    }
    return render_to_string("fidelity/_dashboard_panels.html", context)


def dashboard_export(request: HttpRequest, panel: str, fmt: str) -> HttpResponse:
    if panel not in dashboard_exports.PANELS or fmt not in ("csv", "xlsx"):
        raise Http404("No such export.")
    pilot, _ = _managed_pilot(request)
    filters, quarter = _dashboard_filters(request, pilot)
    framework = framework_info(pilot=pilot, version_id=pilot.version_id)
    data = pilot_dashboard(
        pilot=pilot,
        quarter=quarter,
        scope=filters.scope(),
        framework=framework,
        since=filters.since_value() or _first_shown(pilot, quarter),
    )
    table = dashboard_exports.panel_table(panel, data, words=framework.words)
    filename = f"{pilot.slug}-{quarter.slug}-{panel}.{fmt}"
    record_event(kind=SecurityEventKind.EXPORT, request=request, detail=f"Dashboard {filename}")
    if fmt == "csv":
        return csv_response(filename=filename, table=table)
    return xlsx_response(filename=filename, tables=[table])


def la_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """Drill-down: one local authority's teams, scores and returns (the pilot's managers only)."""
    la = get_object_or_404(
        LocalAuthority.objects.filter(
            zone__pilot__in=access.pilots_managed_by(user=request.user)
        ).select_related("zone__pilot"),
        pk=pk,
    )
    pilot = la.zone.pilot
    default, quarters = _quarter_range_for(pilot)
    quarter = _quarter_from(request, quarters, default)
    framework = framework_info(pilot=pilot)
    team_link = each_id("fidelity:team_dashboard", f"quarter={quarter.slug}")
    data = pilot_dashboard(
        pilot=pilot,
        quarter=quarter,
        scope=Scope(local_authorities=(la.pk,)),
        framework=framework,
        since=_first_shown(pilot, quarter),
        heatmaps=("team",),
    )
    return render(
        request,
        "fidelity/la_dashboard.html",
        {
            "la": la,
            "pilot": pilot,
            "quarter": quarter,
            "quarters": quarters,
            "data": data,
            "trend_chart": _trend_chart(
                data.trends,
                chart_id="la-trend-chart",
                title=f"{framework.words.section_heading} scores over time, {la.name}",
                words=framework.words,
            ),
            "trend_table": _trend_table(data.trends),
            "team_rows": [(row, team_link(row.pk)) for row in data.heatmaps["team"].rows],
            "framework": framework,
            "words": framework.words,
        },
    )


def _quarter_range_for(pilot: Pilot) -> tuple[Quarter, list[Quarter]]:
    scored = PrincipleScore.objects.filter(pilot=pilot).aggregate(
        first=Min("quarter_index"), last=Max("quarter_index")
    )
    pilot.first_index, pilot.last_index = scored["first"], scored["last"]
    return _quarter_range(pilot)


def _quarter_from(request: HttpRequest, quarters: list[Quarter], default: Quarter) -> Quarter:
    """The ?quarter= asked for if it is one of the choices offered, else the default."""
    wanted = request.GET.get("quarter", "")
    return next((q for q in quarters if q.slug == wanted), default)


def team_dashboard_home(request: HttpRequest) -> HttpResponse:
    """A team leader's way in: straight to their team, or a choice if they lead several."""
    teams = list(access.teams_led_by(user=request.user).select_related("organisation"))
    if not teams:
        raise Http404("You do not lead a team.")
    if len(teams) == 1:
        return redirect("fidelity:team_dashboard", pk=teams[0].pk)
    return render(request, "fidelity/team_dashboard_choice.html", {"teams": teams})


def team_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    """A team's scores, trends and caseload against the pilot average, and what to do next."""
    team = access.get_team_for_user(user=request.user, pk=pk)
    pilot = team.organisation.pilot
    default, quarters = _quarter_range_for(pilot)
    quarter = _quarter_from(request, quarters, default)
    framework = framework_info(pilot=pilot)
    data = team_dashboard_data(
        pilot=pilot,
        team=team,
        quarter=quarter,
        framework=framework,
        since=_first_shown(pilot, quarter),
    )
    next_steps = team_next_steps(team=team, today=timezone.localdate())
    series = [
        charts.Series(label=team.name, values=data.trends.overall),
        charts.Series(label="Pilot average", values=data.pilot_trends.overall),
    ]
    labels = [q.label for q in data.trends.quarters]
    scale = scale_across([data.trends.scale, data.pilot_trends.scale])
    chart = charts.line_chart(
        series,
        labels,
        chart_id="team-trend-chart",
        title=f"Overall score over time: {team.name} and the pilot average",
        description=(
            f"Overall fidelity score, {scale}, from {labels[0]} to {labels[-1]}, for the team "
            "and for the pilot average. The same figures are in the table that follows."
        ),
        scale=scale,
        markers=_framework_markers(data.pilot_trends),
    )
    rows = [
        (mine, theirs)
        for mine, theirs in zip(
            data.headline.principles, data.pilot_headline.principles, strict=True
        )
    ]
    return render(
        request,
        "fidelity/team_dashboard.html",
        {
            "team": team,
            "pilot": pilot,
            "quarter": quarter,
            "quarters": quarters,
            "data": data,
            "rows": rows,
            "trend_rows": list(
                zip(
                    data.trends.quarters,
                    data.trends.overall,
                    data.pilot_trends.overall,
                    strict=True,
                )
            ),
            "caseload_rows": list(
                zip(data.caseload.figures, data.pilot_caseload.figures, strict=True)
            ),
            "trend_chart": chart,
            "next_steps": next_steps,
            "words": framework.words,
            "is_leader": access.teams_led_by(user=request.user).filter(pk=team.pk).exists(),
        },
    )
