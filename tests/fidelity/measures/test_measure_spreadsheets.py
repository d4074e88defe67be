"""A pilot's measures in the return template: their rows, read back with the same rules as the
form (fidelity.measures.validation), on a team leader's upload and a manager's import of past
quarters."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from fidelity.measures.models import MeasureValue
from fidelity.returns.models import QAReturn
from fidelity.returns.selectors import quarter_of_today
from tests.fidelity.factories import page_text, use_default_framework
from tests.fidelity.measures.factories import add_measures
from tests.fidelity.spreadsheets.spreadsheet_files import fill, template, upload


@pytest.fixture
def measured(world):
    use_default_framework(world.pilot)
    world.measures = add_measures(world.pilot)
    return world


def _row(workbook, label: str) -> int:
    sheet = workbook["Caseload"]
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row, 1).value == label:
            return row
    raise LookupError(label)


def _fill_measures(workbook, admissions=3, days=10, budget=250.5):
    sheet = workbook["Caseload"]
    sheet.cell(_row(workbook, "Hospital admissions"), 2).value = admissions
    sheet.cell(_row(workbook, "Delayed discharge days"), 2).value = days
    sheet.cell(_row(workbook, "Personal budget spent (£)"), 2).value = budget
    return workbook


def test_the_template_has_a_row_per_measure_saying_what_it_takes(measured):
    quarter = quarter_of_today(pilot=measured.pilot)
    workbook = template(measured.bolton_team, quarter)
    row = _row(workbook, "Hospital admissions")
    assert workbook["Caseload"].cell(row, 3).value == (
        "A whole number of 0 or more, at most people supported at quarter end. "
        "People admitted to hospital this quarter."
    )
    budget = _row(workbook, "Personal budget spent (£)")
    assert "at most 2 decimal places" in workbook["Caseload"].cell(budget, 3).value


def test_an_upload_with_a_bad_measure_value_names_its_cell_and_saves_nothing(client, measured):
    quarter = quarter_of_today(pilot=measured.pilot)
    workbook = _fill_measures(fill(template(measured.bolton_team, quarter)), admissions=2.5)
    client.force_login(measured.lead_bolton)
    response = client.post(
        reverse("fidelity:spreadsheet_upload", args=[measured.bolton_team.pk, quarter.slug]),
        {"file": upload(workbook)},
    )
    row = _row(workbook, "Hospital admissions")
    assert f"Caseload!B{row}: Hospital admissions: Enter a whole number, such as 12." in page_text(
        response
    )
    assert not QAReturn.objects.exists()


def test_an_upload_saves_the_measures_into_the_draft(client, measured):
    quarter = quarter_of_today(pilot=measured.pilot)
    workbook = _fill_measures(fill(template(measured.bolton_team, quarter)))
    client.force_login(measured.lead_bolton)
    args = [measured.bolton_team.pk, quarter.slug]
    client.post(reverse("fidelity:spreadsheet_upload", args=args), {"file": upload(workbook)})
    client.post(reverse("fidelity:spreadsheet_confirm", args=args))
    values = dict(
        MeasureValue.objects.filter(qa_return__team=measured.bolton_team).values_list(
            "measure__name", "value"
        )
    )
    assert values == {
        "Hospital admissions": Decimal("3"),
        "Delayed discharge days": Decimal("10"),
        "Personal budget spent (£)": Decimal("250.5"),
    }


def test_a_past_return_above_the_at_most_figure_is_not_imported(client, measured):
    last = quarter_of_today(pilot=measured.pilot).previous()
    workbook = _fill_measures(fill(template(measured.bolton_team, last)), admissions=13)
    client.force_login(measured.manager)
    text = page_text(
        client.post(reverse("fidelity:spreadsheet_bulk"), {"files": [upload(workbook)]})
    )
    row = _row(workbook, "Hospital admissions")
    assert (
        f"Caseload!B{row}: hospital admissions (13) cannot be more than people supported at "
        "quarter end (12)."
    ) in text
    assert not QAReturn.objects.exists()


def test_a_past_return_with_its_measures_is_imported_with_them(client, measured):
    last = quarter_of_today(pilot=measured.pilot).previous()
    workbook = _fill_measures(fill(template(measured.bolton_team, last)))
    client.force_login(measured.manager)
    client.post(reverse("fidelity:spreadsheet_bulk"), {"files": [upload(workbook)]})
    imported = QAReturn.objects.get(team=measured.bolton_team)
    assert imported.measure_values.count() == 3


def test_a_template_made_before_a_measure_was_added_is_refused_with_why(client, world):
    use_default_framework(world.pilot)
    quarter = quarter_of_today(pilot=world.pilot)
    workbook = fill(template(world.bolton_team, quarter))
    add_measures(world.pilot)
    client.force_login(world.lead_bolton)
    response = client.post(
        reverse("fidelity:spreadsheet_upload", args=[world.bolton_team.pk, quarter.slug]),
        {"file": upload(workbook)},
    )
    assert (
        "About!B11: this file was made before the pilot's measures changed. Download the "
        "template again." in page_text(response)
    )
