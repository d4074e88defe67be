"""The forum challenge summary prints what people type, in the one font stack of every PDF
(common/static/common/fonts.css): figures and English in Noto Sans, a note in Polish, Urdu,
Chinese or with an emoji in a Noto font that has its glyphs, never an empty box. Every text
here is invented."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from forums import services
from tests.pdf_fonts import embedded_fonts, notdef_characters
from tests.pdfua_checks import problems

from .factories import make_session, raise_challenge

POLISH = "Zażółć gęślą jaźń: właściciele proszą o poręczenie"
URDU = "مالک مکان ضمانت مانگتے ہیں"
CHINESE = "房东要求提供担保"
EMOJI = "Tenants' panel liked the new leaflet 👍"


def _summary(client) -> bytes:
    response = client.get(reverse("forums:summary_pdf"))
    assert response["Content-Type"] == "application/pdf"
    return response.content


def _text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def english_notes(world):
    session = make_session(world.pilot, principle_code="P1", date=datetime.date(2026, 5, 6))
    raise_challenge(session, "Landlords ask for proof of readiness", world.bolton, world.wigan)
    return session


@pytest.fixture
def notes_in_other_scripts(world):
    session = make_session(world.pilot, principle_code="P2", date=datetime.date(2026, 6, 3))
    raise_challenge(session, POLISH, world.bolton, themes=("Landlord practice",))
    raise_challenge(session, URDU, world.wigan, themes=("Landlord practice",))
    chinese = raise_challenge(session, CHINESE, world.bury, themes=("Housing supply",))
    services.action_add(
        session=session, what="Ask the 3 agents 📞", owner="Lead", challenge=chinese
    )
    services.good_practice_add(session=session, text=EMOJI, principle_code="P2")
    return session


def test_an_english_summary_is_set_in_noto_sans_alone(client, world, english_notes):
    # Figures too ("Page 1 of 1", LA counts): Noto Color Emoji has digits, and must not take them.
    client.force_login(world.facilitator)
    pdf = _summary(client)
    assert embedded_fonts(pdf) == {"Noto-Sans", "Noto-Sans-Bold"}
    assert "Page 1 of 1" in _text(pdf)


def test_notes_in_polish_urdu_chinese_and_emoji_print_in_fonts_that_have_their_glyphs(
    client, world, notes_in_other_scripts
):
    client.force_login(world.facilitator)
    pdf = _summary(client)

    assert notdef_characters(pdf) == []
    assert embedded_fonts(pdf) == {
        "Noto-Sans",
        "Noto-Sans-Bold",
        "Noto-Sans-Arabic",
        "Noto-Sans-CJK-SC",
        "Noto-Color-Emoji",
    }
    # Text extraction keeps each word (a table cell may wrap a note); Urdu comes out reordered.
    words = _text(pdf).split()
    for word in (POLISH + " " + CHINESE).split():
        assert word in words


def test_a_summary_in_other_scripts_still_passes_the_pdf_ua_checks(
    client, world, notes_in_other_scripts
):
    client.force_login(world.facilitator)
    assert problems(_summary(client)) == []
