"""The pilot's improvement actions as one table for CSV and XLSX downloads. Rows hold plain values
(dates as dates, None for a blank); common.downloads makes them safe and typed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone

from common.downloads import Table
from fidelity.frameworks.words import FrameworkWords
from fidelity.improvement.models import ImprovementAction


def _headers(words: FrameworkWords) -> list[str]:
    return [
        "Team",
        "Raised on",
        words.section_heading,
        "Indicator",
        "What will change",
        "Owner",
        "Target quarter",
        "Target quarter ends",
        "Status",
        "Overdue",
        "Progress note",
        "Last updated",
    ]


def _row(action: ImprovementAction, current_index: int) -> list[Any]:
    target = action.target_quarter
    return [
        action.team.name,
        action.qa_return.quarter_value.label,
        action.principle_code,
        f"{action.indicator.code} {action.indicator.text}",
        action.what,
        action.owner,
        target.label if target else None,
        target.end if target else None,
        action.get_status_display(),
        "Yes" if action.is_overdue(current_index) else "No",
        action.update_note,
        timezone.localdate(action.updated),
    ]


def improvement_actions_table(
    *, actions: Iterable[ImprovementAction], current_index: int, words: FrameworkWords
) -> Table:
    """One row per action; `current_index` is this quarter's, which decides what is overdue."""
    return Table(
        title="Improvement actions",
        headers=_headers(words),
        rows=[_row(action, current_index) for action in actions],
    )
