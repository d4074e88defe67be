"""Every file the app hands to a browser (CSV, XLSX, PDF, JSON) is made here, so that each one
gets the same four things right:

- **Formula injection.** Text a spreadsheet would run as a formula (starting ``= + - @``, a tab or
  a carriage return) is written with a leading apostrophe, by `safe_text` alone. The XLSX return
  template and its reader use the same `FORMULA_STARTS` and `text_as_typed`.
- **Encoding.** CSV is UTF-8 with a byte-order mark: without it Excel reads the file as
  Windows-1252 and shows "Rochdaleâ€™s" for "Rochdale’s".
- **Typed cells.** In XLSX numbers stay numbers and dates are date cells, so a manager can sum and
  sort them; the header row is bold and frozen and columns are wide enough to read.
- **Filenames.** `Content-Disposition` always carries both an ASCII ``filename`` (for old clients)
  and a UTF-8 ``filename*`` (RFC 6266), so "Team Rochdale’s 2026-27 Q2.csv" arrives as named.
  Django's `content_disposition_header` gives only one of the two, so `attachment_header` adds
  ``filename*`` itself.

The builders (`csv_bytes`, `xlsx_bytes`) return bytes for code that writes files (report builds,
Celery tasks); the `*_response` functions wrap them for views.
"""

from __future__ import annotations

import csv
import datetime
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, BinaryIO
from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.workbook.child import INVALID_TITLE_REGEX

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"
JSON_CONTENT_TYPE = "application/json"
HTML_CONTENT_TYPE = "text/html; charset=utf-8"
# FHIR's own media type for its resources in JSON (FHIR R4, http.html#mime-type).
FHIR_JSON_CONTENT_TYPE = "application/fhir+json"

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT = "d mmm yyyy"
DATETIME_FORMAT = "d mmm yyyy hh:mm"
MIN_COLUMN_WIDTH, MAX_COLUMN_WIDTH = 8, 60

# Values a spreadsheet stores as what they are; everything else is written as text. bool is an
# int, so it passes too.
_TYPED = (int, float, Decimal, datetime.date)
_BOLD = Font(bold=True)


def safe_text(value: Any) -> Any:
    """A value as a spreadsheet cell may hold it: numbers, dates and None unchanged; anything else
    as text, with a leading ' if a spreadsheet would otherwise run it as a formula (CSV/formula
    injection). Non-text objects are made text first so their `str()` cannot slip a formula past."""
    if value is None or isinstance(value, _TYPED):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def text_as_typed(text: str) -> str:
    """`safe_text` undone, for text read back from a file this app wrote (the XLSX return
    template): "'=A1" in the file is what the person typed as "=A1"."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


@dataclass(frozen=True)
class Table:
    """One sheet of a download. `title` names the XLSX sheet; a CSV holds the headers and rows
    only. Cells are plain values (text, numbers, Decimal, dates, None): the builders make them
    safe, so callers pass them as they are."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Any]]


def _local(value: Any) -> Any:
    """An aware datetime in the site's time zone, without tzinfo: spreadsheets have no time
    zones (openpyxl refuses aware datetimes) and people read local times."""
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.make_naive(value)
    return value


def csv_bytes(table: Table) -> bytes:
    """The table as CSV: UTF-8 with a byte-order mark, header row first, None as an empty cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in (table.headers, *table.rows):
        writer.writerow(["" if value is None else safe_text(_local(value)) for value in row])
    return buffer.getvalue().encode("utf-8-sig")


def _xlsx_value(value: Any) -> Any:
    value = safe_text(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, str):
        # Control characters other than tab and line breaks are not allowed in XLSX; openpyxl
        # raises on them, and pasted text sometimes carries them.
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    return value


def _number_format(value: Any) -> str | None:
    if isinstance(value, datetime.datetime):
        return DATETIME_FORMAT
    if isinstance(value, datetime.date):
        return DATE_FORMAT
    if isinstance(value, Decimal):
        # A score of Decimal("3.50") is shown as 3.50, as on the page, not 3.5.
        places = value.as_tuple().exponent
        if isinstance(places, int) and places < 0:
            return "0." + "0" * -places
    return None


def _shown_length(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return len("30 Sep 2026 23:59")
    if isinstance(value, datetime.date):
        return len("30 Sep 2026")
    return max(len(line) for line in str(value).splitlines() or [""])


def _sheet_title(title: str) -> str:
    """Sheet names may not hold \\ / ? * [ ] : and stop at 31 characters in Excel."""
    return INVALID_TITLE_REGEX.sub("", title).strip()[:31] or "Sheet"


def xlsx_bytes(tables: Sequence[Table]) -> bytes:
    """A workbook with one sheet per table (at least one): typed cells (Decimal as a number with
    its decimal places, dates as date cells shown as `d mmm yyyy`, datetimes with the time too),
    a bold header row frozen in place, None as an empty cell, and each column as wide as its
    longest value (capped)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.title))
        widths: dict[int, int] = {}
        for row_number, row in enumerate((table.headers, *table.rows), start=1):
            for column, value in enumerate(row, start=1):
                value = _local(value)
                cell = sheet.cell(row=row_number, column=column, value=_xlsx_value(value))
                if row_number == 1:
                    cell.font = _BOLD
                elif number_format := _number_format(value):
                    cell.number_format = number_format
                widths[column] = max(widths.get(column, 0), _shown_length(value))
        sheet.freeze_panes = "A2"
        for column, width in widths.items():
            sheet.column_dimensions[get_column_letter(column)].width = min(
                max(width + 2, MIN_COLUMN_WIDTH), MAX_COLUMN_WIDTH
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def attachment_header(filename: str, *, inline: bool = False) -> str:
    """`Content-Disposition` with an ASCII `filename` (accents dropped, other non-ASCII removed)
    and the real name as UTF-8 `filename*`, which every current browser prefers."""
    decomposed = unicodedata.normalize("NFKD", filename)
    fallback = "".join(ch for ch in decomposed if " " <= ch <= "~").strip()
    stem, dot, extension = fallback.rpartition(".")
    if not fallback or (dot and not stem.strip()):
        # Nothing of the name survived (say, all Chinese): keep the extension at least.
        fallback = f"download.{extension}" if dot else "download"
    disposition = content_disposition_header(not inline, fallback)
    return f"{disposition}; filename*=utf-8''{quote(filename, safe='')}"


def file_response(
    *, filename: str, content: bytes | BinaryIO, content_type: str, inline: bool = False
) -> HttpResponse | FileResponse:
    """A download of bytes already made (a rendered PDF, the XLSX return template), or an open
    file streamed from storage, named by `attachment_header`."""
    if isinstance(content, bytes):
        response = HttpResponse(content, content_type=content_type)
    else:
        response = FileResponse(content, content_type=content_type)
    response["Content-Disposition"] = attachment_header(filename, inline=inline)
    return response


def csv_response(*, filename: str, table: Table) -> HttpResponse:
    response = HttpResponse(csv_bytes(table), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_header(filename)
    return response


def xlsx_response(*, filename: str, tables: Sequence[Table]) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(tables), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = attachment_header(filename)
    return response


def pdf_response(
    *, filename: str, content: bytes | BinaryIO, inline: bool = False
) -> HttpResponse | FileResponse:
    """A PDF as bytes (rendered for this request) or an open file (a stored report, streamed)."""
    return file_response(
        filename=filename, content=content, content_type=PDF_CONTENT_TYPE, inline=inline
    )


def json_response(
    *, filename: str, content: bytes, content_type: str = JSON_CONTENT_TYPE
) -> HttpResponse:
    """JSON already serialised (UTF-8), as a named download: `FHIR_JSON_CONTENT_TYPE` for FHIR
    resources. JSON needs none of the spreadsheet safety above; its writers escape it."""
    return file_response(filename=filename, content=content, content_type=content_type)
