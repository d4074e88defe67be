"""Making a PDF reads the app's own static files and nothing else: no network, no other file."""

from __future__ import annotations

import pytest

from common.pdfs import STATIC_BASE_URL, StaticFilesOnly, html_to_pdf
from tests.pdf_fonts import embedded_fonts, notdef_characters


def test_a_stylesheet_is_read_from_the_static_files_by_its_static_path():
    response = StaticFilesOnly().fetch(STATIC_BASE_URL + "common/fonts.css")
    assert response.content_type == "text/css"
    assert b'"Noto Sans"' in response.read()


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/report.css",
        "file:///etc/passwd",
        STATIC_BASE_URL + "../../etc/passwd",
        STATIC_BASE_URL + "/etc/passwd",
        STATIC_BASE_URL + "common/no-such-file.css",
    ],
)
def test_anything_else_is_refused(url):
    with pytest.raises(ValueError):
        StaticFilesOnly().fetch(url)


def test_a_page_linking_the_shared_fonts_is_set_in_them():
    html = (
        '<!doctype html><html lang="en-GB"><head><title>Fonts</title>'
        '<link rel="stylesheet" href="common/fonts.css"></head><body><p>Zoë</p></body></html>'
    )
    pdf, _ = html_to_pdf(html=html)
    assert embedded_fonts(pdf) == {"Noto-Sans"}


def test_a_character_that_no_font_has_is_found_drawn_as_notdef():
    # The fonts tests' "no .notdef" would pass vacuously if the reading missed the empty box.
    html = (
        '<!doctype html><html lang="en-GB"><head><title>Fonts</title>'
        '<link rel="stylesheet" href="common/fonts.css"></head><body><p>A \ue000</p></body></html>'
    )
    pdf, _ = html_to_pdf(html=html)
    assert notdef_characters(pdf) == ["U+E000 in Noto-Sans"]
