"""A return as one table for CSV and XLSX downloads. Rows hold plain values (dates as dates,
Decimals as Decimals, None for a blank); common.downloads makes them safe and typed."""

from __future__ import annotations

from typing import Any

from common.downloads import Table
from fidelity.measures.selectors import return_measure_answers
from fidelity.returns.models import CASELOAD_FIELDS, QAReturn

HEADER = ["Section", "Code", "Item", "Value", "Detail"]


def _rows(qa_return: QAReturn) -> list[list[Any]]:
    version = qa_return.framework_version
    labels = dict(version.scale.values_list("value", "label"))
    rows: list[list[Any]] = [
        ["Return", None, "Team", qa_return.team.name, None],
        ["Return", None, "Quarter", qa_return.quarter_value.label, None],
        ["Return", None, "Framework", str(version), None],
        ["Return", None, "Status", qa_return.get_status_display(), None],
        ["Return", None, "Deadline", qa_return.deadline, None],
        ["Return", None, "Overall score", qa_return.overall_score, None],
    ]
    for row in qa_return.scores.select_related("indicator__principle"):
        indicator = row.indicator
        if row.not_assessed:
            value, detail = "Not assessed", row.not_assessed_reason
        else:
            value, detail = row.score, labels.get(row.score)
        rows.append(
            [
                f"{indicator.principle.code} {indicator.principle.title}",
                indicator.code,
                indicator.text,
                value,
                detail,
            ]
        )
        rows.append(["Evidence", indicator.code, indicator.text, row.evidence, None])
    for name in CASELOAD_FIELDS:
        label = str(QAReturn._meta.get_field(name).verbose_name)
        rows.append(["Caseload", None, label, getattr(qa_return, name), None])
    for measure, value in return_measure_answers(qa_return=qa_return):
        rows.append(["Pilot measure", None, measure.name, value, None])
    for activity in qa_return.activities.all():
        rows.append(
            [
                "QA activity",
                activity.date,
                activity.get_kind_display(),
                activity.count,
                activity.finding,
            ]
        )
    return rows


def return_table(*, qa_return: QAReturn) -> Table:
    return Table(title="Return", headers=HEADER, rows=_rows(qa_return))
