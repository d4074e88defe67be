"""A return as CSV and XLSX. Cells are neutralised against formula injection: a value that a
spreadsheet would run as a formula (starting = + - @, tab or carriage return) gets a leading '."""

from __future__ import annotations

import csv
import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from fidelity.returns.models import CASELOAD_FIELDS, QAReturn

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HEADER = ["Section", "Code", "Item", "Value", "Detail"]


def safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would treat as a formula is prefixed with '; numbers pass."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def return_rows(qa_return: QAReturn) -> list[list[Any]]:
    version = qa_return.framework_version
    labels = dict(version.scale.values_list("value", "label"))
    rows: list[list[Any]] = [
        ["Return", "", "Team", qa_return.team.name, ""],
        ["Return", "", "Quarter", qa_return.quarter_value.label, ""],
        ["Return", "", "Framework", str(version), ""],
        ["Return", "", "Status", qa_return.get_status_display(), ""],
        ["Return", "", "Deadline", qa_return.deadline.isoformat(), ""],
        [
            "Return",
            "",
            "Overall score",
            "" if qa_return.overall_score is None else float(qa_return.overall_score),
            "",
        ],
    ]
    for row in qa_return.scores.select_related("indicator__principle"):
        indicator = row.indicator
        if row.not_assessed:
            value, detail = "Not assessed", row.not_assessed_reason
        else:
            value = "" if row.score is None else row.score
            detail = labels.get(row.score, "")
        rows.append(
            [
                f"{indicator.principle.code} {indicator.principle.title}",
                indicator.code,
                indicator.text,
                value,
                detail,
            ]
        )
        rows.append(["Evidence", indicator.code, indicator.text, row.evidence, ""])
    for name in CASELOAD_FIELDS:
        value = getattr(qa_return, name)
        rows.append(
            [
                "Caseload",
                "",
                str(QAReturn._meta.get_field(name).verbose_name),
                "" if value is None else (float(value) if name == "staff_fte" else value),
                "",
            ]
        )
    for activity in qa_return.activities.all():
        rows.append(
            [
                "QA activity",
                activity.date.isoformat(),
                activity.get_kind_display(),
                "" if activity.count is None else activity.count,
                activity.finding,
            ]
        )
    return [[safe_cell(cell) for cell in row] for row in rows]


def return_csv(qa_return: QAReturn) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(return_rows(qa_return))
    return out.getvalue()


def return_xlsx(qa_return: QAReturn) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Return"
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in return_rows(qa_return):
        sheet.append(row)
    for letter, width in zip("ABCDE", (40, 10, 60, 40, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
