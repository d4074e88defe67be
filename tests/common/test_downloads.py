"""Downloads: every CSV, XLSX and PDF the app serves is made by common.downloads."""

import csv
import datetime
import io
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.http import FileResponse
from openpyxl import load_workbook

from common.downloads import (
    Table,
    attachment_header,
    csv_bytes,
    csv_response,
    pdf_response,
    safe_text,
    text_as_typed,
    xlsx_bytes,
    xlsx_response,
)

ROCHDALE = "Team Rochdale’s"
FORMULA = '=HYPERLINK("http://evil.example","x")'


class Formulaic:
    """An object whose text is a formula: it must not reach a cell as one."""

    def __str__(self) -> str:
        return "=1+1"


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (FORMULA, "'" + FORMULA),
        ("+44 call", "'+44 call"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTabbed", "'\tTabbed"),
        ("\rReturn", "'\rReturn"),
        (Formulaic(), "'=1+1"),
        ("Long waits = bad", "Long waits = bad"),
        ("3 LAs", "3 LAs"),
        (ROCHDALE, ROCHDALE),
        ("", ""),
        (3, 3),
        (-2, -2),
        (2.5, 2.5),
        (Decimal("-1.50"), Decimal("-1.50")),
        (datetime.date(2026, 5, 6), datetime.date(2026, 5, 6)),
        (None, None),
    ],
)
def test_safe_text_neutralises_text_a_spreadsheet_would_run_and_passes_the_rest(value, cell):
    result = safe_text(value)
    assert result == cell
    assert type(result) is type(cell)


@pytest.mark.parametrize("typed", [FORMULA, "+44 call", "\tTabbed", "'quoted", "plain", ""])
def test_text_read_back_from_our_own_file_is_what_was_typed(typed):
    assert text_as_typed(safe_text(typed)) == typed


def _table(**overrides) -> Table:
    fields = {
        "title": "Scores, 2026-27 Q2",
        "headers": ["Team", "Score", "People housed", "Deadline", "Note"],
        "rows": [
            [ROCHDALE, Decimal("3.50"), 12, datetime.date(2026, 10, 30), FORMULA],
            ["Bolton", None, 2.5, None, None],
        ],
    }
    return Table(**(fields | overrides))


# --- CSV ------------------------------------------------------------------------------------------


def test_csv_starts_with_a_byte_order_mark_so_excel_reads_utf8():
    assert csv_bytes(_table()).startswith(b"\xef\xbb\xbf")


def test_csv_round_trips_curly_apostrophes_and_writes_none_as_empty():
    rows = list(csv.reader(io.StringIO(csv_bytes(_table()).decode("utf-8-sig"))))
    assert rows[0] == ["Team", "Score", "People housed", "Deadline", "Note"]
    assert rows[1][:4] == [ROCHDALE, "3.50", "12", "2026-10-30"]
    assert rows[2] == ["Bolton", "", "2.5", "", ""]


def test_csv_neutralises_formulas_in_headers_and_cells():
    table = _table(headers=["=SUM(A1)", "Score", "", "", ""])
    rows = list(csv.reader(io.StringIO(csv_bytes(table).decode("utf-8-sig"))))
    assert rows[0][0] == "'=SUM(A1)"
    assert rows[1][4] == "'" + FORMULA


def test_csv_writes_an_aware_datetime_in_local_time(settings):
    settings.TIME_ZONE = "Europe/London"
    moment = datetime.datetime(2026, 7, 1, 11, 0, tzinfo=datetime.UTC)
    rows = list(csv.reader(io.StringIO(csv_bytes(_table(rows=[[moment]])).decode("utf-8-sig"))))
    assert rows[1] == ["2026-07-01 12:00:00"]


# --- XLSX -----------------------------------------------------------------------------------------


def _sheet(tables=None):
    return load_workbook(io.BytesIO(xlsx_bytes(tables or [_table()]))).worksheets[0]


def test_xlsx_keeps_numbers_as_numbers():
    sheet = _sheet()
    assert sheet["B2"].value == 3.5
    assert sheet["B2"].data_type == "n"
    assert sheet["B2"].number_format == "0.00"
    assert sheet["C2"].value == 12
    assert isinstance(sheet["C2"].value, int)
    assert sheet["C3"].value == 2.5
    assert sheet["C3"].data_type == "n"


def test_xlsx_writes_dates_as_date_cells_shown_day_month_year():
    cell = _sheet()["D2"]
    assert cell.is_date
    assert cell.value.date() == datetime.date(2026, 10, 30)
    assert cell.number_format == "d mmm yyyy"


def test_xlsx_writes_an_aware_datetime_as_a_local_date_and_time_cell(settings):
    settings.TIME_ZONE = "Europe/London"
    moment = datetime.datetime(2026, 7, 1, 11, 0, tzinfo=datetime.UTC)
    cell = _sheet([_table(rows=[[moment]])])["A2"]
    assert cell.is_date
    assert cell.value == datetime.datetime(2026, 7, 1, 12, 0)
    assert cell.number_format == "d mmm yyyy hh:mm"


def test_xlsx_header_is_bold_and_frozen_and_data_is_not_bold():
    sheet = _sheet()
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"


def test_xlsx_writes_none_as_an_empty_cell():
    sheet = _sheet()
    assert sheet["B3"].value is None
    assert sheet["E3"].value is None


def test_xlsx_stores_formula_text_as_a_string_never_a_formula():
    cell = _sheet()["E2"]
    assert cell.value == "'" + FORMULA
    assert cell.data_type == "s"
    assert cell.data_type != "f"


def test_xlsx_round_trips_curly_apostrophes_and_drops_control_characters():
    sheet = _sheet([_table(rows=[[ROCHDALE + "\x0b"]])])
    assert sheet["A2"].value == ROCHDALE


def test_xlsx_columns_are_as_wide_as_their_content_but_capped():
    sheet = _sheet([_table(headers=["Id", "Evidence"], rows=[["1", "x" * 500]])])
    assert sheet.column_dimensions["A"].width == 8
    assert sheet.column_dimensions["B"].width == 60
    sheet = _sheet([_table(headers=["Id", "Local authority"], rows=[["1", "Bolton"]])])
    assert sheet.column_dimensions["B"].width == len("Local authority") + 2


def test_xlsx_holds_one_sheet_per_table_named_by_its_title():
    tables = [_table(title="Scores: 2026/27 [Q2]"), _table(title="Caseload " + "x" * 40)]
    workbook = load_workbook(io.BytesIO(xlsx_bytes(tables)))
    assert workbook.sheetnames == ["Scores 202627 Q2", "Caseload " + "x" * 22]
    assert [ws.max_row for ws in workbook.worksheets] == [3, 3]


# --- Responses and Content-Disposition -----------------------------------------------------------


def _filename_star(header: str) -> str:
    value = header.split("filename*=", 1)[1]
    assert value.startswith("utf-8''")
    return unquote(value.removeprefix("utf-8''"))


@pytest.mark.parametrize(
    ("filename", "ascii_name"),
    [
        ("Team Rochdale’s 2026-27 Q2.csv", "Team Rochdales 2026-27 Q2.csv"),
        ("Team Rochdale’s.csv", "Team Rochdales.csv"),
        ("Ysgol Gymraeg Pen-y-bont Café.xlsx", "Ysgol Gymraeg Pen-y-bont Cafe.xlsx"),
        ("report.pdf", "report.pdf"),
        ("报告.pdf", "download.pdf"),
    ],
)
def test_content_disposition_has_an_ascii_filename_and_the_real_name(filename, ascii_name):
    header = attachment_header(filename)
    assert header.startswith(f'attachment; filename="{ascii_name}"; ')
    assert header.isascii()
    assert _filename_star(header) == filename


def test_content_disposition_can_ask_to_show_the_file_in_the_browser():
    assert attachment_header("report.pdf", inline=True).startswith('inline; filename="report.pdf"')


def test_csv_response_is_utf8_csv_named_with_filename_star():
    response = csv_response(filename=f"{ROCHDALE}.csv", table=_table())
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="Team Rochdales.csv"' in response["Content-Disposition"]
    assert _filename_star(response["Content-Disposition"]) == f"{ROCHDALE}.csv"
    assert response.content == csv_bytes(_table())


def test_xlsx_response_is_a_workbook_named_with_filename_star():
    response = xlsx_response(filename="scores.xlsx", tables=[_table()])
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert _filename_star(response["Content-Disposition"]) == "scores.xlsx"
    assert load_workbook(io.BytesIO(response.content)).worksheets[0]["A2"].value == ROCHDALE


def test_pdf_response_from_bytes():
    response = pdf_response(filename=f"{ROCHDALE}.pdf", content=b"%PDF-1.7 test")
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; ")
    assert _filename_star(response["Content-Disposition"]) == f"{ROCHDALE}.pdf"
    assert response.content == b"%PDF-1.7 test"


def test_pdf_response_streams_an_open_file_under_the_given_name(tmp_path):
    stored = tmp_path / "v1.pdf"
    stored.write_bytes(b"%PDF-1.7 stored")
    response = pdf_response(filename="report-v1.pdf", content=stored.open("rb"), inline=True)
    assert isinstance(response, FileResponse)
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        "inline; filename=\"report-v1.pdf\"; filename*=utf-8''report-v1.pdf"
    )
    assert b"".join(response.streaming_content) == b"%PDF-1.7 stored"
