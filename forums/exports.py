"""The challenge summary as a table, written as CSV by common.downloads."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.formats import date_format

from common.downloads import Table
from fidelity.frameworks.words import FrameworkWords

from .selectors import PrincipleSection

# The columns after the first, which the framework's word for a section heads.
CSV_HEADER = [
    "Latest score",
    "Band",
    "Change on previous quarter",
    "Theme",
    "Type",
    "Text",
    "Shared challenge",
    "Local authorities raising it",
    "Local authorities",
    "Sessions raising it",
    "Themes",
    "Actions (owner, status, due)",
]


def _headline_cells(section: PrincipleSection) -> list[str]:
    headline = section.headline
    if headline is None or headline.score is None:
        return ["", "", ""]
    if headline.change is None:
        change = ""
    elif headline.change == 0:
        change = "no change"
    else:
        change = f"{'up' if headline.change > 0 else 'down'} {abs(headline.change)}"
    return [str(headline.score), headline.band_name or "", change]


def summary_table(sections: Iterable[PrincipleSection], *, words: FrameworkWords) -> Table:
    """One row per challenge and per good-practice example. Cells are as typed: the download
    neutralises any that a spreadsheet would run as a formula."""
    rows: list[list[str]] = []
    for section in sections:
        scores = _headline_cells(section)
        for theme in section.themes:
            for item in theme.items:
                actions = "; ".join(
                    f"{a.what} ({a.owner}, {a.status_label}"
                    + (f", due {date_format(a.due_date)})" if a.due_date else ")")
                    for a in item.actions
                )
                rows.append(
                    [
                        section.label,
                        *scores,
                        theme.name,
                        "Challenge",
                        item.title,
                        "Yes" if item.shared else "No",
                        str(item.la_count),
                        ", ".join(item.local_authorities),
                        str(item.sessions_count),
                        ", ".join(item.themes),
                        actions,
                    ]
                )
        for example in section.good_practice:
            text = example.text
            if example.organisation:
                text = f"{text} ({example.organisation.name})"
            rows.append([section.label, *scores, "", "Good practice", text, *[""] * 6])
    return Table("Forum challenge summary", [words.section_heading, *CSV_HEADER], rows)
