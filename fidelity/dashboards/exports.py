"""The data behind each dashboard panel as a table for CSV or XLSX, with the dashboard's filters
applied. Cells are plain values (None for no score); common.downloads makes them safe and typed.
"""

from __future__ import annotations

from common.downloads import Table
from fidelity.dashboards.figures import Trends
from fidelity.dashboards.groups import Heatmap
from fidelity.dashboards.selectors import PilotDashboard
from fidelity.frameworks.words import FrameworkWords

PANELS = {
    "headline": "Headline scores",
    "heatmap-la": "Scores by local authority",
    "heatmap-zone": "Scores by zone",
    "heatmap-organisation": "Scores by organisation",
    "trends": "Score trends",
    "caseload": "Caseload",
    "data-quality": "Data quality",
    "status": "Returns status",
    "drift": "Drift alerts",
}


def _heatmap_table(title: str, heatmap: Heatmap) -> Table:
    # Local authorities carry their ONS code, which councils' own tools join on.
    coded = heatmap.by == "la"
    headers = [heatmap.label, *(["GSS code"] if coded else [])]
    headers += ["Teams", "Overall", "Overall band", "Overall change"]
    for p in heatmap.principles:
        headers += [p.code, f"{p.code} band", f"{p.code} change"]
    rows = []
    for row in heatmap.rows:
        line = [
            row.name,
            *([row.gss_code] if coded else []),
            str(row.completeness),
            row.overall.score,
            row.overall.band_name,
            row.overall.change,
        ]
        for c in row.cells:
            line += [c.cell.score, c.cell.band_name, c.cell.change]
        rows.append(line)
    return Table(title, headers, rows)


def panel_table(panel: str, data: PilotDashboard, *, words: FrameworkWords) -> Table:
    title = f"{PANELS[panel]}, {data.quarter.label}"
    if panel == "headline":
        overall = data.headline.overall
        rows = [
            ["Overall", "", overall.score, overall.band_name, overall.change, overall.change_note]
        ]
        rows += [
            [p.code, p.title, p.cell.score, p.cell.band_name, p.cell.change, p.cell.change_note]
            for p in data.headline.principles
        ]
        rows.append(["Teams counted", str(data.headline.completeness), None, None, None, None])
        headers = [words.section_heading, "Title", "Score", "Band", "Change", "Change covers"]
        return Table(title, headers, rows)
    if panel.startswith("heatmap-"):
        by = {"heatmap-la": "la", "heatmap-zone": "zone", "heatmap-organisation": "organisation"}
        return _heatmap_table(title, data.heatmaps[by[panel]])
    if panel == "trends":
        return _trends_table(title, data.trends)
    if panel == "caseload":
        rows = [[f.label, f.value, f.previous, f.change, f.unit] for f in data.caseload.figures]
        return Table(title, ["Figure", "This quarter", "Previous quarter", "Change", "Unit"], rows)
    if panel == "data-quality":
        dq = data.data_quality
        rows = [
            ["Tenancies ended", dq.tenancies_ended],
            ["Ended for an unknown reason", dq.ended_unknown],
            ["Unknown-outcome share (%)", dq.unknown_share],
            ["Indicators not assessed", dq.indicators_not_assessed],
            ["Indicators in submitted returns", dq.indicators_total],
            ["Not-assessed share (%)", dq.not_assessed_share],
            ["Late returns", dq.late_returns],
        ]
        return Table(title, ["Figure", "Value"], rows)
    if panel == "status":
        rows = [
            [
                t.team_name,
                t.organisation,
                t.status_label,
                "yes" if t.overdue else "no",
                "yes" if t.late else "no",
                t.overall_score,
            ]
            for t in data.status.teams
        ]
        headers = ["Team", "Organisation", "Status", "Overdue", "Late", "Overall score"]
        return Table(title, headers, rows)
    rows = [[a.level, a.name, a.gss_code, a.code, a.title, *a.scores] for a in data.drift]
    quarters = data.quarter.back(3)
    # A drift alert runs over the quarters a framework change may fall in: say so below.
    rows += [
        ["Framework changed", "", "", "", change.note, *([None] * len(quarters))]
        for change in data.trends.changes
        if change.quarter in quarters
    ]
    return Table(
        title,
        ["Level", "Name", "GSS code", words.section_heading, "Title", *[q.label for q in quarters]],
        rows,
    )


def _trends_table(title: str, trends: Trends) -> Table:
    """Each quarter's scores with the framework version they are on; where the pilot moved to a
    newer version in the period, a column saying what changed, in the quarter it changed."""
    notes = {c.position: c.note for c in trends.changes}
    headers = ["Quarter", "Teams", "Framework version", "Overall", *[s.code for s in trends.series]]
    headers += ["Framework change"] if notes else []
    rows = [
        [
            q.label,
            str(trends.completeness[i]),
            trends.version_label(i),
            trends.overall[i],
            *[s.points[i] for s in trends.series],
            *([notes.get(i, "")] if notes else []),
        ]
        for i, q in enumerate(trends.quarters)
    ]
    return Table(title, headers, rows)
