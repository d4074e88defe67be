"""A report's content keeps dates as ISO text (it feeds the fingerprint); the PDF shows them as
every page does, "20 October 2026"."""

import datetime

from django import template

register = template.Library()


@register.filter
def iso_date(value: str | None) -> datetime.date | None:
    """The date an ISO "2026-10-20" names, which the template prints in DATE_FORMAT."""
    return datetime.date.fromisoformat(value) if value else None
