"""A framework version as an XLSX workbook an administrator can edit, and reading one back.

Sheets: Framework (one row per setting: name, description, version notes, the words for a
section, report title, caseload target, the previous version), Sections, Indicators, Scale and Bands, each with a
header row. `instrument_xlsx` writes an `Instrument`; `read_instrument_xlsx` reads one back and
raises `InstrumentFileError` listing every problem by sheet and row. What an instrument may
hold (lengths, counts, the scale, the bands) is `instrument_rules`', shared with the FHIR reader.
Nothing is saved here: `services.framework_import` does that. The file safety rules (size, not a
workbook, formulas, formula-like text) are `spreadsheets.reading.open_workbook`'s and
`common.downloads`' own. The crosswalk to the previous version is optional: "Continues" on
Sections (the old section's code), "Change" and "Continues" on Indicators (same, reworded,
split, merged or new, and the old codes, separated by commas), and a "Previous version" setting;
a file without them imports as a version with no crosswalk, whose figures follow the codes.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl.utils.cell import coordinate_from_string

from common.downloads import Table, text_as_typed, xlsx_bytes
from fidelity.frameworks import crosswalk
from fidelity.frameworks import instrument_rules as rules
from fidelity.frameworks.instrument import (
    MAX_FILE_BYTES,
    MAX_INDICATORS,
    FileProblem,
    Instrument,
    InstrumentBand,
    InstrumentFileError,
    InstrumentIndicator,
    InstrumentSection,
)
from fidelity.frameworks.selectors import version_codes, version_continued
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
    ("Previous version", "previous_version", False),
)
# Each sheet's columns; a missing required one refuses the file, optional ones may be left out.
COLUMNS = {
    SECTIONS: (
        ("Code", True),
        ("Title", True),
        ("Description", False),
        ("Order", False),
        ("Continues", False),
    ),
    INDICATORS: (
        ("Section", True),
        ("Code", True),
        ("Text", True),
        ("Plain words", False),
        ("Guidance", False),
        ("Order", False),
        ("Change", False),
        ("Continues", False),
    ),
    SCALE: (("Value", True), ("Label", True)),
    BANDS: (("Name", True), ("Slug", True), ("Minimum", True)),
}
# Room for blank or stray rows beyond the largest allowed sheet; more is refused unread.
_MAX_ROWS = MAX_INDICATORS + 101
_MAX_COLUMNS = 20
# The Change column takes the kind or its label ("Split from"), in any case.
_CHANGES = {
    **{key: key for key, _ in crosswalk.CHANGES},
    **{label.lower(): key for key, label in crosswalk.CHANGES},
}


# --- Writing -----------------------------------------------------------------------------------


def instrument_xlsx(instrument: Instrument) -> bytes:
    settings = [(label, getattr(instrument, name)) for label, name, _ in SETTINGS]
    sections, indicators = [], []
    for position, section in enumerate(instrument.sections, start=1):
        sections.append(
            (section.code, section.title, section.description, position, section.continues)
        )
        for order, i in enumerate(section.indicators, start=1):
            indicators.append(
                (
                    section.code,
                    i.code,
                    i.text,
                    i.plain_text,
                    i.guidance,
                    order,
                    i.change,
                    ", ".join(i.continues),
                )
            )
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

    def text(self, sheet: str, row: int, value: str, kind: str, what: str | None = None) -> str:
        if problem := rules.text_problem(value, kind=kind, what=what):
            self.problem(sheet, row, problem)
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
    sections = _read_sections(reader, workbook, _previous(reader, workbook, settings))
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
        if name == "previous_version":
            number = _whole(value) if _text(value) else None
            if _text(value) and (number is None or number < 1):
                reader.problem(FRAMEWORK, row, f"“{label}” must be a version number, like 1.")
                number = None
            settings[name] = number
            continue
        if name == "caseload_target_per_fte":
            target = _number(value)
            if problem := rules.caseload_target_problem(target, label=label):
                reader.problem(FRAMEWORK, row, problem)
            else:
                settings[name] = target.quantize(Decimal("0.1"))
            continue
        text = _text(value)
        if required and not text:
            reader.problem(FRAMEWORK, row, f"“{label}” is empty or missing.")
        if name not in ("description", "notes"):
            text = reader.text(FRAMEWORK, row or 0, text, label.lower())
        settings[name] = text
    return settings


@dataclass(frozen=True)
class _Previous:
    """The version the file continues, as the crosswalk checks need it."""

    label: str
    sections: frozenset[str]
    indicators: frozenset[str] | None  # None: there is no version to continue
    missing: bool = False  # the file names one that is not here (said once, on its row)


_NO_PREVIOUS = _Previous(label="", sections=frozenset(), indicators=None)


def _previous(reader: _Reader, workbook: Book, settings: dict[str, Any]) -> _Previous:
    name, number = settings.get("name"), settings.get("previous_version")
    if not name or number is None:
        return _NO_PREVIOUS
    version = version_continued(name=name, number=number)
    if version is None:
        row = next(
            n
            for n, line in enumerate(workbook[FRAMEWORK].rows, 1)
            if line and _text(line[0]).lower() == "previous version"
        )
        reader.problem(
            FRAMEWORK,
            row,
            f"there is no version {number} of {name} here to continue; clear "
            "“Previous version” and the Continues columns to import it without a crosswalk.",
        )
        return _Previous(label="", sections=frozenset(), indicators=None, missing=True)
    sections, indicators = version_codes(version=version)
    return _Previous(
        label=str(version),
        sections=frozenset(sections),
        indicators=frozenset(indicators),
    )


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


def _section_continues(reader: _Reader, number: int, value: Any, previous: _Previous) -> str | None:
    """The old section a section continues: blank is none when the file names its previous
    version; without one there is no crosswalk (None)."""
    code = _text(value)
    if not code:
        return "" if previous.indicators is not None else None
    if previous.missing:
        return code
    if previous.indicators is None:
        reader.problem(
            SECTIONS, number, "it continues a section, but there is no previous version."
        )
    elif code not in previous.sections:
        reader.problem(SECTIONS, number, f"there is no section {code} in {previous.label}.")
    return code


def _read_sections(
    reader: _Reader, workbook: Book, previous: _Previous
) -> tuple[InstrumentSection, ...]:
    sections: dict[str, dict[str, Any]] = {}
    for number, line in reader.rows(workbook, SECTIONS):
        code = reader.text(SECTIONS, number, _text(line["Code"]), "section code", "code")
        title = _text(line["Title"])
        if not code:
            reader.problem(SECTIONS, number, "the section has no code.")
        elif code in sections:
            reader.problem(SECTIONS, number, f"the code {code} is used twice.")
        if not title:
            reader.problem(SECTIONS, number, "the section has no title.")
        reader.text(SECTIONS, number, title, "section title", "title")
        if code and code not in sections:
            sections[code] = {
                "row": number,
                "order": _order(reader, SECTIONS, number, line.get("Order")),
                "title": title,
                "description": _text(line.get("Description")),
                "continues": _section_continues(reader, number, line.get("Continues"), previous),
                "indicators": [],
            }
    if problem := rules.section_count_problem(len(sections)):
        reader.problem(SECTIONS, None, problem)
    for n, message in crosswalk.section_problems(
        [(code, s["continues"]) for code, s in sections.items()]
    ):
        reader.problem(SECTIONS, list(sections.values())[n]["row"], message)

    codes: Counter[str] = Counter()
    count = 0
    links: list[tuple[int, crosswalk.Link]] = []
    for number, line in reader.rows(workbook, INDICATORS):
        count += 1
        section_code = _text(line["Section"])
        code = reader.text(INDICATORS, number, _text(line["Code"]), "indicator code", "code")
        text = reader.text(INDICATORS, number, _text(line["Text"]), "indicator text", "text")
        plain = reader.text(INDICATORS, number, _text(line.get("Plain words")), "plain words")
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
        link = _link(reader, number, code, line)
        links.append((number, link))
        if section_code in sections:
            indicator = InstrumentIndicator(
                code=code,
                text=text,
                plain_text=plain,
                guidance=_text(line.get("Guidance")),
                change=link.change,
                continues=link.continues,
            )
            sections[section_code]["indicators"].append((order, number, indicator))
    if problem := rules.indicator_count_problem(count):
        reader.problem(INDICATORS, None, problem)
    problems = crosswalk.link_problems(
        [link for _, link in links], old_codes=previous.indicators, previous=previous.label
    )
    for n, message in [] if previous.missing else problems:
        reader.problem(INDICATORS, links[n][0], message)
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
                        continues=s["continues"],
                    ),
                )
                for code, s in sections.items()
            ]
        )
    )


def _link(reader: _Reader, number: int, code: str, line: dict[str, Any]) -> crosswalk.Link:
    change_text = _text(line.get("Change"))
    change = _CHANGES.get(change_text.lower(), crosswalk.NEW) if change_text else crosswalk.NEW
    if change_text and change_text.lower() not in _CHANGES:
        kinds = ", ".join(key for key, _ in crosswalk.CHANGES)
        reader.problem(INDICATORS, number, f"the change “{change_text}” is not one of {kinds}.")
    continues = tuple(c for c in (p.strip() for p in _text(line.get("Continues")).split(",")) if c)
    return crosswalk.Link(code=code, change=change, continues=continues)


def _read_scale(reader: _Reader, workbook: Book) -> tuple[tuple[int, str], ...]:
    levels: dict[int, str] = {}
    for number, line in reader.rows(workbook, SCALE):
        value = _whole(line["Value"])
        label = reader.text(SCALE, number, _text(line["Label"]), "scale label", "label")
        if problem := rules.scale_value_problem(value, shown=_text(line["Value"])):
            reader.problem(SCALE, number, problem)
        elif value in levels:
            reader.problem(SCALE, number, f"the value {value} is used twice.")
        else:
            levels[value] = label
        if not label:
            reader.problem(SCALE, number, "the level has no label.")
    values = sorted(levels)
    if problem := rules.scale_problem(values):
        reader.problem(SCALE, None, problem)
    return tuple((v, levels[v]) for v in values)


def _read_bands(
    reader: _Reader, workbook: Book, scale: tuple[tuple[int, str], ...]
) -> tuple[InstrumentBand, ...]:
    bands: list[InstrumentBand] = []
    slugs: set[str] = set()
    for number, line in reader.rows(workbook, BANDS):
        name = reader.text(BANDS, number, _text(line["Name"]), "band name", "name")
        slug = reader.text(BANDS, number, _text(line["Slug"]), "band slug", "slug")
        minimum = _number(line["Minimum"])
        if not name:
            reader.problem(BANDS, number, "the band has no name.")
        if problem := rules.slug_problem(slug):
            reader.problem(BANDS, number, problem)
        elif slug in slugs:
            reader.problem(BANDS, number, f"the slug {slug} is used twice.")
        slugs.add(slug)
        if problem := rules.band_minimum_problem(minimum):
            reader.problem(BANDS, number, problem)
        else:
            bands.append(InstrumentBand(name=name, slug=slug, minimum=minimum))
    if bands or not any(p.sheet == BANDS for p in reader.problems):
        problem = rules.bands_problem(
            [b.minimum for b in bands], lowest_score=scale[0][0] if scale else None
        )
        if problem:
            reader.problem(BANDS, None, problem)
    return tuple(sorted(bands, key=lambda b: b.minimum, reverse=True))
