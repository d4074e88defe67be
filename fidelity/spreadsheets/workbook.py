"""Returns as spreadsheets: the XLSX template a team fills in offline, and reading it back.

Pure: no ORM. The caller describes the return with a `TemplateSpec` (built from the database by
`spreadsheets.selectors.template_spec`), and gets back plain values plus a list of `CellProblem`s
that name the sheet, the cell and what is wrong in plain words. Nothing is saved here.

The workbook has three sheets: "Scores" (one row per indicator: code, indicator, score from a
drop-down, reason if not assessed, evidence), "Caseload" (one row per figure) and a protected
"About" sheet holding the machine-readable ids (template marker, team id, quarter, framework
version, indicator codes, figure names) that tell us which team, quarter and framework a file
was made for, so a wrong template or another team's file is recognised.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.worksheet.datavalidation import DataValidation

from common.downloads import safe_text, text_as_typed
from common.text import invisible_character_problem
from fidelity.measures.validation import describe, value_error
from fidelity.spreadsheets.reading import Book, CellProblem, Sheet, SpreadsheetError

MARKER = "hf-qa-return-template"
TEMPLATE_FORMAT = "1"
NOT_ASSESSED = "Not assessed"
SCORES, CASELOAD, ABOUT = "Scores", "Caseload", "About"
HEADER_ROW = 5
MAX_EVIDENCE, MAX_REASON = 5000, 500


@dataclass(frozen=True)
class IndicatorSpec:
    id: int
    code: str
    text: str
    principle_code: str
    principle_title: str


@dataclass(frozen=True)
class TemplateSpec:
    """What one return's template holds: who, when, and the framework's questions."""

    team_id: int
    team_name: str
    quarter_slug: str
    quarter_label: str
    framework_version_id: int
    framework_label: str
    indicators: Sequence[IndicatorSpec]
    scale: Sequence[tuple[int, str]]
    figures: Sequence[tuple[str, str]]  # (field name or measure key, label)
    # The pilot's measures among `figures`, by key: read with `measures.validation`'s rules.
    measures: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class About:
    """The ids the About sheet says the file was made for."""

    team_id: int
    quarter_slug: str
    framework_version_id: int
    indicator_codes: tuple[str, ...]
    figure_names: tuple[str, ...]


@dataclass
class ParsedReturn:
    """A return read from a file: figures by field name (or measure key), scores by indicator
    id."""

    figures: dict[str, Any] = field(default_factory=dict)
    scores: dict[int, dict[str, Any]] = field(default_factory=dict)
    problems: list[CellProblem] = field(default_factory=list)


# --- Building the template ---------------------------------------------------------------------

_BOLD = Font(bold=True)
_INPUT = PatternFill("solid", fgColor="FFF7D6")
# Sheets are protected without a password: it stops accidental edits (moved rows, changed
# codes), not a determined person, which is why every file is checked again on upload.
_UNLOCKED = Protection(locked=False)


def _scale_text(scale: Sequence[tuple[int, str]]) -> str:
    return ", ".join(f"{value} {label.lower()}" for value, label in scale)


def _allowed_scores(scale: Sequence[tuple[int, str]]) -> str:
    values = [str(value) for value, _ in scale]
    joined = ", ".join(values[:-1]) + f" or {values[-1]}" if len(values) > 1 else values[0]
    return f"the score must be {joined}, or '{NOT_ASSESSED}' with a reason"


def build_template(
    spec: TemplateSpec,
    *,
    scores: Mapping[int, Mapping[str, Any]] | None = None,
    figures: Mapping[str, Any] | None = None,
) -> bytes:
    """The XLSX template for one team and quarter, filled in with `scores` and `figures` (the
    draft so far) when given."""
    scores = scores or {}
    figures = figures or {}
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SCORES
    sheet["A1"] = f"QA return: {spec.team_name}, {spec.quarter_label}"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = (
        f"Score each indicator in column C: {_scale_text(spec.scale)}; or choose "
        f"'{NOT_ASSESSED}' and say why in column D. Type values, not formulas."
    )
    sheet["A3"] = f"Framework: {spec.framework_label}. Fill in only the shaded cells."
    for column, title in zip(
        "ABCDE", ("Code", "Indicator", "Score", "Reason if not assessed", "Evidence"), strict=True
    ):
        sheet[f"{column}{HEADER_ROW}"] = title
        sheet[f"{column}{HEADER_ROW}"].font = _BOLD
    choices = ",".join([*(str(value) for value, _ in spec.scale), NOT_ASSESSED])
    dropdown = DataValidation(
        type="list",
        formula1=f'"{choices}"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Score",
        error=_sentence(_allowed_scores(spec.scale)),
        promptTitle="Score",
        prompt=f"{_scale_text(spec.scale)}, or {NOT_ASSESSED}",
    )
    sheet.add_data_validation(dropdown)
    row = HEADER_ROW
    principle = None
    for indicator in spec.indicators:
        if indicator.principle_code != principle:
            principle = indicator.principle_code
            row += 1
            sheet.cell(row, 1, indicator.principle_code).font = _BOLD
            sheet.cell(row, 2, safe_text(indicator.principle_title)).font = _BOLD
        row += 1
        saved = scores.get(indicator.id, {})
        score = NOT_ASSESSED if saved.get("not_assessed") else saved.get("score")
        sheet.cell(row, 1, indicator.code)
        sheet.cell(row, 2, safe_text(indicator.text)).alignment = Alignment(wrap_text=True)
        for column, value in (
            (3, score),
            (4, safe_text(saved.get("not_assessed_reason") or None)),
            (5, safe_text(saved.get("evidence") or None)),
        ):
            cell = sheet.cell(row, column, value)
            cell.protection = _UNLOCKED
            cell.fill = _INPUT
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        dropdown.add(f"C{row}")
    for column, width in zip("ABCDE", (8, 60, 16, 40, 60), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.protection.sheet = True

    caseload = workbook.create_sheet(CASELOAD)
    caseload["A1"] = f"Caseload figures: {spec.team_name}, {spec.quarter_label}"
    caseload["A1"].font = Font(bold=True, size=14)
    caseload["A2"] = "Whole numbers of 0 or more (staff as full-time equivalents, e.g. 2.5)."
    caseload[f"A{HEADER_ROW}"], caseload[f"B{HEADER_ROW}"] = "Figure", "Value"
    caseload[f"A{HEADER_ROW}"].font = caseload[f"B{HEADER_ROW}"].font = _BOLD
    for offset, (name, label) in enumerate(spec.figures, start=1):
        value = figures.get(name)
        caseload.cell(HEADER_ROW + offset, 1, safe_text(label))
        cell = caseload.cell(
            HEADER_ROW + offset, 2, float(value) if isinstance(value, Decimal) else value
        )
        cell.protection = _UNLOCKED
        cell.fill = _INPUT
        if name in spec.measures:
            caseload.cell(HEADER_ROW + offset, 3, safe_text(describe(spec.measures[name])))
    caseload.column_dimensions["A"].width = 45
    caseload.column_dimensions["B"].width = 14
    caseload.column_dimensions["C"].width = 60
    caseload.protection.sheet = True

    about = workbook.create_sheet(ABOUT)
    rows = [
        ("About this file", "Do not change this sheet: it tells the app which return this is."),
        ("Template", MARKER),
        ("Template format", TEMPLATE_FORMAT),
        ("Team", spec.team_name),
        ("Team id", str(spec.team_id)),
        ("Quarter", spec.quarter_label),
        ("Quarter id", spec.quarter_slug),
        ("Framework", spec.framework_label),
        ("Framework version id", str(spec.framework_version_id)),
        ("Indicator codes", ",".join(i.code for i in spec.indicators)),
        ("Figure names", ",".join(name for name, _ in spec.figures)),
    ]
    for row_number, (key, value) in enumerate(rows, start=1):
        about.cell(row_number, 1, key).font = _BOLD
        about.cell(row_number, 2, safe_text(value))
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 70
    about.protection.sheet = True
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _lower_first(text: str) -> str:
    return text[0].lower() + text[1:]


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:] + "."


def read_about(workbook: Book) -> About:
    """The ids the file was made for. Raises SpreadsheetError for a file that is not our
    template (or whose About sheet was changed)."""
    wrong = CellProblem(
        ABOUT,
        "",
        "this is not the QA return template (its About sheet is missing or changed). Download "
        "the template from the app and fill that in.",
    )
    if ABOUT not in workbook.sheetnames or SCORES not in workbook.sheetnames:
        raise SpreadsheetError([wrong])
    if CASELOAD not in workbook.sheetnames:
        raise SpreadsheetError([wrong])
    about = workbook[ABOUT]
    values = {
        str(about.value(r, 1) or "").strip(): str(about.value(r, 2) or "").strip()
        for r in range(1, min(about.max_row, 40) + 1)
    }
    if values.get("Template") != MARKER or values.get("Template format") != TEMPLATE_FORMAT:
        raise SpreadsheetError([wrong])
    try:
        return About(
            team_id=int(values["Team id"]),
            quarter_slug=values["Quarter id"],
            framework_version_id=int(values["Framework version id"]),
            indicator_codes=tuple(c for c in values["Indicator codes"].split(",") if c),
            figure_names=tuple(n for n in values["Figure names"].split(",") if n),
        )
    except (KeyError, ValueError):
        raise SpreadsheetError([wrong]) from None


def check_matches(about: About, spec: TemplateSpec) -> list[CellProblem]:
    """Problems when a file was made for another team, quarter or framework version."""
    problems = []
    if about.team_id != spec.team_id:
        problems.append(
            CellProblem(
                ABOUT,
                "B5",
                f"this file is another team's return, not {spec.team_name}'s. Download "
                f"{spec.team_name}'s template and fill that in.",
            )
        )
    if about.quarter_slug != spec.quarter_slug:
        problems.append(
            CellProblem(
                ABOUT,
                "B7",
                f"this file is for another quarter, not {spec.quarter_label}. Download the "
                f"{spec.quarter_label} template and fill that in.",
            )
        )
    codes = tuple(i.code for i in spec.indicators)
    figures = tuple(name for name, _ in spec.figures)
    if about.framework_version_id != spec.framework_version_id or about.indicator_codes != codes:
        problems.append(
            CellProblem(
                ABOUT,
                "B9",
                f"this file was made for a different version of the framework, not "
                f"{spec.framework_label}. Download the template again.",
            )
        )
    elif about.figure_names != figures:
        problems.append(
            CellProblem(
                ABOUT,
                "B11",
                "this file was made before the pilot's measures changed. Download the template "
                "again.",
            )
        )
    return problems


def _text(value: Any) -> str:
    if value is None:
        return ""
    # The template writes formula-like text with a leading ' (safe_text); read it back as typed.
    return text_as_typed(str(value).strip())


def _number(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return Decimal(str(value))
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def _score(value: Any, scale_values: set[int]) -> tuple[str, int | None] | None:
    """("score", n), ("not_assessed", None), ("blank", None) or None if not understood."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ("blank", None)
    if isinstance(value, str) and value.strip().lower() == NOT_ASSESSED.lower():
        return ("not_assessed", None)
    text = value.strip().split(" ", 1)[0] if isinstance(value, str) else value
    number = _number(text)
    if number is not None and number == number.to_integral_value() and int(number) in scale_values:
        return ("score", int(number))
    return None


def parse_return(workbook: Book, spec: TemplateSpec) -> ParsedReturn:
    """Reads the Scores and Caseload sheets cell by cell: each value must be one the return can
    hold. Blanks are allowed; whether the return is complete and consistent enough to submit is
    for `returns.services.return_submit_errors` (see `submit_problems`)."""
    parsed = ParsedReturn()
    problems = parsed.problems
    scale_values = {value for value, _ in spec.scale}
    by_code = {i.code: i for i in spec.indicators}
    principle_codes = {i.principle_code for i in spec.indicators}
    sheet = workbook[SCORES]
    cells: dict[int, int] = {}  # indicator id -> row
    for row in range(HEADER_ROW + 1, sheet.max_row + 1):
        code = _text(sheet.value(row, 1))
        if not code or code in principle_codes:
            continue
        indicator = by_code.get(code)
        if indicator is None or indicator.id in cells:
            problems.append(
                CellProblem(
                    SCORES,
                    f"A{row}",
                    f"'{code}' is not an indicator of this template. Do not change column A.",
                )
            )
            continue
        cells[indicator.id] = row
        raw_score = sheet.value(row, 3)
        reason = _text(sheet.value(row, 4))
        evidence = _text(sheet.value(row, 5))
        kind = _score(raw_score, scale_values)
        if kind is None:
            problems.append(CellProblem(SCORES, f"C{row}", _allowed_scores(spec.scale) + "."))
            continue
        what, score = kind
        if what == "not_assessed" and not reason:
            problems.append(
                CellProblem(
                    SCORES, f"D{row}", f"say why indicator {code} was not assessed this quarter."
                )
            )
        if what != "not_assessed" and reason:
            problems.append(
                CellProblem(
                    SCORES,
                    f"D{row}",
                    f"a reason is only for an indicator marked '{NOT_ASSESSED}'. Clear it, or "
                    f"choose '{NOT_ASSESSED}' for indicator {code}.",
                )
            )
        for column, text in (("D", reason), ("E", evidence)):
            problem = invisible_character_problem(text)
            if problem:
                problems.append(CellProblem(SCORES, f"{column}{row}", _lower_first(problem)))
        if len(reason) > MAX_REASON:
            problems.append(
                CellProblem(SCORES, f"D{row}", f"keep the reason under {MAX_REASON} characters.")
            )
        if len(evidence) > MAX_EVIDENCE:
            problems.append(
                CellProblem(
                    SCORES, f"E{row}", f"keep the evidence under {MAX_EVIDENCE} characters."
                )
            )
        parsed.scores[indicator.id] = {
            "score": score,
            "not_assessed": what == "not_assessed",
            "not_assessed_reason": reason if what == "not_assessed" else "",
            "evidence": evidence,
        }
    for indicator in spec.indicators:
        if indicator.id not in cells:
            problems.append(
                CellProblem(
                    SCORES,
                    "",
                    f"the row for indicator {indicator.code} is missing. Download the template "
                    "again rather than deleting rows.",
                )
            )
    _parse_figures(workbook[CASELOAD], spec, parsed)
    return parsed


def _parse_figures(sheet: Sheet, spec: TemplateSpec, parsed: ParsedReturn) -> None:
    for offset, (name, label) in enumerate(spec.figures, start=1):
        row = HEADER_ROW + offset
        if _text(sheet.value(row, 1)) != label:
            parsed.problems.append(
                CellProblem(
                    CASELOAD,
                    f"A{row}",
                    f"this row should be '{label}'. Do not move or rename the figures.",
                )
            )
            continue
        raw = sheet.value(row, 2)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            parsed.figures[name] = None
            continue
        number = _number(raw)
        measure = spec.measures.get(name)
        if measure is not None:
            error = (
                "Enter a number." if number is None else value_error(measure=measure, value=number)
            )
            if error:
                parsed.problems.append(CellProblem(CASELOAD, f"B{row}", f"{label}: {error}"))
                continue
            parsed.figures[name] = number
            continue
        if name == "staff_fte":
            if number is None or number < 0 or number >= 1000:
                parsed.problems.append(
                    CellProblem(
                        CASELOAD,
                        f"B{row}",
                        f"{label} must be a number of 0 or more, such as 2 or 2.5.",
                    )
                )
                continue
            parsed.figures[name] = number.quantize(Decimal("0.01"))
            continue
        if number is None or number < 0 or number != number.to_integral_value():
            parsed.problems.append(
                CellProblem(CASELOAD, f"B{row}", f"{label} must be a whole number of 0 or more.")
            )
            continue
        parsed.figures[name] = int(number)


# Where the submit service's errors about one indicator go: its column, and how to say it.
_INDICATOR_ERRORS = {"rating": ("C", "has no score"), "not_assessed_reason": ("D", "has no reason")}


def submit_problems(
    workbook: Book, spec: TemplateSpec, errors: Mapping[str, str]
) -> list[CellProblem]:
    """The submit service's errors (keyed as `return_submit_errors` keys them: "indicator
    <code> <field>", a caseload field name, or another place) put on the cells they are about."""
    indicator_rows = {}
    sheet = workbook[SCORES]
    for row in range(HEADER_ROW + 1, sheet.max_row + 1):
        indicator_rows.setdefault(_text(sheet.value(row, 1)), row)
    figure_rows = {name: HEADER_ROW + offset for offset, (name, _) in enumerate(spec.figures, 1)}
    problems = []
    for key, message in errors.items():
        message = _lower_first(message)
        words = key.split(" ")
        if len(words) == 3 and words[0] == "indicator" and words[2] in _INDICATOR_ERRORS:
            code, (column, what) = words[1], _INDICATOR_ERRORS[words[2]]
            problems.append(
                CellProblem(
                    SCORES, f"{column}{indicator_rows[code]}", f"indicator {code} {what}: {message}"
                )
            )
        elif key in figure_rows:
            problems.append(CellProblem(CASELOAD, f"B{figure_rows[key]}", message))
        else:
            problems.append(CellProblem(SCORES, "", message))
    return problems
