"""The instrument's own words: what it calls its sections and its report's title.

A framework version holds them as data ("principle", "domain", "standard"); every page, export,
chart, PDF and email that names a section or the report reads them from here, through
`FrameworkVersion.words` for the version in play (a return's own version; for a pilot's pages,
the version its figures are scored on). Pure: no ORM.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import capfirst


@dataclass(frozen=True)
class FrameworkWords:
    section: str = "principle"
    sections: str = "principles"
    report_title: str = "Housing First fidelity report"

    @property
    def section_heading(self) -> str:
        """The word at the start of a sentence or as a column heading: "Domain"."""
        return capfirst(self.section)

    @property
    def sections_heading(self) -> str:
        return capfirst(self.sections)

    def count(self, number: int) -> str:
        """The word for `number` sections: "1 domain", "3 domains"."""
        return f"{number} {self.section if number == 1 else self.sections}"


DEFAULT_WORDS = FrameworkWords()
