"""A return downloads as CSV and XLSX, with formula-like text neutralised."""

import csv
import datetime
import io

import pytest
from openpyxl import load_workbook

from fidelity.returns.models import ActivityKind, IndicatorScore
from tests.fidelity.factories import make_return, use_default_framework


@pytest.fixture
def qa_return(world):
    use_default_framework(world.pilot)
    qa_return = make_return(world.bolton_team, 2025, 1, people_supported=12)
    IndicatorScore.objects.filter(qa_return=qa_return, indicator__code="1.1").update(
        evidence='=HYPERLINK("http://example.org")'
    )
    return qa_return


def test_csv_export_has_scores_and_figures_and_no_live_formulas(client, world, qa_return):
    client.force_login(world.lead_bolton)
    response = client.get(f"/returns/{qa_return.pk}/export.csv/")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Section", "Code", "Item", "Value", "Detail"]
    assert ["Caseload", "", "People supported at quarter end", "12", ""] in rows
    evidence = [r for r in rows if r[0] == "Evidence" and r[1] == "1.1"][0]
    assert evidence[3].startswith("'=")


def test_xlsx_export_opens_with_the_same_rows(client, world, qa_return):
    client.force_login(world.manager)
    response = client.get(f"/returns/{qa_return.pk}/export.xlsx/")
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][2:4] == ["Team", "HF Bolton"]
    evidence = [r for r in values if r[0] == "Evidence" and r[1] == "1.1"][0]
    assert evidence[3].startswith("'=")
    assert all(not (isinstance(v, str) and v.startswith("=")) for r in values for v in r)


def test_xlsx_export_keeps_dates_as_dates_and_scores_as_numbers(client, world, qa_return):
    qa_return.activities.create(
        kind=ActivityKind.CASE_FILE_AUDIT, date=datetime.date(2025, 5, 6), count=4, finding="Ok"
    )
    client.force_login(world.manager)
    response = client.get(f"/returns/{qa_return.pk}/export.xlsx/")
    rows = {row[2].value: row for row in load_workbook(io.BytesIO(response.content)).active.rows}
    deadline = rows["Deadline"][3]
    assert deadline.is_date and deadline.value.date() == qa_return.deadline
    assert deadline.number_format == "d mmm yyyy"
    assert rows["Overall score"][3].data_type == "n"
    activity = rows["Case file audit"]
    assert activity[1].is_date and activity[1].value.date() == datetime.date(2025, 5, 6)
    assert activity[3].value == 4


def test_an_unknown_export_format_is_404(client, world, qa_return):
    client.force_login(world.manager)
    assert client.get(f"/returns/{qa_return.pk}/export.pdf/").status_code == 404
