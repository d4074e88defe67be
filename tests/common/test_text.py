"""Invisible format characters are refused in free text, with the character named; the ones
ordinary writing needs (emoji joiners, Persian non-joiners, flag tags) are kept."""

from __future__ import annotations

import pytest
from django import forms

from common.text import invisible_character_problem, validate_visible_text

RLO = "\u202e"
ENGLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"


@pytest.mark.parametrize(
    "text",
    [
        "Plain words",
        "Zoë 😊 مرحبا",
        "Nurse 👩\u200d⚕️ on the team",  # zero width joiner: one emoji
        "می\u200cخواهم",  # zero width non-joiner: Persian spelling
        f"Team from {ENGLAND}",
        "",
    ],
)
def test_ordinary_writing_is_allowed(text):
    assert invisible_character_problem(text) is None


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (f"RTL{RLO}probe gnp.exe", "U+202E, right-to-left override) at character 4"),
        ("a\u202ab", "U+202A, left-to-right embedding"),
        ("a\u2066b\u2069", "U+2066, left-to-right isolate"),
        ("\u2067x", "U+2067, right-to-left isolate) at character 1"),
        ("a\u200fb", "U+200F, right-to-left mark"),
        ("a\u200bb", "U+200B, zero width space"),
        ("co\u00adoperate", "U+00AD, soft hyphen"),
        ("\ufeffBOM", "U+FEFF, zero width no-break space"),
        ("hidden\U000e0041\U000e0042", "U+E0041, tag latin capital letter a"),
    ],
)
def test_invisible_characters_are_refused_and_named(text, named):
    problem = invisible_character_problem(text)
    assert problem is not None and named in problem
    assert "show in a different order from how it was typed" in problem


def test_every_form_text_field_checks_it():
    class Form(forms.Form):
        note = forms.CharField()
        email = forms.EmailField()

    form = Form({"note": f"RTL{RLO}probe", "email": "a@example.org"})
    assert not form.is_valid()
    assert "U+202E" in form.errors["note"][0]
    assert validate_visible_text in forms.CharField().validators
