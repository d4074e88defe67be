"""Workbooks made to exhaust a server, for the upload tests and the benchmark (issue 18).

Written straight into the zip: openpyxl would take minutes (and gigabytes) to write them, which
is the point. Each but `many_sheets` takes a real template (`data`) and swaps one part.
"""

from __future__ import annotations

import io
import random
import zipfile

from openpyxl import Workbook

SCORES_PART = "xl/worksheets/sheet1.xml"
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def with_part(data: bytes, part: str, xml: str) -> bytes:
    """`data` with `part` replaced by (or added as) `xml`."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            if info.filename != part:
                target.writestr(info, source.read(info))
        target.writestr(part, xml)
    return out.getvalue()


def _sheet(rows: str, dimension: str = "") -> str:
    dimension = f'<dimension ref="{dimension}"/>' if dimension else ""
    return f'<worksheet xmlns="{_MAIN}">{dimension}<sheetData>{rows}</sheetData></worksheet>'


def blank_cells(data: bytes, *, cells: int = 2_400_000, per_row: int = 2000) -> bytes:
    """The issue's file: millions of empty cells (about 18 KB packed, 9 MB unpacked)."""
    row = "<row>" + "<c/>" * per_row + "</row>"
    return with_part(data, SCORES_PART, _sheet(row * (cells // per_row)))


def random_blank_cells(data: bytes, *, cells: int = 20_000, reference: str | None = "A6") -> bytes:
    """Blank cells in one row, all at `reference` (or one after another when None), each with a
    random attribute so the part does not pack well and has to be read to be refused."""
    at = f' r="{reference}"' if reference else ""
    row = "".join(f'<c{at} x="{random.getrandbits(48):x}"/>' for _ in range(cells))
    return with_part(data, SCORES_PART, _sheet(f'<row r="6">{row}</row>'))


def rows_without_dimension(data: bytes, *, rows: int) -> bytes:
    lines = "".join(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c></row>'
        for n in range(1, rows + 1)
    )
    return with_part(data, SCORES_PART, _sheet(lines))


def huge_dimension(data: bytes) -> bytes:
    """A sheet that says it spans every row and column Excel allows."""
    return with_part(data, SCORES_PART, _sheet('<row r="1"><c r="A1"/></row>', "A1:XFD1048576"))


def deep_shared_strings(data: bytes, *, depth: int) -> bytes:
    """Shared strings nested `depth` deep, declared in the package so readers load them."""
    strings = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        types = archive.read("[Content_Types].xml").decode()
    types = types.replace(
        "</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{strings}"/></Types>'
    )
    nested = f'<sst xmlns="{_MAIN}"><si>{"<r>" * depth}{"</r>" * depth}</si></sst>'
    return with_part(with_part(data, "[Content_Types].xml", types), "xl/sharedStrings.xml", nested)


def many_sheets(count: int = 200) -> bytes:
    workbook = Workbook()
    for number in range(count - 1):
        workbook.create_sheet(f"Sheet {number}")
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
