"""The data a report is built from, as a plain JSON-safe dict.

Figures come from the dashboard's selectors (fidelity/dashboards/), so a report and the dashboard
never disagree; forum challenges come from forums/selectors.py. Scores are strings ("3.25") or
None, never floats, so the canonical JSON, and with it the fingerprint, is stable: the same data
gives the same fingerprint. The only date-dependent figure is whether a missing return is
overdue, judged on `today`.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from dataclasses import asdict
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum

from common.quarters import Quarter
from fidelity.dashboards import groups
from fidelity.dashboards.caseload import (
    CaseloadSummary,
    DataQuality,
    SubmissionStatus,
    caseload_summary,
    data_quality,
    submission_status,
)
from fidelity.dashboards.figures import (
    WHOLE_PILOT,
    FrameworkInfo,
    Headline,
    Scope,
    ScoreCell,
    Trends,
    counted_returns,
    dashboard_headline,
    framework_info,
    principle_trends,
)
from fidelity.dashboards.groups import Heatmap
from fidelity.frameworks import scoring
from fidelity.frameworks.selectors import current_framework_version
from fidelity.improvement.selectors import improvement_actions_for_principles
from fidelity.returns.models import END_REASONS, IndicatorScore
from forums.selectors import actions_for_principles, challenges_for_principles

from .models import Report, ScopeKind

TREND_QUARTERS = 6


def fingerprint(content: dict) -> str:
    """sha256 of the canonical JSON of a report's content."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _text(value) -> str | None:
    return None if value is None else str(value)


def _signed(value: Decimal | None) -> str | None:
    if value is None:
        return None
    return f"+{value}" if value > 0 else str(value)


def _cell(cell: ScoreCell) -> dict:
    return {
        "score": _text(cell.score),
        "band": cell.band,
        "band_name": cell.band_name,
        "change": _signed(cell.change),
        "change_note": cell.change_note,
    }


def report_scope(report: Report) -> Scope:
    return {
        ScopeKind.PILOT: WHOLE_PILOT,
        ScopeKind.ZONE: Scope(zones=(report.zone_id,)),
        ScopeKind.LOCAL_AUTHORITY: Scope(local_authorities=(report.local_authority_id,)),
        ScopeKind.ORGANISATION: Scope(organisations=(report.organisation_id,)),
    }[report.scope_kind]


def _headlines(headline: Headline) -> list[dict]:
    return [{"code": p.code, "title": p.title, **_cell(p.cell)} for p in headline.principles]


def _heatmap(heatmap: Heatmap) -> dict:
    return {
        "principles": [p.code for p in heatmap.principles],
        "rows": [
            {
                "la": row.name,
                "zone": row.parent,
                "overall": _cell(row.overall),
                "cells": [_cell(c.cell) for c in row.cells],
                "completeness": str(row.completeness),
            }
            for row in heatmap.rows
        ],
    }


def scale_kept(scale: scoring.Scale) -> dict:
    """The scale of a chart's figures as content keeps it (`render.content_scale` reads it):
    only off the default framework's scale, so content built before scales were kept keeps
    its fingerprint."""
    if scale == scoring.DEFAULT_SCALE:
        return {}
    return {"scale": {"low": scale.low, "high": scale.high}}


def _trends(trends: Trends) -> dict:
    result = {
        "quarters": [q.label for q in trends.quarters],
        "overall": [_text(v) for v in trends.overall],
        "completeness": [str(c) for c in trends.completeness],
        "principles": [
            {"code": s.code, "title": s.title, "points": [_text(v) for v in s.points]}
            for s in trends.series
        ],
    }
    result.update(scale_kept(trends.scale))
    # Only when there is one, so reports built before this was added keep their fingerprint.
    if trends.changes:
        result["framework_changes"] = [
            {
                "position": c.position,
                "quarter": c.quarter.label,
                "version": c.version,
                "label": c.label,
            }
            for c in trends.changes
        ]
    return result


def _end_reasons(report: Report, scope: Scope, quarter: Quarter) -> list[dict]:
    totals = (
        counted_returns(pilot=report.pilot, scope=scope)
        .filter(quarter_index=quarter.index)
        .aggregate(**{name: Sum(name) for name, _ in END_REASONS})
    )
    return [
        {"name": name, "label": label, "value": totals[name] or 0} for name, label in END_REASONS
    ]


def _caseload(summary: CaseloadSummary, quality: DataQuality, reasons: list[dict]) -> dict:
    return {
        "returns_counted": summary.returns_counted,
        "figures": [
            {
                "label": f.label,
                "value": _text(f.value),
                "previous": _text(f.previous),
                "change": _signed(f.change),
                "unit": f.unit,
            }
            for f in summary.figures
        ],
        "caseload_per_fte": _text(summary.caseload_per_fte),
        "caseload_target": _text(summary.caseload_target_per_fte),
        "over_target": summary.over_target,
        "end_reasons": reasons,
        "ended": quality.tenancies_ended or 0,
        "unknown": quality.ended_unknown or 0,
        "unknown_share": _text(quality.unknown_share),
        "not_assessed": quality.indicators_not_assessed,
        "indicators_total": quality.indicators_total,
        "not_assessed_share": _text(quality.not_assessed_share),
        "late_returns": quality.late_returns,
    }


def _submissions(status: SubmissionStatus) -> dict:
    return {
        "deadline": status.deadline.isoformat(),
        "approved": status.approved,
        "submitted": status.submitted,
        "in_progress": status.in_progress,
        "missing": status.missing,
        "overdue": status.overdue,
        "teams": [
            {
                "team": t.team_name,
                "organisation": t.organisation,
                "status": t.status or "missing",
                "status_label": t.status_label,
                "overdue": t.overdue,
                "late": t.late,
                "overall": _text(t.overall_score),
            }
            for t in status.teams
        ],
    }


def _indicators(
    report: Report, scope: Scope, quarter: Quarter, framework: FrameworkInfo
) -> list[dict]:
    """Every indicator of the pilot's framework with its mean score over the counted returns."""
    rows = (
        IndicatorScore.objects.filter(
            qa_return__in=counted_returns(pilot=report.pilot, scope=scope).filter(
                quarter_index=quarter.index
            )
        )
        .values("indicator__principle__code", "indicator__code")
        .annotate(
            mean=Avg("score"),
            scored=Count("pk", filter=Q(score__isnull=False)),
            not_assessed=Count("pk", filter=Q(not_assessed=True)),
        )
        .order_by()
    )
    by_code = {(r["indicator__principle__code"], r["indicator__code"]): r for r in rows}
    version = current_framework_version(pilot=report.pilot)
    result = []
    for principle in version.principles.prefetch_related("indicators"):
        for indicator in principle.indicators.all():
            row = by_code.get((principle.code, indicator.code), {})
            mean = row.get("mean")
            score = None if mean is None else scoring.mean_score([Decimal(str(mean))])
            result.append(
                {
                    "principle": principle.code,
                    "code": indicator.code,
                    "text": indicator.text,
                    **_cell(framework.cell(score)),
                    "scored": row.get("scored", 0),
                    "not_assessed": row.get("not_assessed", 0),
                }
            )
    return result


def _challenges(report: Report, quarter: Quarter, lowest: list[dict]) -> list[dict]:
    """The quarter's published forum challenges about the lowest principles, with their actions,
    and the open actions about those principles not tied to one challenge."""
    codes = [h["code"] for h in lowest]
    items = challenges_for_principles(
        pilot=report.pilot, principle_codes=codes, date_from=quarter.start, date_to=quarter.end
    )
    open_actions = actions_for_principles(pilot=report.pilot, principle_codes=codes, open_only=True)
    result = []
    for h in lowest:
        result.append(
            {
                "code": h["code"],
                "title": h["title"],
                "score": h["score"],
                "band_name": h["band_name"],
                "challenges": [
                    {
                        "text": item.title,
                        "shared": item.shared,
                        "themes": item.themes,
                        "local_authorities": item.local_authorities,
                        "sessions": item.sessions_count,
                        "actions": [
                            {
                                "what": a.what,
                                "owner": a.owner,
                                "status": a.status_label,
                                "due": _text(a.due_date),
                            }
                            for a in item.actions
                        ],
                    }
                    for item in items[h["code"]]
                ],
                "other_actions": [
                    {
                        "what": a.what,
                        "owner": a.owner,
                        "status": a.get_status_display(),
                        "due": _text(a.due_date),
                    }
                    for a in open_actions[h["code"]]
                    if a.challenge_id is None
                ],
            }
        )
    return result


def _with_improvement_actions(
    report: Report, scope: Scope, quarter: Quarter, lowest: list[dict]
) -> list[dict]:
    """Adds the teams' open improvement actions on each of the lowest principles."""
    actions = improvement_actions_for_principles(
        pilot=report.pilot,
        principle_codes=[p["code"] for p in lowest],
        teams=scope.team_queryset(report.pilot),
        up_to_quarter_index=quarter.index,
    )
    for p in lowest:
        p["improvement_actions"] = [
            {
                "team": a.team.name,
                "indicator": f"{a.indicator.code} {a.indicator.text}",
                "what": a.what,
                "owner": a.owner,
                "target": a.target_quarter.label if a.target_quarter else None,
                "status": a.get_status_display(),
            }
            for a in actions[p["code"]]
        ]
    return lowest


def report_content(report: Report, *, today: datetime.date) -> dict:
    pilot = report.pilot
    quarter = report.quarter_value
    scope = report_scope(report)
    framework = framework_info(pilot=pilot)
    headline = dashboard_headline(pilot=pilot, quarter=quarter, scope=scope, framework=framework)
    headlines = _headlines(headline)
    by_code = {h["code"]: h for h in headlines}
    lowest = [by_code[p.code] for p in headline.lowest()]
    return {
        "scope": {
            "kind": report.scope_kind,
            "kind_label": report.get_scope_kind_display(),
            "name": report.scope_name,
            "pilot": pilot.name,
        },
        "quarter": {
            "label": quarter.label,
            "long_label": quarter.long_label,
            "previous": quarter.previous().label,
            "deadline": quarter.deadline(pilot.return_deadline_days).isoformat(),
        },
        "framework": str(current_framework_version(pilot=pilot)),
        "words": asdict(framework.words),
        "bands": [
            {"slug": r.name, "name": framework.band_names[r.name], "minimum": str(r.minimum)}
            for r in framework.rules
        ],
        "overall": _cell(headline.overall),
        "teams_scored": headline.teams_scored,
        "completeness": str(headline.completeness),
        "headlines": headlines,
        "heatmap": _heatmap(
            groups.heatmap(pilot=pilot, quarter=quarter, by="la", scope=scope, framework=framework)
        ),
        "trends": _trends(
            principle_trends(
                pilot=pilot,
                quarter=quarter,
                quarters=TREND_QUARTERS,
                scope=scope,
                framework=framework,
            )
        ),
        "caseload": _caseload(
            caseload_summary(pilot=pilot, quarter=quarter, scope=scope, framework=framework),
            data_quality(pilot=pilot, quarter=quarter, scope=scope),
            _end_reasons(report, scope, quarter),
        ),
        "submissions": _submissions(
            submission_status(pilot=pilot, quarter=quarter, scope=scope, today=today)
        ),
        "lowest": _with_improvement_actions(
            report, scope, quarter, _challenges(report, quarter, lowest)
        ),
        "indicators": _indicators(report, scope, quarter, framework),
    }
