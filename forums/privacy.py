"""Does this text look as if it holds identifying details of a person supported?

Forum notes are shared across the partnership, so they must never hold contact details or
identifiers of the people supported. These patterns catch the common ones; a match is a prompt
for the facilitator to edit or to confirm, never a silent block or a silent save.
Pure functions, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_MONTHS = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)

# (kind, label, compiled pattern), checked in this order; earlier kinds win overlaps.
PATTERNS: list[tuple[str, str, re.Pattern[str]]] = [
    (
        "email",
        "email address",
        re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),
    ),
    (
        "ni_number",
        "National Insurance number",
        re.compile(
            r"\b(?!BG|GB|NK|KN|TN|NT|ZZ)[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z]"
            r"\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b",
            re.IGNORECASE,
        ),
    ),
    (
        "phone",
        "phone number",
        re.compile(r"(?<![\w.])(?:\+44\s?\(?0?\)?\s?|\(?0)(?:\d[\s-]?){9,10}\d?(?!\w)"),
    ),
    (
        "postcode",
        "postcode",
        re.compile(
            r"\b(?:GIR\s?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-Z\d]?\s?\d[ABD-HJLNP-UW-Z]{2})\b",
            re.IGNORECASE,
        ),
    ),
    (
        "date_of_birth",
        "date of birth",
        re.compile(
            r"\b(?:d\.?o\.?b\.?|date of birth|born)\b[:\s]*(?:on\s+)?"
            r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{1,2}(?:st|nd|rd|th)?\s+"
            + _MONTHS
            + r"\s+\d{4})"
            # A bare full date is only taken for a birth date when its year is one an adult
            # was born in; meeting and due dates are recent.
            r"|\b\d{1,2}[/.\-]\d{1,2}[/.\-](?:19\d{2}|200\d)\b",
            re.IGNORECASE,
        ),
    ),
]


@dataclass(frozen=True)
class Finding:
    kind: str
    label: str
    start: int
    end: int
    text: str


def find_identifiers(text: str) -> list[Finding]:
    """Every stretch of `text` that looks like a personal identifier, in reading order."""
    if not text:
        return []
    found: list[Finding] = []
    for kind, label, pattern in PATTERNS:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < f.end and f.start < end for f in found):
                continue
            found.append(Finding(kind, label, start, end, match.group().strip()))
    return sorted(found, key=lambda f: f.start)


def kinds_found(text: str) -> list[str]:
    return [f.kind for f in find_identifiers(text)]


def highlight(text: str) -> SafeString:
    """The text, escaped, with each finding wrapped in <mark> (and named for screen readers)."""
    parts: list[str] = []
    position = 0
    for finding in find_identifiers(text):
        parts.append(escape(text[position : finding.start]))
        parts.append(
            f'<mark class="privacy-hit">{escape(text[finding.start : finding.end])}'
            f'<span class="visually-hidden"> (possible {escape(finding.label)})</span></mark>'
        )
        position = finding.end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))  # noqa: S308 (every piece escaped above)
