"""Turns a handbook's content into HTML and a tagged PDF/UA-1 document.

The same template makes both (reports/templates/reports/handbook/book.html), laid out by the
quarterly report's pipeline: charts from the dashboard's chart module, the PDF through
`reports.render.render_pdf` (offline, PDF/UA finished by common/pdfua.py). The stylesheet,
reports/static/reports/handbook.css, builds on the report's report.css (its fonts and tables).
The web page comes in two variants of one document. The FILE, stored and downloaded, needs
nothing else: the stylesheet (with what it imports) sits in a <style> element, each chart is an
inline SVG, and its only links are to its own parts and to absolute public addresses, so a copy
opened from disk years after the pilot's server is gone keeps its layout. The PAGE, which the app
serves to the public under its CSP (no inline style), links the stylesheet at its static URL.
Neither holds script; each chart has a <title>, a <desc> and a table beside it.
"""

from __future__ import annotations

import datetime
import posixpath
import re
from enum import StrEnum
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.templatetags.static import static

from fidelity.dashboards import charts
from fidelity.frameworks.words import FrameworkWords
from reports.render import _decimal, content_scale, render_pdf

STYLESHEET = "reports/handbook.css"
_IMPORT = re.compile(r'@import\s+url\("([^"]+)"\);')


class HtmlVariant(StrEnum):
    FILE = "file"
    PAGE = "page"


def _stylesheet_text(static_path: str) -> str:
    """The stylesheet at `static_path` (as `{% static %}` names it), each `@import url("...")`
    replaced by the imported file's text (resolved as the browser would, among the static
    files), so it can stand in a <style> element of a file opened from disk."""
    text = Path(finders.find(static_path)).read_text(encoding="utf-8")
    folder = posixpath.dirname(static_path)
    return _IMPORT.sub(
        lambda m: _stylesheet_text(posixpath.normpath(posixpath.join(folder, m.group(1)))), text
    )


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


def _context(
    content: dict, built_on: datetime.date, *, stylesheet: str = "", css: str = ""
) -> dict:
    drawn = handbook_charts(content)
    return {
        "c": content,
        "words": FrameworkWords(**content["words"]),
        "built_on": built_on,
        "scale": content_scale(content["journey"]),
        "journey_chart": drawn["journey"],
        "sections": [{**s, "chart": drawn[s["code"]]} for s in content["sections"]],
        "stylesheet": stylesheet,
        "css": css,
    }


def handbook_html(
    content: dict, *, built_on: datetime.date, variant: HtmlVariant, pdf_url: str = ""
) -> str:
    """The handbook as a whole web page (lang, title). `HtmlVariant.FILE`: self-contained, its
    stylesheet inline, to store and download. `HtmlVariant.PAGE`: linking the stylesheet at its
    static URL, for the public page under the app's CSP; `pdf_url` puts a link to the PDF first."""
    if variant == HtmlVariant.FILE:
        context = _context(content, built_on, css=_stylesheet_text(STYLESHEET))
    else:
        context = _context(content, built_on, stylesheet=static(STYLESHEET))
    return render_to_string("reports/handbook/book.html", {**context, "pdf_url": pdf_url})


def handbook_pdf(content: dict, *, built_on: datetime.date) -> tuple[bytes, int]:
    """The handbook as a tagged PDF/UA-1 document, and its page count."""
    html = render_to_string(
        "reports/handbook/book.html",
        # Its static path: `common.pdfs` reads it from the static files, offline.
        _context(content, built_on, stylesheet=STYLESHEET),
    )
    return render_pdf(html)
