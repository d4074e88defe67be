"""Turns a handbook's content into HTML and a tagged PDF/UA-1 document.

The same template makes both (reports/templates/reports/handbook/book.html), laid out by the
quarterly report's pipeline: charts from the dashboard's chart module, the PDF through
`reports.render.render_pdf` (offline, PDF/UA finished by common/pdfua.py). The stylesheet,
reports/static/reports/handbook.css, builds on the report's report.css (its fonts and tables).
The app's CSP allows no inline style, so the HTML links the stylesheet at its static URL; it
holds no script, and each chart is an inline SVG with a <title>, a <desc> and a table beside it.
"""

from __future__ import annotations

import datetime

from django.template.loader import render_to_string
from django.templatetags.static import static

from fidelity.dashboards import charts
from fidelity.frameworks.words import FrameworkWords
from reports.render import _decimal, content_scale, render_pdf

STYLESHEET = "reports/handbook.css"


def handbook_charts(content: dict) -> dict[str, str]:
    """The period's journey (every section and the overall score) and one chart per section
    (the section beside the overall score), keyed "journey" and by section code."""
    words = FrameworkWords(**content["words"])
    journey = content["journey"]
    quarters = journey["quarters"]
    overall = charts.Series(
        label="Overall", values=[_decimal(p["score"]) for p in journey["overall"]]
    )
    markers = [
        charts.Marker(position=c["position"], label=f"Framework changed: v{c['version']}")
        for c in journey["framework_changes"]
    ]
    scale = content_scale(journey)
    span = f"{content['period']['first']} to {content['period']['last']}"
    drawn = {
        "journey": charts.line_chart(
            [
                *(
                    charts.Series(
                        label=s["code"], values=[_decimal(p["score"]) for p in s["journey"]]
                    )
                    for s in content["sections"]
                ),
                overall,
            ],
            quarters,
            chart_id="journey-chart",
            title=f"Fidelity scores, {span}",
            description=(
                f"One line per {words.section} and one for the overall score, on the {scale} "
                "scale; the tables give the same numbers."
            ),
            scale=scale,
            markers=markers,
        )
    }
    for section in content["sections"]:
        drawn[section["code"]] = charts.line_chart(
            [
                charts.Series(
                    label=section["code"],
                    values=[_decimal(p["score"]) for p in section["journey"]],
                ),
                overall,
            ],
            quarters,
            chart_id=f"{section['anchor']}-chart",
            title=f"{section['code']}. {section['title']}: score, {span}",
            description=(
                f"The {words.section}'s score and the overall score in each quarter, on the "
                f"{scale} scale; the table below gives the same numbers."
            ),
            scale=scale,
            markers=markers,
            height=240,
        )
    return drawn


def _context(content: dict, built_on: datetime.date, stylesheet: str) -> dict:
    drawn = handbook_charts(content)
    return {
        "c": content,
        "words": FrameworkWords(**content["words"]),
        "built_on": built_on,
        "scale": content_scale(content["journey"]),
        "journey_chart": drawn["journey"],
        "sections": [{**s, "chart": drawn[s["code"]]} for s in content["sections"]],
        "stylesheet": stylesheet,
    }


def handbook_html(content: dict, *, built_on: datetime.date, standalone: bool) -> str:
    """The handbook as a web page. `standalone`: a whole document (lang, title, the stylesheet
    at its static URL) to serve or download; otherwise the book alone, an <article> for a page
    of the app to hold."""
    context = _context(content, built_on, static(STYLESHEET))
    if standalone:
        return render_to_string("reports/handbook/book.html", context)
    return render_to_string("reports/handbook/_book.html", context)


def handbook_pdf(content: dict, *, built_on: datetime.date) -> tuple[bytes, int]:
    """The handbook as a tagged PDF/UA-1 document, and its page count."""
    html = render_to_string(
        "reports/handbook/book.html",
        # Its static path: `common.pdfs` reads it from the static files, offline.
        _context(content, built_on, STYLESHEET),
    )
    return render_pdf(html)
