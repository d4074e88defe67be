"""Text hygiene: invisible format characters are refused wherever people type free text.

Bidirectional controls (U+202A-U+202E embeddings and overrides, U+2066-U+2069 isolates, the
marks U+200E, U+200F and U+061C) make text display in another order than it was typed: a
file name typed as `RTL<U+202E>probe gnp.exe` shows as `RTLexe.png eborp` on pages, in PDFs and
in CSV. They are refused with the other invisible format characters (Unicode category Cf: zero
width space, soft hyphen, byte order mark, tag characters...), which hide text or split words
where nobody can see. Refusing, rather than removing, keeps what is stored exactly what the
person saw and confirmed. Three kinds stay allowed because ordinary writing needs them: the
zero width joiner U+200D (emoji sequences such as 👩‍⚕️), the zero width non-joiner U+200C
(Persian and Indian scripts) and the tag characters of a flag emoji (🏴 England, Scotland,
Wales). The marks U+200E and U+200F are refused too: the pages and PDFs lay out each paragraph
by the Unicode bidirectional algorithm, so typed Arabic, Hebrew or Urdu reads correctly without
them.

`validate_visible_text` is every form CharField's validator (installed once by
`common.apps.CommonConfig`, so admin, formsets and every app's forms get it); spreadsheet
imports use `invisible_character_problem` to name the cell.
"""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError

_ALLOWED = frozenset("\u200c\u200d")
_FLAG_TAGS = re.compile("\U0001f3f4[\U000e0020-\U000e007e]+\U000e007f")


def _name(character: str) -> str:
    return unicodedata.name(character, "format character").lower()


def invisible_character_problem(text: str) -> str | None:
    """What is wrong with `text`, in words, if it holds an invisible format character."""
    if text.isascii():
        return None
    # A flag's tags are replaced by a visible stand-in of the same length, keeping positions.
    text = _FLAG_TAGS.sub(lambda match: "x" * len(match.group()), text)
    for position, character in enumerate(text, start=1):
        if unicodedata.category(character) == "Cf" and character not in _ALLOWED:
            return (
                f"This text holds an invisible character (U+{ord(character):04X}, "
                f"{_name(character)}) at character {position}. Remove it: such characters can "
                "make text show in a different order from how it was typed, or hide words. "
                "Retyping the text around it removes it."
            )
    return None


def validate_visible_text(value: str) -> None:
    problem = invisible_character_problem(value) if isinstance(value, str) else None
    if problem:
        raise ValidationError(problem, code="invisible_character")
