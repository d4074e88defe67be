"""A return downloads as CSV and XLSX, with formula-like text neutralised."""

import csv
import io

import pytest
from openpyxl import load_workbook

from fidelity.returns.exports import safe_cell
from fidelity.returns.models import IndicatorScore

from .factories import make_return, use_default_framework


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=SUM(A1)", "'=SUM(A1)"),
        ("+44 161", "'+44 161"),
        ("-1", "'-1"),
        ("@cmd", "'@cmd"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Plain words", "Plain words"),
        (3, 3),
        ("", ""),
    ],
)
def test_safe_cell_neutralises_formulas(value, expected):
    assert safe_cell(value) == expected


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
    assert response["Content-Type"] == "text/csv"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
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


def test_an_unknown_export_format_is_404(client, world, qa_return):
    client.force_login(world.manager)
    assert client.get(f"/returns/{qa_return.pk}/export.pdf/").status_code == 404
