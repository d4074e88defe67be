"""How each kind of cell in the template is read: what counts as a score, a figure or a
problem, and the plain words that name it."""

from __future__ import annotations

from decimal import Decimal

import pytest

from fidelity.frameworks.selectors import current_framework_version
from fidelity.returns.selectors import quarter_of_today
from fidelity.spreadsheets import selectors as spreadsheet_selectors
from fidelity.spreadsheets import workbook as spreadsheet
from fidelity.spreadsheets.reading import open_workbook

from .spreadsheet_files import figure_row, fill, template, upload


@pytest.fixture
def case(world):
    quarter = quarter_of_today(pilot=world.pilot)
    version = current_framework_version(pilot=world.pilot)
    spec = spreadsheet_selectors.template_spec(
        team=world.bolton_team, quarter=quarter, version=version
    )
    return spec, fill(template(world.bolton_team, quarter))


def _parse(case):
    spec, workbook = case
    return spreadsheet.parse_return(open_workbook(upload(workbook).read()), spec)


def _first(spec):
    return spec.indicators[0].id


@pytest.mark.parametrize(
    ("cell", "score", "not_assessed"),
    [
        (4, 4, False),
        (1.0, 1, False),
        ("2", 2, False),
        ("3 Mostly in place", 3, False),
        ("not assessed", None, True),
        (None, None, False),
        ("  ", None, False),
    ],
)
def test_score_cells_that_are_understood(case, cell, score, not_assessed):
    case[1]["Scores"]["C7"] = cell
    if not_assessed:
        case[1]["Scores"]["D7"] = "Nobody available to audit files"
    parsed = _parse(case)
    assert parsed.problems == []
    row = parsed.scores[_first(case[0])]
    assert (row["score"], row["not_assessed"]) == (score, not_assessed)


@pytest.mark.parametrize("cell", [0, 5, 2.5, "three", "yes", True])
def test_score_cells_that_are_refused_name_the_cell_and_the_allowed_values(case, cell):
    case[1]["Scores"]["C7"] = cell
    assert [str(p) for p in _parse(case).problems] == [
        "Scores!C7: the score must be 1, 2, 3 or 4, or 'Not assessed' with a reason."
    ]


def test_a_reason_beside_a_score_is_questioned(case):
    case[1]["Scores"]["D7"] = "Forgot to clear this"
    assert [p.place for p in _parse(case).problems] == ["Scores!D7"]


def test_a_changed_indicator_code_is_named(case):
    case[1]["Scores"]["A7"] = "9.9"
    places = [str(p) for p in _parse(case).problems]
    assert "Scores!A7: '9.9' is not an indicator of this template. Do not change column A." in (
        places
    )
    assert any("the row for indicator 1.1 is missing" in p for p in places)


@pytest.mark.parametrize(
    ("value", "expected"), [(2.5, Decimal("2.50")), ("1.25", Decimal("1.25")), (0, Decimal("0"))]
)
def test_staff_can_be_part_time(case, value, expected):
    spec, workbook = case
    workbook["Caseload"].cell(figure_row(workbook, "staff_fte"), 2).value = value
    assert _parse(case).figures["staff_fte"] == expected


@pytest.mark.parametrize("value", [-1, 2.5, "lots"])
def test_counts_must_be_whole_numbers_of_zero_or_more(case, value):
    spec, workbook = case
    row = figure_row(workbook, "people_housed")
    workbook["Caseload"].cell(row, 2).value = value
    assert [str(p) for p in _parse(case).problems] == [
        f"Caseload!B{row}: People housed this quarter must be a whole number of 0 or more."
    ]


def test_a_draft_may_leave_cells_blank(case):
    spec, workbook = case
    workbook["Scores"]["C7"] = None
    workbook["Caseload"]["B6"] = None
    parsed = _parse(case)
    assert parsed.problems == []
    assert parsed.figures["people_supported"] is None


def test_formula_like_text_written_safely_reads_back_as_typed(case):
    spec, workbook = case
    workbook["Scores"]["E7"] = "'-- checked with the panel"
    assert _parse(case).scores[_first(spec)]["evidence"] == "-- checked with the panel"
