"""Opening an uploaded workbook within bounds, before anything is loaded (issue 18).

`open_workbook` refuses a file that is too big, not an XLSX workbook, larger than its limits
once unpacked, or holding formulas, with plain-words `CellProblem`s, and otherwise returns its
values as a `Book` of `Sheet`s that the return reader (`spreadsheets.workbook`) and the framework
reader (`frameworks.workbook`) use. Every bound is checked while streaming: the zip's members,
the number of sheets, each sheet's declared dimension, then its rows and cells one by one
(blanks too) with lxml, stopping at the first past a limit; openpyxl then reads the values in
read-only mode. Pure: no ORM.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Any

from lxml.etree import iterparse
from openpyxl import load_workbook
from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader
from openpyxl.utils.cell import (
    column_index_from_string,
    coordinate_from_string,
    get_column_letter,
    range_boundaries,
)

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_UNPACKED_BYTES = 10 * 1024 * 1024
MAX_ROWS = 500
MAX_COLUMNS = 30


@dataclass(frozen=True)
class CellProblem:
    sheet: str
    cell: str
    message: str

    @property
    def place(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


class SpreadsheetError(Exception):
    """The file cannot be read as a return at all. `problems` says why, cell by cell if known."""

    def __init__(self, problems: list[CellProblem]) -> None:
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


# Bounds checked before openpyxl parses anything, so a small file that unpacks into millions of
# cells is refused in milliseconds instead of being loaded whole (issue 18).
MAX_SHEETS = 10
MAX_MEMBERS = 1000
MAX_RATIO = 100  # unpacked / packed for one zip member; spreadsheets' XML packs about 5 to 20:1
MAX_SHARED_STRINGS = 50_000
MAX_XML_DEPTH = 12
_RATIO_FROM_BYTES = 64 * 1024  # smaller members may pack better than this harmlessly


@dataclass(frozen=True)
class Sheet:
    """One sheet's values, row 1 first, every row as wide as the widest (None for blanks)."""

    title: str
    rows: tuple[tuple[Any, ...], ...]

    @property
    def max_row(self) -> int:
        return len(self.rows)

    def value(self, row: int, column: int) -> Any:
        """The value at `row`, `column` (both from 1), None beyond the sheet."""
        if row > len(self.rows):
            return None
        line = self.rows[row - 1]
        return line[column - 1] if column <= len(line) else None


@dataclass(frozen=True)
class Book:
    """An uploaded workbook's values, read within the bounds `open_workbook` was given."""

    sheets: tuple[Sheet, ...]

    @property
    def sheetnames(self) -> list[str]:
        return [sheet.title for sheet in self.sheets]

    def __contains__(self, title: str) -> bool:
        return title in self.sheetnames

    def __getitem__(self, title: str) -> Sheet:
        return next(sheet for sheet in self.sheets if sheet.title == title)


class _NotXlsx(Exception):
    pass


@dataclass(frozen=True)
class _Bounds:
    name: str
    max_rows: int
    max_columns: int
    kind: str

    def too_big(self, sheet: str, what: str) -> SpreadsheetError:
        return SpreadsheetError(
            [
                CellProblem(
                    sheet,
                    "",
                    f"the sheet {what}; {self.kind} has at most {self.max_rows:,} rows and "
                    f"{self.max_columns} columns.",
                )
            ]
        )


def open_workbook(
    data: bytes,
    *,
    name: str = "The file",
    max_file_bytes: int = MAX_FILE_BYTES,
    max_rows: int = MAX_ROWS,
    max_columns: int = MAX_COLUMNS,
    kind: str = "a return template",
    not_xlsx_hint: str = "Download the template again, fill it in and save it as .xlsx.",
) -> Book:
    """Opens an uploaded file, refusing anything too big, not an XLSX workbook, or holding
    formulas. Raises SpreadsheetError with plain-words reasons. The limits default to a return
    template's; other workbooks (a framework's) pass their own.

    Every bound is checked while streaming, before openpyxl loads a sheet: the zip's size and
    each member's packing ratio, the number of sheets, each sheet's declared dimension, then
    its rows and cells one by one (blank ones too), stopping at the first past a limit."""
    if len(data) > max_file_bytes:
        raise SpreadsheetError(
            [
                CellProblem(
                    name,
                    "",
                    f"the file is {_size(len(data))}; the limit is {max_file_bytes // (1024 * 1024)} MB.",
                )
            ]
        )
    not_xlsx = SpreadsheetError(
        [
            CellProblem(
                name,
                "",
                f"this is not an Excel workbook (.xlsx) that can be read. {not_xlsx_hint}",
            )
        ]
    )
    bounds = _Bounds(name=name, max_rows=max_rows, max_columns=max_columns, kind=kind)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            _check_archive(archive, name=name)
        formulas = _scan_workbook(data, bounds)
    except SpreadsheetError:
        raise
    except Exception:  # zipfile, openpyxl and lxml raise many kinds for a broken file
        raise not_xlsx from None
    if formulas:
        raise SpreadsheetError(formulas)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, keep_links=False)
    except Exception:  # openpyxl raises many kinds for broken files; all mean "cannot read it"
        raise not_xlsx from None
    try:
        return Book(
            sheets=tuple(
                Sheet(title=sheet.title, rows=_values(sheet, bounds))
                for sheet in workbook.worksheets
            )
        )
    except Exception:
        raise not_xlsx from None
    finally:
        workbook.close()


def _check_archive(archive: zipfile.ZipFile, *, name: str) -> None:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise _NotXlsx
    too_large = SpreadsheetError(
        [CellProblem(name, "", "the workbook is too large once opened (over 10 MB of data).")]
    )
    if sum(info.file_size for info in members) > MAX_UNPACKED_BYTES:
        raise too_large
    for info in members:
        if info.file_size > _RATIO_FROM_BYTES and info.file_size > MAX_RATIO * max(
            info.compress_size, 1
        ):
            raise SpreadsheetError(
                [
                    CellProblem(
                        name,
                        "",
                        f"the workbook is too large once opened: one part unpacks to "
                        f"{_size(info.file_size)} from {info.compress_size / 1024:.0f} KB, "
                        "which a filled-in spreadsheet never needs.",
                    )
                ]
            )


def _scan_workbook(data: bytes, bounds: _Bounds) -> list[CellProblem]:
    """Streams every sheet (and the shared strings) once, within `bounds`; returns the cells
    holding formulas."""
    reader = ExcelReader(io.BytesIO(data), read_only=True, keep_links=False)
    with reader.archive as archive:
        return _scan_parts(reader, archive, bounds)


def _scan_parts(
    reader: ExcelReader, archive: zipfile.ZipFile, bounds: _Bounds
) -> list[CellProblem]:
    reader.read_manifest()
    reader.read_workbook()
    sheets = list(reader.parser.find_sheets())
    if len(sheets) > MAX_SHEETS:
        raise SpreadsheetError(
            [
                CellProblem(
                    bounds.name,
                    "",
                    f"the workbook has {len(sheets)} sheets; {bounds.kind} has at most "
                    f"{MAX_SHEETS}.",
                )
            ]
        )
    strings = reader.package.find(SHARED_STRINGS)
    if strings is not None:
        _scan_strings(archive, strings.PartName[1:])
    formulas: list[CellProblem] = []
    for sheet, rel in sheets:
        formulas.extend(_scan_sheet(archive, rel.target, sheet.name, bounds))
    return formulas


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _events(archive: zipfile.ZipFile, path: str):
    """(event, element, depth) while parsing one member, refusing nesting no workbook needs."""
    depth = 0
    with archive.open(path) as source:
        for event, element in iterparse(
            source,
            events=("start", "end"),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            huge_tree=False,
        ):
            depth += 1 if event == "start" else -1
            if depth > MAX_XML_DEPTH:
                raise _NotXlsx
            yield event, element


def _scan_strings(archive: zipfile.ZipFile, path: str) -> None:
    count = 0
    for event, element in _events(archive, path):
        if event == "end" and _local(element.tag) == "si":
            count += 1
            if count > MAX_SHARED_STRINGS:
                raise _NotXlsx
            element.clear()


def _scan_sheet(
    archive: zipfile.ZipFile, path: str, title: str, bounds: _Bounds
) -> list[CellProblem]:
    formulas = []
    rows = cells = row = column = 0
    max_cells = bounds.max_rows * bounds.max_columns
    for event, element in _events(archive, path):
        tag = _local(element.tag)
        if event == "end":
            if tag in ("c", "row"):
                element.clear()
            continue
        if tag == "dimension":
            _, _, columns_declared, rows_declared = range_boundaries(element.get("ref", "A1"))
            rows_declared, columns_declared = rows_declared or 0, columns_declared or 0
            if rows_declared > bounds.max_rows or columns_declared > bounds.max_columns:
                raise bounds.too_big(
                    title, f"has {rows_declared:,} rows and {columns_declared} columns"
                )
        elif tag == "row":
            rows += 1
            row = int(element.get("r") or row + 1)
            column = 0
            if row > bounds.max_rows or rows > bounds.max_rows:
                raise bounds.too_big(title, f"goes past row {bounds.max_rows:,}")
        elif tag == "c":
            cells += 1
            reference = element.get("r")
            if reference:
                letters, row = coordinate_from_string(reference)
                column = column_index_from_string(letters)
            else:
                column += 1
            if row > bounds.max_rows:
                raise bounds.too_big(title, f"goes past row {bounds.max_rows:,}")
            if column > bounds.max_columns:
                raise bounds.too_big(
                    title, f"goes past column {get_column_letter(bounds.max_columns)}"
                )
            if cells > max_cells:
                raise bounds.too_big(
                    title, f"holds more than {max_cells:,} cells (blank ones count too)"
                )
        elif tag == "f":
            formulas.append(
                CellProblem(
                    title,
                    f"{get_column_letter(column)}{row}",
                    "this cell holds a formula. Type the value itself; formulas are not imported.",
                )
            )
    return formulas


def _values(sheet, bounds: _Bounds) -> tuple[tuple[Any, ...], ...]:
    """The sheet's values, read within the bounds the scan has already checked; trailing blank
    rows and columns dropped."""
    rows = [
        list(line)
        for line in sheet.iter_rows(
            max_row=bounds.max_rows, max_col=bounds.max_columns, values_only=True
        )
    ]
    while rows and all(value is None for value in rows[-1]):
        rows.pop()
    width = max((i + 1 for line in rows for i, v in enumerate(line) if v is not None), default=0)
    return tuple(tuple(line[:width]) for line in rows)


def _size(count: int) -> str:
    return f"{count / (1024 * 1024):.1f} MB"
