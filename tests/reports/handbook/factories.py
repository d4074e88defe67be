"""Handbooks and versions for the pages' tests, saved directly (no build)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.utils import timezone

from common.quarters import Quarter
from reports.handbook.content import handbook_content
from reports.handbook.models import Handbook, HandbookVersion
from reports.jobs import JobStatus

# The test pilot's quarters with returns in `scored_world`.
Q1, Q2 = Quarter(2026, 1), Quarter(2026, 2)
INVENTED_HTML = "<!doctype html><html lang='en-GB'><body><h1>Invented handbook</h1></body></html>"


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
    lessons: str = "",
) -> HandbookVersion:
    """A version saved without laying it out (an invented PDF and stored file, the real content,
    which the public page is laid out from), made the handbook's current one."""
    content = handbook_content(
        pilot=handbook.pilot,
        first=handbook.first,
        last=handbook.last,
        foreword="",
        lessons=lessons,
        today=timezone.localdate(),
    )
    version = HandbookVersion(
        handbook=handbook,
        number=number,
        fingerprint=f"{number:064d}",
        content=content,
        page_count=3,
    )
    version.pdf.save("handbook.pdf", ContentFile(b"%PDF-1.7 invented"), save=False)
    version.html.save("handbook.html", ContentFile(INVENTED_HTML.encode()), save=False)
    version.save()
    handbook.current_version = version
    handbook.status = JobStatus.READY
    handbook.progress = 100
    handbook.save()
    return version
