"""Reports print what people type: Latin accents, Arabic and emoji come out in Debian's Noto
fonts (common/static/common/fonts.css, which report.css imports), not as empty boxes."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader

from reports.render import render_pdf
from tests.pdf_fonts import embedded_fonts, notdef_characters

TYPED = "Zoë 😊 مرحبا"


def _pdf(text: str) -> bytes:
    html = (
        '<!doctype html><html lang="en-GB"><head><title>Fonts</title>'
        f'<link rel="stylesheet" href="reports/report.css"></head><body><p>{text}</p></body></html>'
    )
    pdf, _ = render_pdf(html)
    return pdf


def test_accents_arabic_and_emoji_are_set_in_noto_fonts():
    pdf = _pdf(TYPED)
    assert embedded_fonts(pdf) == {"Noto-Sans", "Noto-Sans-Arabic", "Noto-Color-Emoji"}
    assert notdef_characters(pdf) == []
    assert "Zoë" in PdfReader(BytesIO(pdf)).pages[0].extract_text()


def test_figures_are_set_in_noto_sans_not_in_the_emoji_fonts_digits():
    # Noto Color Emoji has digit and sign glyphs; named in the stack, it took every figure.
    pdf = _pdf("2026-27 Q2: 2.94, change +0.21 or -0.31, 13 of 15 teams")
    assert embedded_fonts(pdf) == {"Noto-Sans"}
