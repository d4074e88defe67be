"""Reports print what people type: Latin accents, Arabic and emoji come out in Debian's Noto
fonts (named in report.css), not as empty boxes."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader

from reports.render import render_pdf

TYPED = "Zoë 😊 مرحبا"


def _fonts(pdf: bytes) -> set[str]:
    names = set()
    for page in PdfReader(BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


def _pdf(text: str) -> bytes:
    html = (
        '<!doctype html><html lang="en-GB"><head><title>Fonts</title>'
        f'<link rel="stylesheet" href="report.css"></head><body><p>{text}</p></body></html>'
    )
    pdf, _ = render_pdf(html)
    return pdf


def test_accents_arabic_and_emoji_are_set_in_noto_fonts():
    pdf = _pdf(TYPED)
    fonts = _fonts(pdf)
    # Subset fonts are named like "/HUHQIP+Noto-Sans".
    assert {name.split("+", 1)[-1] for name in fonts} >= {
        "Noto-Sans",
        "Noto-Sans-Arabic",
        "Noto-Color-Emoji",
    }, fonts
    assert "Zoë" in PdfReader(BytesIO(pdf)).pages[0].extract_text()


def test_figures_are_set_in_noto_sans_not_in_the_emoji_fonts_digits():
    # Noto Color Emoji has digit and sign glyphs; named in the stack, it took every figure.
    fonts = _fonts(_pdf("2026-27 Q2: 2.94, change +0.21 or -0.31, 13 of 15 teams"))
    assert {name.split("+", 1)[-1] for name in fonts} == {"Noto-Sans"}, fonts
