"""common.pdfs writes every PDF as PDF/UA-1, with what WeasyPrint alone leaves out filled in."""

from io import BytesIO

import pikepdf
import pytest
from weasyprint import HTML

from common.pdfs import PDF_VARIANT, html_to_pdf
from tests.pdfua_checks import problems, structure

PAGE = """<!doctype html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>Sample &amp; scopes</title>
<style>@page { @bottom-right { content: "Page " counter(page) " of " counter(pages) } }</style>
</head>
<body>
<h1>Sample</h1>
<p><a href="#scores">Jump to the <em>scores</em></a> or <a href="https://example.org/a?b=1&amp;c=2">read the guide</a>.</p>
<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" role="img"><title>Scores rising</title><rect width="40" height="20"/></svg>
<table id="scores">
  <caption>Scores</caption>
  <thead><tr><th scope="col">Indicator</th><th scope="col">Mean</th></tr></thead>
  <tbody>
    <tr><th scope="rowgroup" colspan="2">P1. People have a right to a home</th></tr>
    <tr><th scope="row">1.1 Choice of housing</th><td>3.50</td></tr>
    <tr><th scope="row">1.2 Tenancy rights</th><td>2.00</td></tr>
  </tbody>
</table>
</body>
</html>"""


@pytest.fixture(scope="module")
def finished() -> pikepdf.Pdf:
    pdf_bytes, pages = html_to_pdf(html=PAGE)
    assert pages == 1
    return pikepdf.open(BytesIO(pdf_bytes))


def test_a_pdf_written_here_passes_every_check():
    pdf_bytes, _ = html_to_pdf(html=PAGE)

    assert problems(pdf_bytes) == []


def test_weasyprint_alone_fails_the_checks_this_module_exists_for():
    raw = HTML(string=PAGE).write_pdf(pdf_variant=PDF_VARIANT)

    found = "\n".join(problems(raw))

    assert "has no /O /Table /Scope" in found
    assert "has no description in /Contents ('scores')" in found
    assert "is not in the structure tree" in found  # the page number in the margin


def test_header_cells_take_their_scope_from_the_html(finished):
    scopes = [(str(th.ID), str(th.A.Scope)) for th in structure(finished).of_type("/TH")]

    assert [scope for _, scope in scopes] == [
        "/Column",  # Indicator
        "/Column",  # Mean
        "/Column",  # the principle's rowgroup title, heading the rows below it
        "/Row",  # 1.1
        "/Row",  # 1.2
    ]


def test_links_are_described_by_their_text(finished):
    contents = [str(a.Contents) for a in finished.pages[0].obj.Annots]

    # The <em> inside the first link has an annotation of its own.
    assert contents == ["Jump to the scores", "Jump to the scores", "read the guide"]


def test_page_numbers_are_pagination_artifacts_and_the_text_stays_tagged(finished):
    marked = [
        (str(operands[0]), dict(operands[1]))
        for operands, operator in pikepdf.parse_content_stream(finished.pages[0])
        if str(operator) == "BDC"
    ]

    artifacts = [properties for tag, properties in marked if tag == "/Artifact"]
    assert artifacts == [{"/Type": pikepdf.Name.Pagination}]
    assert len(marked) > 10  # headings, cells and links are still tagged content
