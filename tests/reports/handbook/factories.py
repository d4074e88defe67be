"""Handbooks and versions for the pages' tests, saved directly (no build)."""

from __future__ import annotations

from django.core.files.base import ContentFile

from common.quarters import Quarter
from reports.handbook.models import Handbook, HandbookVersion
from reports.jobs import JobStatus

# The test pilot's quarters with returns in `scored_world`.
Q1, Q2 = Quarter(2026, 1), Quarter(2026, 2)


def made_handbook(pilot, first: Quarter = Q1, last: Quarter = Q2, **fields) -> Handbook:
    return Handbook.objects.create(
        pilot=pilot,
        first_year=first.year,
        first_quarter=first.number,
        last_year=last.year,
        last_quarter=last.number,
        **fields,
    )


def made_version(
    handbook: Handbook,
    *,
    number: int = 1,
    html: str = "<!doctype html><html lang='en-GB'><body><h1>Invented handbook</h1></body></html>",
) -> HandbookVersion:
    """A version saved without building it, made the handbook's current one."""
    version = HandbookVersion(
        handbook=handbook, number=number, fingerprint=f"{number:064d}", content={}, page_count=3
    )
    version.pdf.save("handbook.pdf", ContentFile(b"%PDF-1.7 invented"), save=False)
    version.html.save("handbook.html", ContentFile(html.encode()), save=False)
    version.save()
    handbook.current_version = version
    handbook.status = JobStatus.READY
    handbook.progress = 100
    handbook.save()
    return version
