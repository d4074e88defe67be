"""A framework version as an XLSX workbook an administrator can edit, and reading one back.

Sheets: Framework (one row per setting: name, description, version notes, the words for a
section, report title, caseload target), Sections, Indicators, Scale and Bands, each with a
header row. `instrument_xlsx` writes an `Instrument`; `read_instrument_xlsx` reads one back and
raises `InstrumentFileError` listing every problem by sheet and row. Nothing is saved here:
`services.framework_import` does that. The file safety rules (size, not a workbook, formulas,
formula-like text) are `spreadsheets.reading.open_workbook`'s and `common.downloads`' own.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.utils.cell import coordinate_from_string

from common.downloads import Table, text_as_typed, xlsx_bytes
from common.text import invisible_character_problem
from fidelity.frameworks.instrument import (
    MAX_BANDS,
    MAX_FILE_BYTES,
    MAX_INDICATORS,
    MAX_SCALE_LEVELS,
    MAX_SECTIONS,
    FileProblem,
    Instrument,
    InstrumentBand,
    InstrumentFileError,
    InstrumentIndicator,
    InstrumentSection,
)
from fidelity.frameworks.models import (
    Band,
    Framework,
    FrameworkVersion,
    Indicator,
    Principle,
    ScaleLevel,
)
from fidelity.spreadsheets.reading import Book, SpreadsheetError, open_workbook

FRAMEWORK, SECTIONS, INDICATORS, SCALE, BANDS = (
    "Framework",
    "Sections",
    "Indicators",
    "Scale",
    "Bands",
)
# (label in column A of the Framework sheet, Instrument field, required)
SETTINGS = (
    ("Name", "name", True),
    ("Description", "description", False),
    ("Version notes", "notes", False),
    ("Section word", "section_word", True),
    ("Section word (plural)", "section_word_plural", True),
    ("Report title", "report_title", True),
    ("Caseload target per FTE", "caseload_target_per_fte", True),
)
# Each sheet's columns; a missing required one refuses the file, optional ones may be left out.
COLUMNS = {
    SECTIONS: (("Code", True), ("Title", True), ("Description", False), ("Order", False)),
    INDICATORS: (
        ("Section", True),
        ("Code", True),
        ("Text", True),
        ("Plain words", False),
        ("Guidance", False),
        ("Order", False),
    ),
    SCALE: (("Value", True), ("Label", True)),
    BANDS: (("Name", True), ("Slug", True), ("Minimum", True)),
}
# Room for blank or stray rows beyond the largest allowed sheet; more is refused unread.
_MAX_ROWS = MAX_INDICATORS + 101
_MAX_COLUMNS = 20
_SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


# --- Writing -----------------------------------------------------------------------------------


def instrument_xlsx(instrument: Instrument) -> bytes:
    settings = [(label, getattr(instrument, name)) for label, name, _ in SETTINGS]
    sections, indicators = [], []
    for position, section in enumerate(instrument.sections, start=1):
        sections.append((section.code, section.title, section.description, position))
        for order, i in enumerate(section.indicators, start=1):
            indicators.append((section.code, i.code, i.text, i.plain_text, i.guidance, order))
    return xlsx_bytes(
        [
            Table(FRAMEWORK, ("Field", "Value"), settings),
            Table(SECTIONS, [c for c, _ in COLUMNS[SECTIONS]], sections),
            Table(INDICATORS, [c for c, _ in COLUMNS[INDICATORS]], indicators),
            Table(SCALE, [c for c, _ in COLUMNS[SCALE]], instrument.scale),
            Table(
                BANDS,
                [c for c, _ in COLUMNS[BANDS]],
                [(b.name, b.slug, b.minimum) for b in instrument.bands],
            ),
        ]
    )


# --- Reading -----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Exports write formula-like text with a leading ' (safe_text); read it back as typed.
    return text_as_typed(str(value).strip())


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _whole(value: Any) -> int | None:
    number = _number(value)
    if number is None or number != number.to_integral_value():
        return None
    return int(number)


class _Reader:
    """Collects problems while reading, so one pass reports everything wrong."""

    def __init__(self) -> None:
        self.problems: list[FileProblem] = []

    def problem(self, sheet: str, row: int | None, message: str) -> None:
        self.problems.append(FileProblem(sheet, row, message))

    def text(self, sheet: str, row: int, value: str, what: str, max_length: int) -> str:
        invisible = invisible_character_problem(value)
        if invisible:
            self.problem(sheet, row, f"the {what}: {invisible[0].lower()}{invisible[1:]}")
        if len(value) > max_length:
            self.problem(
                sheet, row, f"the {what} is {len(value)} characters; at most {max_length}."
            )
        return value

    def rows(self, workbook: Book, sheet: str) -> Iterator[tuple[int, dict[str, Any]]]:
        """(row number, {column: value}) for each row with anything in it, below the header."""
        lines = iter(workbook[sheet].rows)
        header = [_text(v).lower() for v in next(lines, ())]
        positions = {}
        for name, required in COLUMNS[sheet]:
            if name.lower() in header:
                positions[name] = header.index(name.lower())
            elif required:
                self.problem(sheet, 1, f"there is no “{name}” column.")
        if any(required and name not in positions for name, required in COLUMNS[sheet]):
            return
        for number, line in enumerate(lines, start=2):
            if all(v is None or _text(v) == "" for v in line):
                continue
            yield (
                number,
                {name: (line[i] if i < len(line) else None) for name, i in positions.items()},
            )


def read_instrument_xlsx(data: bytes) -> Instrument:
    """The instrument a framework workbook describes; InstrumentFileError if anything is wrong."""
    try:
        workbook = open_workbook(
            data,
            max_file_bytes=MAX_FILE_BYTES,
            max_rows=_MAX_ROWS,
            max_columns=_MAX_COLUMNS,
            kind="a framework workbook",
            not_xlsx_hint="Export a framework to see the layout, and save the file as .xlsx.",
        )
    except SpreadsheetError as error:
        raise InstrumentFileError(
            [
                FileProblem(
                    p.sheet, coordinate_from_string(p.cell)[1] if p.cell else None, p.message
                )
                for p in error.problems
            ]
        ) from None
    reader = _Reader()
    missing = [s for s in (FRAMEWORK, SECTIONS, INDICATORS, SCALE, BANDS) if s not in workbook]
    if missing:
        raise InstrumentFileError(
            [FileProblem(s, None, "there is no sheet with this name.") for s in missing]
        )
    settings = _read_settings(reader, workbook)
    sections = _read_sections(reader, workbook)
    scale = _read_scale(reader, workbook)
    bands = _read_bands(reader, workbook, scale)
    if reader.problems:
        raise InstrumentFileError(reader.problems)
    return Instrument(sections=sections, scale=scale, bands=bands, **settings)


def _read_settings(reader: _Reader, workbook: Book) -> dict[str, Any]:
    values: dict[str, tuple[int, Any]] = {}
    for number, line in enumerate(workbook[FRAMEWORK].rows, start=1):
        if line and _text(line[0]):
            values[_text(line[0]).lower()] = (number, line[1] if len(line) > 1 else None)
    settings: dict[str, Any] = {}
    for label, name, required in SETTINGS:
        row, value = values.get(label.lower(), (None, None))
        if name == "caseload_target_per_fte":
            target = _number(value)
            if target is None or not 0 < target < 1000:
                reader.problem(
                    FRAMEWORK, row, f"“{label}” must be a number above 0 and below 1,000."
                )
            else:
                settings[name] = target.quantize(Decimal("0.1"))
            continue
        text = _text(value)
        if required and not text:
            reader.problem(FRAMEWORK, row, f"“{label}” is empty or missing.")
        model = Framework if name in ("name", "description") else FrameworkVersion
        if name not in ("description", "notes"):
            text = reader.text(FRAMEWORK, row or 0, text, label.lower(), _max_length(model, name))
        settings[name] = text
    return settings


def _ordered(items: Sequence[tuple[int | None, int, Any]]) -> list[Any]:
    """Items by their Order column, rows without one after those with it, then by row."""
    return [item for *_, item in sorted(items, key=lambda t: (t[0] is None, t[0] or 0, t[1]))]


def _order(reader: _Reader, sheet: str, number: int, value: Any) -> int | None:
    if value is None or _text(value) == "":
        return None
    order = _whole(value)
    if order is None:
        reader.problem(sheet, number, f"the order “{_text(value)}” is not a whole number.")
    return order


def _read_sections(reader: _Reader, workbook: Book) -> tuple[InstrumentSection, ...]:
    sections: dict[str, dict[str, Any]] = {}
    for number, line in reader.rows(workbook, SECTIONS):
        code = reader.text(
            SECTIONS, number, _text(line["Code"]), "code", _max_length(Principle, "code")
        )
        title = _text(line["Title"])
        if not code:
            reader.problem(SECTIONS, number, "the section has no code.")
        elif code in sections:
            reader.problem(SECTIONS, number, f"the code {code} is used twice.")
        if not title:
            reader.problem(SECTIONS, number, "the section has no title.")
        reader.text(SECTIONS, number, title, "title", _max_length(Principle, "title"))
        if code and code not in sections:
            sections[code] = {
                "row": number,
                "order": _order(reader, SECTIONS, number, line.get("Order")),
                "title": title,
                "description": _text(line.get("Description")),
                "indicators": [],
            }
    if not sections:
        reader.problem(SECTIONS, None, "there are no sections.")
    elif len(sections) > MAX_SECTIONS:
        reader.problem(
            SECTIONS, None, f"there are {len(sections):,} sections; at most {MAX_SECTIONS:,}."
        )

    codes: Counter[str] = Counter()
    count = 0
    for number, line in reader.rows(workbook, INDICATORS):
        count += 1
        section_code = _text(line["Section"])
        code = reader.text(
            INDICATORS, number, _text(line["Code"]), "code", _max_length(Indicator, "code")
        )
        text = reader.text(
            INDICATORS, number, _text(line["Text"]), "text", _max_length(Indicator, "text")
        )
        plain = reader.text(
            INDICATORS,
            number,
            _text(line.get("Plain words")),
            "plain words",
            _max_length(Indicator, "plain_text"),
        )
        if not section_code:
            reader.problem(INDICATORS, number, "the indicator has no section.")
        elif section_code not in sections:
            reader.problem(
                INDICATORS, number, f"there is no section {section_code} on the Sections sheet."
            )
        if not code:
            reader.problem(INDICATORS, number, "the indicator has no code.")
        else:
            codes[code] += 1
            if codes[code] == 2:
                reader.problem(INDICATORS, number, f"the code {code} is used twice.")
        if not text:
            reader.problem(INDICATORS, number, "the indicator has no text.")
        order = _order(reader, INDICATORS, number, line.get("Order"))
        if section_code in sections:
            indicator = InstrumentIndicator(
                code=code, text=text, plain_text=plain, guidance=_text(line.get("Guidance"))
            )
            sections[section_code]["indicators"].append((order, number, indicator))
    if count > MAX_INDICATORS:
        reader.problem(
            INDICATORS,
            None,
            f"there are {count:,} indicators; a framework has at most {MAX_INDICATORS:,}.",
        )
    for code, section in sections.items():
        if not section["indicators"]:
            reader.problem(SECTIONS, section["row"], f"the section {code} has no indicators.")
    return tuple(
        _ordered(
            [
                (
                    s["order"],
                    s["row"],
                    InstrumentSection(
                        code=code,
                        title=s["title"],
                        description=s["description"],
                        indicators=tuple(_ordered(s["indicators"])),
                    ),
                )
                for code, s in sections.items()
            ]
        )
    )


def _read_scale(reader: _Reader, workbook: Book) -> tuple[tuple[int, str], ...]:
    levels: dict[int, str] = {}
    for number, line in reader.rows(workbook, SCALE):
        value = _whole(line["Value"])
        label = reader.text(
            SCALE, number, _text(line["Label"]), "label", _max_length(ScaleLevel, "label")
        )
        if value is None or value < 0:
            reader.problem(
                SCALE,
                number,
                f"the value “{_text(line['Value'])}” is not a whole number of 0 or more.",
            )
        elif value in levels:
            reader.problem(SCALE, number, f"the value {value} is used twice.")
        else:
            levels[value] = label
        if not label:
            reader.problem(SCALE, number, "the level has no label.")
    values = sorted(levels)
    if len(values) < 2:
        reader.problem(SCALE, None, "a scale needs at least two levels.")
    elif len(values) > MAX_SCALE_LEVELS:
        reader.problem(SCALE, None, f"there are {len(values)} levels; at most {MAX_SCALE_LEVELS}.")
    else:
        gaps = sorted(set(range(values[0], values[-1] + 1)) - set(values))
        if gaps:
            missing = ", ".join(str(v) for v in gaps)
            reader.problem(
                SCALE,
                None,
                f"the scale has a gap: {missing} missing between {values[0]} and {values[-1]}.",
            )
    return tuple((v, levels[v]) for v in values)


def _read_bands(
    reader: _Reader, workbook: Book, scale: tuple[tuple[int, str], ...]
) -> tuple[InstrumentBand, ...]:
    bands: list[InstrumentBand] = []
    slugs: set[str] = set()
    for number, line in reader.rows(workbook, BANDS):
        name = reader.text(BANDS, number, _text(line["Name"]), "name", _max_length(Band, "name"))
        slug = reader.text(BANDS, number, _text(line["Slug"]), "slug", _max_length(Band, "slug"))
        minimum = _number(line["Minimum"])
        if not name:
            reader.problem(BANDS, number, "the band has no name.")
        if not _SLUG.match(slug):
            reader.problem(
                BANDS, number, "the slug must be letters, digits, hyphens or underscores."
            )
        elif slug in slugs:
            reader.problem(BANDS, number, f"the slug {slug} is used twice.")
        slugs.add(slug)
        if (
            minimum is None
            or not 0 <= minimum < 100
            or minimum != minimum.quantize(Decimal("0.01"))
        ):
            reader.problem(
                BANDS,
                number,
                "the minimum must be a number from 0 to 99.99, at most 2 decimal places.",
            )
        else:
            bands.append(InstrumentBand(name=name, slug=slug, minimum=minimum))
    if not bands and not any(p.sheet == BANDS for p in reader.problems):
        reader.problem(BANDS, None, "there are no bands.")
    elif len(bands) > MAX_BANDS:
        reader.problem(BANDS, None, f"there are {len(bands)} bands; at most {MAX_BANDS}.")
    elif bands and scale and min(b.minimum for b in bands) > scale[0][0]:
        reader.problem(
            BANDS,
            None,
            f"no band starts at or below the lowest score ({scale[0][0]}), so some scores "
            "would have no band.",
        )
    return tuple(sorted(bands, key=lambda b: b.minimum, reverse=True))
