"""Quarters as plain values, following a pilot's convention.

A quarter is named by the year its reporting year starts in and its number: under the UK
financial year convention, (2026, 1) is April to June 2026 and (2026, 4) is January to March 2027;
under the calendar convention, (2026, 1) is January to March 2026.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

FINANCIAL = "financial"
CALENDAR = "calendar"


@dataclass(frozen=True, order=True)
class Quarter:
    year: int
    number: int
    convention: str = FINANCIAL

    def __post_init__(self) -> None:
        if self.number not in (1, 2, 3, 4):
            raise ValueError(f"A quarter is numbered 1 to 4, not {self.number}.")
        if self.convention not in (FINANCIAL, CALENDAR):
            raise ValueError(f"Unknown quarter convention {self.convention!r}.")

    @classmethod
    def from_index(cls, index: int, convention: str = FINANCIAL) -> Quarter:
        return cls(index // 4, index % 4 + 1, convention)

    @classmethod
    def containing(cls, day: datetime.date, convention: str = FINANCIAL) -> Quarter:
        month_offset = 3 if convention == FINANCIAL else 0
        months = day.year * 12 + day.month - 1 - month_offset
        return cls(months // 12, (months % 12) // 3 + 1, convention)

    @property
    def index(self) -> int:
        """A whole number that orders quarters: consecutive quarters differ by one."""
        return self.year * 4 + self.number - 1

    @property
    def start(self) -> datetime.date:
        month_offset = 3 if self.convention == FINANCIAL else 0
        months = self.year * 12 + (self.number - 1) * 3 + month_offset
        return datetime.date(months // 12, months % 12 + 1, 1)

    @property
    def end(self) -> datetime.date:
        last = self.start.replace(day=1)
        month = last.month + 2
        year = last.year + (month - 1) // 12
        month = (month - 1) % 12 + 1
        return datetime.date(year, month, calendar.monthrange(year, month)[1])

    def deadline(self, days_after_end: int = 20) -> datetime.date:
        return self.end + datetime.timedelta(days=days_after_end)

    def previous(self) -> Quarter:
        return Quarter.from_index(self.index - 1, self.convention)

    def next(self) -> Quarter:
        return Quarter.from_index(self.index + 1, self.convention)

    def back(self, count: int) -> list[Quarter]:
        """This quarter and the `count - 1` before it, oldest first."""
        return [
            Quarter.from_index(i, self.convention)
            for i in range(self.index - count + 1, self.index + 1)
        ]

    @property
    def label(self) -> str:
        if self.convention == FINANCIAL:
            return f"{self.year}-{(self.year + 1) % 100:02d} Q{self.number}"
        return f"{self.year} Q{self.number}"

    @property
    def long_label(self) -> str:
        return f"{self.label} ({self.start:%b %Y} to {self.end:%b %Y})"

    @property
    def slug(self) -> str:
        return f"{self.year}-q{self.number}"

    @classmethod
    def from_slug(cls, slug: str, convention: str = FINANCIAL) -> Quarter:
        """Parses '2026-q1'; raises ValueError on anything else."""
        year, _, number = slug.lower().partition("-q")
        if not (year.isdigit() and number.isdigit() and len(year) == 4):
            raise ValueError(f"Not a quarter: {slug!r}")
        return cls(int(year), int(number), convention)

    def __str__(self) -> str:
        return self.label
