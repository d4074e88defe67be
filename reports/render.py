"""Turns a report's content into a PDF with WeasyPrint, offline.

The HTML comes from reports/templates/reports/pdf/report.html; its stylesheet,
reports/static/reports/report.css, is loaded offline by `common.pdfs`, which writes every PDF.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.template.loader import render_to_string

from common.pdfs import html_to_pdf
from fidelity.dashboards import charts
from fidelity.frameworks.scoring import DEFAULT_SCALE, Scale
from fidelity.frameworks.words import FrameworkWords


def report_html(content: dict, *, built_on: datetime.date, charts: dict | None = None) -> str:
    return render_to_string(
        "reports/pdf/report.html",
        {
            "c": content,
            "words": FrameworkWords(**content["words"]),
            "built_on": built_on,
            "charts": charts or {},
            "indicator_groups": [
                (
                    f"{h['code']}. {h['title']}",
                    [row for row in content["indicators"] if row["principle"] == h["code"]],
                )
                for h in content["headlines"]
            ],
        },
    )


def render_charts(content: dict) -> dict[str, str]:
    """SVG charts for the report, drawn by the dashboard's chart module."""
    trends = content["trends"]
    words = FrameworkWords(**content["words"])
    series = [
        charts.Series(label=p["code"], values=[_decimal(v) for v in p["points"]])
        for p in trends["principles"]
    ]
    series.append(charts.Series(label="Overall", values=[_decimal(v) for v in trends["overall"]]))
    scale = content_scale(trends)
    return {
        "trends": charts.line_chart(
            series,
            trends["quarters"],
            chart_id="report-trends",
            title=f"Fidelity scores over the last {len(trends['quarters'])} quarters",
            description=(
                f"One line per {words.section} and one for the overall score, on the {scale} "
                "scale; the table below gives the same numbers."
            ),
            scale=scale,
            markers=[
                charts.Marker(position=c["position"], label=c["label"])
                for c in trends.get("framework_changes", ())
            ],
        )
    }


def content_scale(part: dict) -> Scale:
    """The scale a part of stored content (trends, a journey) is on: kept when it is not the
    default framework's, which content built before scales were kept was on."""
    kept = part.get("scale")
    return Scale(low=kept["low"], high=kept["high"]) if kept else DEFAULT_SCALE


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


def render_pdf(html: str) -> tuple[bytes, int]:
    """A tagged PDF/UA-1 document (headings, tables and reading order carried into the PDF),
    and its page count."""
    return html_to_pdf(html=html)
