"""Spreadsheet files for the spreadsheet tests: the app's template, filled in as a person would
with openpyxl, and turned back into an upload. Hostile files are in ops.hostile_workbooks,
which the benchmark uploads too."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from common.quarters import Quarter
from fidelity.spreadsheets import services as spreadsheet_services
from partners.models import Team
from tests.fidelity.factories import GOOD_FIGURES

FIGURE_LABELS = {
    "people_supported": "People supported at quarter end",
    "new_referrals": "New referrals",
    "people_housed": "People housed this quarter",
    "tenancies_sustained": "Tenancies sustained",
    "sustained_6_months": "Tenancies sustained 6 months or more",
    "sustained_12_months": "Tenancies sustained 12 months or more",
    "tenancies_ended": "Tenancies ended this quarter",
    "ended_planned_move": "Ended: planned move",
    "ended_unknown": "Ended: reason unknown",
    "staff_fte": "Staff (full-time equivalent)",
    "support_contacts": "Support contacts",
}


def template(team: Team, quarter: Quarter) -> Workbook:
    return load_workbook(
        io.BytesIO(spreadsheet_services.return_template(team=team, quarter=quarter))
    )


def score_row(workbook: Workbook, code: str) -> int:
    """The Scores row of indicator `code`."""
    for row in range(1, workbook["Scores"].max_row + 1):
        if workbook["Scores"].cell(row, 1).value == code:
            return row
    raise LookupError(code)


def figure_row(workbook: Workbook, name: str) -> int:
    sheet = workbook["Caseload"]
    for row in range(1, sheet.max_row + 1):
        if sheet.cell(row, 1).value == FIGURE_LABELS[name]:
            return row
    raise LookupError(name)


def fill(workbook: Workbook, score=3, **figures) -> Workbook:
    """Every indicator scored `score` with evidence, and good caseload figures (overridden by
    `figures`)."""
    sheet = workbook["Scores"]
    for row in range(6, sheet.max_row + 1):
        code = sheet.cell(row, 1).value
        if code and "." in str(code):
            sheet.cell(row, 3).value = score
            sheet.cell(row, 5).value = f"Invented evidence for {code}"
    for name, value in {**GOOD_FIGURES, **figures}.items():
        workbook["Caseload"].cell(figure_row(workbook, name), 2).value = value
    return workbook


def upload(workbook: Workbook, name: str = "return.xlsx") -> SimpleUploadedFile:
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())
