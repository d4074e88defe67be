"""The handbook as a reader meets it: a tagged PDF/UA document and a web page with no script,
headings in order, and a table beside every chart."""

import datetime
import re
from collections import Counter
from html.parser import HTMLParser
from io import BytesIO

import pikepdf
import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from pypdf import PdfReader

from common.quarters import Quarter
from fidelity.frameworks.selectors import current_framework_version
from fidelity.opendata.services import open_data_publish
from reports.handbook.content import handbook_content
from reports.handbook.render import HtmlVariant, handbook_html, handbook_pdf
from tests.fidelity.factories import use_default_framework
from tests.pdfua_checks import problems, structure
from tests.reports.handbook.conftest import FIRST, FOREWORD, LAST, LESSONS, QUARTERS

BUILT_ON = datetime.date(2026, 12, 1)


@pytest.fixture
def content(story):
    return handbook_content(
        pilot=story.pilot,
        first=FIRST,
        last=LAST,
        foreword=FOREWORD,
        lessons=LESSONS,
        today=BUILT_ON,
    )


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(BytesIO(pdf))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


class _Outline(HTMLParser):
    """The page's elements in order, with the text of each heading."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.headings: list[tuple[int, str]] = []
        self._heading: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if re.fullmatch(r"h[1-6]", tag):
            self._heading = [tag]

    def handle_endtag(self, tag):
        if self._heading and tag == self._heading[0]:
            self.headings.append((int(tag[1]), " ".join("".join(self._heading[1:]).split())))
            self._heading = None

    def handle_data(self, data):
        if self._heading is not None:
            self._heading.append(data)


def outline(html: str) -> _Outline:
    parser = _Outline()
    parser.feed(html)
    return parser


def test_the_pdf_holds_the_managers_words_every_section_and_what_came_back(story, content):
    pdf, pages = handbook_pdf(content, built_on=BUILT_ON)
    text = pdf_text(pdf)

    assert "We set out to house people first." in text
    assert "This is what we learned <b>along the way</b>." in text
    for principle in current_framework_version(pilot=story.pilot).principles.all():
        assert f"{principle.code}. {principle.title}" in text
    assert "Landlords still expect abstinence" in text
    assert "Bolton, Wigan" in text  # where it came back
    assert "Harm reduction training for the whole team" in text
    assert "Abstinence conditions dropped from every support plan" in text
    assert "People told us workers never judged their drinking." in text
    assert "Keep caseloads small." in text and "Ask people what they want." in text
    assert "Appendix A: the framework" in text
    assert "No open data pack was published for this period." in text
    assert f"Page 2 of {pages}" in text
    assert len(PdfReader(BytesIO(pdf)).pages) == pages


def test_the_pdf_passes_the_pdf_ua_checks(content):
    pdf, _ = handbook_pdf(content, built_on=BUILT_ON)

    assert problems(pdf) == []
    with pikepdf.open(BytesIO(pdf)) as document:
        assert str(document.docinfo.Title) == (
            f"Handbook: Test pilot, {FIRST.label} to {LAST.label}"
        )
        tree = structure(document)
        kinds = Counter(str(e.S) for e in tree.elements)
    assert kinds["/H1"] == 1
    assert kinds["/Figure"] == 1 + len(content["sections"])  # the journey and each section's
    assert kinds["/Table"] >= 2 * len(content["sections"])


class _Styles(HTMLParser):
    """The text of each <style> element."""

    def __init__(self):
        super().__init__()
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        if tag == "style":
            self._in_style = True
            self.styles.append("")

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles[-1] += data


def _static_text(path: str) -> str:
    with open(finders.find(path), encoding="utf-8") as handle:
        return handle.read()


def test_the_downloadable_file_carries_its_stylesheet_and_needs_nothing_else(story, content):
    open_data_publish(pilot=story.pilot, quarter=QUARTERS[1], user=story.manager)
    with_pack = handbook_content(
        pilot=story.pilot,
        first=FIRST,
        last=LAST,
        foreword=FOREWORD,
        lessons=LESSONS,
        today=BUILT_ON,
    )
    html = handbook_html(with_pack, built_on=BUILT_ON, variant=HtmlVariant.FILE)
    page = outline(html)

    tags = [tag for tag, _ in page.tags]
    assert "script" not in tags and "link" not in tags
    styles = _Styles()
    styles.feed(html)
    [style] = styles.styles
    handbook_css = _static_text("reports/handbook.css")
    imported = '@import url("report.css");'
    assert imported in handbook_css
    report_css = _static_text("reports/report.css")
    fonts = '@import url("../common/fonts.css");'
    assert fonts in report_css
    # The handbook's rules, with the report's in place of its import, and the shared font stack
    # in place of the report's: nothing left to fetch.
    report_css = report_css.replace(fonts, _static_text("common/fonts.css"))
    assert style.strip() == handbook_css.replace(imported, report_css).strip()
    assert "@import" not in style
    assert not any("src" in attrs for _, attrs in page.tags)
    hrefs = [attrs["href"] for _, attrs in page.tags if "href" in attrs]
    public = [h for h in hrefs if not h.startswith("#")]
    assert public  # the open data pack's page
    assert all(h.startswith(settings.REPORTS_SITE_URL + "/") for h in public)
    assert not any(
        "style" in attrs or any(a.startswith("on") for a in attrs) for _, attrs in page.tags
    )
    assert dict(page.tags)["html"]["lang"] == "en-GB"
    assert "&lt;b&gt;along the way&lt;/b&gt;" in html  # the manager's words, escaped


def test_the_public_page_variant_links_its_stylesheet_and_holds_no_style_or_script(content):
    html = handbook_html(
        content, built_on=BUILT_ON, variant=HtmlVariant.PAGE, pdf_url="/handbook/test/handbook.pdf"
    )
    page = outline(html)

    tags = [tag for tag, _ in page.tags]
    assert "script" not in tags and "style" not in tags
    assert not any(
        "style" in attrs or any(a.startswith("on") for a in attrs) for _, attrs in page.tags
    )
    assert [attrs["href"] for tag, attrs in page.tags if tag == "link"] == [
        "/static/reports/handbook.css"
    ]
    assert '<a href="/handbook/test/handbook.pdf">' in html
    assert dict(page.tags)["html"]["lang"] == "en-GB"
    assert "&lt;b&gt;along the way&lt;/b&gt;" in html


def test_headings_run_in_order_from_one_h1(content):
    page = outline(handbook_html(content, built_on=BUILT_ON, variant=HtmlVariant.FILE))

    levels = [level for level, _ in page.headings]
    assert levels.count(1) == 1 and levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))
    parts = [text for level, text in page.headings if level == 2]
    assert parts[:4] == ["Contents", "Foreword", "About this handbook", "How fidelity moved"]
    assert parts[4:11] == [f"{s['code']}. {s['title']}" for s in content["sections"]]
    assert parts[11:] == ["Lessons", "Appendix A: the framework", "Appendix B: open data"]


def test_every_chart_has_a_title_a_description_and_a_table_after_it(content):
    html = handbook_html(content, built_on=BUILT_ON, variant=HtmlVariant.FILE)
    tags = outline(html).tags

    charts = [n for n, (tag, attrs) in enumerate(tags) if tag == "svg"]
    assert len(charts) == 1 + len(content["sections"])
    for n in charts:
        assert tags[n][1]["role"] == "img"
        following = [tag for tag, _ in tags[n:]]
        assert following.index("title") < following.index("desc") < following.index("table")
        # No heading between a chart and its table.
        assert not any(re.fullmatch(r"h[1-6]", t) for t in following[: following.index("table")])


def test_every_contents_link_goes_to_a_part_of_the_book(content):
    tags = outline(handbook_html(content, built_on=BUILT_ON, variant=HtmlVariant.FILE)).tags

    ids = {attrs["id"] for _, attrs in tags if "id" in attrs}
    links = [attrs["href"] for tag, attrs in tags if tag == "a" and attrs["href"].startswith("#")]
    assert len(links) > 10
    assert {link[1:] for link in links} <= ids


def test_a_pilot_with_nothing_yet_gets_a_handbook_that_says_so(world):
    use_default_framework(world.pilot)
    empty = handbook_content(
        pilot=world.pilot,
        first=Quarter(2026, 1),
        last=Quarter(2026, 2),
        foreword="",
        lessons="",
        today=datetime.date(2026, 8, 1),
    )
    html = handbook_html(empty, built_on=BUILT_ON, variant=HtmlVariant.FILE)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())

    assert "No return counted in this period, so there is no score." in text
    assert "The pilot's manager has not written a foreword." in text
    assert "The pilot's manager has not written the lessons yet." in text
    assert (
        "Returns for 2026-27 Q2 are due by 20 October 2026, so its figures may still change."
        in text
    )
    sections = len(empty["sections"])
    for sentence in (
        "had no score in the period.",
        "No challenge about this principle came up in more than one forum session or local authority.",
        "No good practice about this principle was recorded in a published forum session.",
        "No improvement action on this principle was completed in the period.",
        "No peer review of this principle was submitted in the period.",
    ):
        assert text.count(sentence) == sections, sentence
    pdf, _ = handbook_pdf(empty, built_on=BUILT_ON)
    assert problems(pdf) == []
