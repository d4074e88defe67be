"""Files made to exhaust the server are refused before they are loaded: a small file unpacking
into millions of blank cells, a sheet that claims every row Excel allows, too many sheets,
shared strings nested deeper than any workbook needs (issue 18)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fidelity.returns.models import QAReturn
from fidelity.returns.selectors import quarter_of_today
from fidelity.spreadsheets import services as spreadsheet_services
from fidelity.spreadsheets.reading import SpreadsheetError, open_workbook
from ops import hostile_workbooks as files
from tests.fidelity.factories import page_text

LIMITS = "a return template has at most 500 rows and 30 columns."
HOSTILE = {
    "millions of blank cells packed small": (
        files.blank_cells,
        "The file: the workbook is too large once opened: one part unpacks to 9.2 MB",
    ),
    "blank cells all in one place": (
        files.random_blank_cells,
        f"Scores: the sheet holds more than 15,000 cells (blank ones count too); {LIMITS}",
    ),
    "a row of blank cells past column AD": (
        lambda data: files.random_blank_cells(data, cells=100, reference=None),
        f"Scores: the sheet goes past column AD; {LIMITS}",
    ),
    "rows past the cap without a dimension": (
        lambda data: files.rows_without_dimension(data, rows=600),
        f"Scores: the sheet goes past row 500; {LIMITS}",
    ),
    "a dimension of every row and column": (
        files.huge_dimension,
        f"Scores: the sheet has 1,048,576 rows and 16384 columns; {LIMITS}",
    ),
    "shared strings nested 5,000 deep": (
        lambda data: files.deep_shared_strings(data, depth=5000),
        "The file: this is not an Excel workbook (.xlsx) that can be read.",
    ),
    "200 sheets": (
        lambda data: files.many_sheets(200),
        "The file: the workbook has 200 sheets; a return template has at most 10.",
    ),
}


@pytest.fixture
def quarter(world):
    return quarter_of_today(pilot=world.pilot)


@pytest.fixture
def good(world, quarter):
    return spreadsheet_services.return_template(team=world.bolton_team, quarter=quarter)


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_workbook_is_refused_with_its_reason(good, case):
    make, message = HOSTILE[case]
    with pytest.raises(SpreadsheetError) as refused:
        open_workbook(make(good))
    assert str(refused.value).startswith(message)


def test_the_issues_file_uploaded_by_a_team_leader_is_refused_and_nothing_saved(
    client, world, quarter, good
):
    client.force_login(world.lead_bolton)
    hostile = SimpleUploadedFile("return.xlsx", files.blank_cells(good))
    url = reverse("fidelity:spreadsheet_upload", args=[world.bolton_team.pk, quarter.slug])
    response = client.post(url, {"file": hostile})
    assert response.status_code == 200
    assert "the workbook is too large once opened" in page_text(response)
    assert not QAReturn.objects.filter(team=world.bolton_team).exists()


# --- The manager's bulk import: each file within the same bounds, and the request capped --------

BULK = reverse("fidelity:spreadsheet_bulk")


@pytest.fixture
def manager(client, world):
    client.force_login(world.manager)
    return client


def _xlsx(name, data):
    return SimpleUploadedFile(name, data)


def test_a_hostile_file_among_an_import_is_named_and_nothing_imported(manager, world, quarter):
    past = quarter.previous()
    good = spreadsheet_services.return_template(team=world.bolton_team, quarter=past)
    response = manager.post(
        BULK,
        {"files": [_xlsx("fine.xlsx", good), _xlsx("bomb.xlsx", files.blank_cells(good))]},
    )
    text = page_text(response)
    assert "bomb.xlsx, bomb.xlsx: the workbook is too large once opened" in text, text[-1500:]
    assert not QAReturn.objects.exists()


def test_more_than_20_files_are_refused_at_once(manager):
    response = manager.post(BULK, {"files": [_xlsx(f"{n}.xlsx", b"PK") for n in range(21)]})
    assert "Import at most 20 files at once; you chose 21." in page_text(response)


def test_files_over_10_mb_in_all_are_refused_before_they_are_read(manager):
    big = [_xlsx(f"{n}.xlsx", b"PK" + b"x" * (1900 * 1024)) for n in range(6)]
    response = manager.post(BULK, {"files": big})
    assert response.status_code == 200
    text = page_text(response)
    assert "These files come to 11.1 MB; import at most 10 MB at once." in text
