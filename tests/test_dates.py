"""Dates read the same everywhere (docs/figures.md): "20 October 2026", and a time of day as
"30 July 2026, 19:42" in UK time, whatever the page, email or PDF prints them with."""

import datetime

from django.template import Context, Template
from django.utils.formats import date_format


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_a_date_reads_as_day_month_in_full_and_year():
    deadline = datetime.date(2026, 10, 20)
    assert render("{{ deadline }}", deadline=deadline) == "20 October 2026"
    assert date_format(deadline) == "20 October 2026"


def test_a_time_reads_as_the_day_and_the_uk_time_of_day():
    submitted = datetime.datetime(2026, 7, 30, 18, 42, 53, 841673, tzinfo=datetime.UTC)
    assert render("{{ submitted }}", submitted=submitted) == "30 July 2026, 19:42"
    assert render("{{ submitted|date }}", submitted=submitted) == "30 July 2026"
