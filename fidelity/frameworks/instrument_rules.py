"""The rules an instrument file meets whatever its format, in one place for every reader (the
XLSX workbook, the FHIR Questionnaire). Each function returns what is wrong in plain words, or
None; the reader adds where it is (a sheet and row, or a JSON path).

The longest texts are the models' own field lengths, so a file that passes saves without error.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from decimal import Decimal

from common.text import invisible_character_problem
from fidelity.frameworks.instrument import (
    MAX_BANDS,
    MAX_FILE_BYTES,
    MAX_INDICATORS,
    MAX_SCALE_LEVELS,
    MAX_SCALE_VALUE,
    MAX_SECTIONS,
)
from fidelity.frameworks.models import (
    Band,
    Framework,
    FrameworkVersion,
    Indicator,
    Principle,
    ScaleLevel,
)

_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
# (model, field) whose max_length limits each kind of text an instrument holds.
_FIELDS = {
    "name": (Framework, "name"),
    "section word": (FrameworkVersion, "section_word"),
    "section word (plural)": (FrameworkVersion, "section_word_plural"),
    "report title": (FrameworkVersion, "report_title"),
    "section code": (Principle, "code"),
    "section title": (Principle, "title"),
    "indicator code": (Indicator, "code"),
    "indicator text": (Indicator, "text"),
    "plain words": (Indicator, "plain_text"),
    "scale label": (ScaleLevel, "label"),
    "band name": (Band, "name"),
    "band slug": (Band, "slug"),
}


def text_problem(value: str, *, kind: str, what: str | None = None) -> str | None:
    """An invisible format character (the rule every text field has, `common.text`) or text
    too long for its field. `kind` is a key of the table above; `what` names it in the message
    (default: `kind`)."""
    if invisible := invisible_character_problem(value):
        return f"the {what or kind}: {invisible[0].lower()}{invisible[1:]}"
    model, field = _FIELDS[kind]
    limit = model._meta.get_field(field).max_length
    if len(value) > limit:
        return f"the {what or kind} is {len(value)} characters; at most {limit}."
    return None


def file_size_problem(size: int) -> str | None:
    """Checked on the file's length before anything parses it. Files are read only a little
    past the limit (`instrument_files.read_bounded`), so the message does not claim a size."""
    if size > MAX_FILE_BYTES:
        return f"the file is more than {MAX_FILE_BYTES // (1024 * 1024)} MB, the limit."
    return None


def section_count_problem(count: int) -> str | None:
    if count == 0:
        return "there are no sections."
    if count > MAX_SECTIONS:
        return f"there are {count:,} sections; at most {MAX_SECTIONS:,}."
    return None


def indicator_count_problem(count: int) -> str | None:
    if count > MAX_INDICATORS:
        return f"there are {count:,} indicators; a framework has at most {MAX_INDICATORS:,}."
    return None


def scale_value_problem(value: int | None, *, shown: str) -> str | None:
    """One level's value, `shown` as the file has it."""
    if value is None or not 0 <= value <= MAX_SCALE_VALUE:
        return f"the value “{shown}” is not a whole number from 0 to {MAX_SCALE_VALUE}."
    return None


def scale_problem(values: Sequence[int]) -> str | None:
    """The scale's values (distinct, whole, 0 or more) as a whole: 2 to MAX_SCALE_LEVELS levels
    with no gap, since a score is read as a place on one even ladder."""
    values = sorted(values)
    if len(values) < 2:
        return "a scale needs at least two levels."
    if len(values) > MAX_SCALE_LEVELS:
        return f"there are {len(values)} levels; at most {MAX_SCALE_LEVELS}."
    gaps = sorted(set(range(values[0], values[-1] + 1)) - set(values))
    if gaps:
        missing = ", ".join(str(v) for v in gaps)
        return f"the scale has a gap: {missing} missing between {values[0]} and {values[-1]}."
    return None


def slug_problem(slug: str) -> str | None:
    if not _SLUG.match(slug):
        return "the slug must be letters, digits, hyphens or underscores."
    return None


def band_minimum_problem(minimum: Decimal | None) -> str | None:
    if minimum is None or not 0 <= minimum < 100 or minimum != minimum.quantize(Decimal("0.01")):
        return "the minimum must be a number from 0 to 99.99, at most 2 decimal places."
    return None


def bands_problem(minimums: Sequence[Decimal], *, lowest_score: int | None) -> str | None:
    """The bands as a whole: at least one, at most MAX_BANDS, and every score in one."""
    if not minimums:
        return "there are no bands."
    if len(minimums) > MAX_BANDS:
        return f"there are {len(minimums)} bands; at most {MAX_BANDS}."
    if lowest_score is not None and min(minimums) > lowest_score:
        return (
            f"no band starts at or below the lowest score ({lowest_score}), so some scores "
            "would have no band."
        )
    return None


def caseload_target_problem(target: Decimal | None, *, label: str) -> str | None:
    if target is None or not 0 < target < 1000:
        return f"“{label}” must be a number above 0 and below 1,000."
    return None
