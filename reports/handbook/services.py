"""Writes: requesting and building handbooks, the pilot's words, publishing a version.

A handbook's lifecycle is every background build's (reports/jobs.py): `handbook_request` saves it
as queued and sends it once the transaction commits; the worker's `handbook_build` gathers the
content (with the pilot's words), keeps the current version if the content's fingerprint is
unchanged, or lays out the HTML and the PDF as a new version; `handbooks_sweep` sends again what
was lost.
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from common.quarters import Quarter
from partners.models import Pilot, User

from .. import jobs
from . import selectors
from .content import fingerprint, handbook_content
from .models import Handbook, HandbookVersion, HandbookWords
from .render import HtmlVariant, handbook_html, handbook_pdf

HANDBOOK_JOB = jobs.JobKind(model=Handbook, task="reports.tasks.build_handbook", noun="handbook")


@transaction.atomic
def handbook_request(
    *,
    pilot: Pilot,
    first: Quarter | None = None,
    last: Quarter | None = None,
    user: User | None = None,
) -> Handbook:
    """Queues a (re)build of the pilot's handbook for a period; by default all of it
    (`selectors.default_period`). One handbook per pilot and period: asking again while it is
    queued or running changes nothing; asking after it is ready or failed queues a rebuild."""
    if first is None or last is None:
        default_first, default_last = selectors.default_period(
            pilot=pilot, today=timezone.localdate()
        )
        first, last = first or default_first, last or default_last
    if first.index > last.index:
        raise ValueError(f"A handbook's first quarter ({first}) comes before its last ({last}).")
    handbook, created = Handbook.objects.select_for_update().get_or_create(
        pilot=pilot,
        first_index=first.index,
        last_index=last.index,
        defaults={
            "first_year": first.year,
            "first_quarter": first.number,
            "last_year": last.year,
            "last_quarter": last.number,
        },
    )
    if jobs.job_request(handbook, created=created, user=user):
        handbook_id = handbook.pk
        transaction.on_commit(lambda: handbook_send(handbook_id=handbook_id))
    return handbook


def handbook_send(*, handbook_id: int) -> bool:
    """Hands a queued handbook to the broker; if the broker is down the sweep sends it later."""
    return jobs.job_send(kind=HANDBOOK_JOB, job_id=handbook_id)


def _progress(handbook_id: int, percent: int, stage: str) -> None:
    jobs.job_progress(kind=HANDBOOK_JOB, job_id=handbook_id, percent=percent, stage=stage)


def _save_version(
    handbook: Handbook, data: dict, data_fingerprint: str, today: datetime.date
) -> HandbookVersion:
    _progress(handbook.pk, 35, "Writing the web page")
    html = handbook_html(data, built_on=today, variant=HtmlVariant.FILE)
    _progress(handbook.pk, 50, "Laying out the PDF")
    pdf, page_count = handbook_pdf(data, built_on=today)
    _progress(handbook.pk, 90, "Saving the PDF and the web page")
    with transaction.atomic():
        version = HandbookVersion(
            handbook=handbook,
            number=jobs.next_version_number(handbook.versions.all()),
            fingerprint=data_fingerprint,
            content=data,
            page_count=page_count,
        )
        version.pdf.save("handbook.pdf", ContentFile(pdf), save=False)
        version.html.save("handbook.html", ContentFile(html.encode("utf-8")), save=False)
        version.save()
    return version


def _build(handbook: Handbook) -> tuple[HandbookVersion, str]:
    _progress(handbook.pk, 15, "Gathering the pilot's story")
    words = selectors.words_of(pilot=handbook.pilot)
    today = timezone.localdate()
    data = handbook_content(
        pilot=handbook.pilot,
        first=handbook.first,
        last=handbook.last,
        foreword=words.foreword,
        lessons=words.lessons,
        today=today,
    )
    data_fingerprint = fingerprint(data)
    return jobs.version_for(
        handbook,
        fingerprint=data_fingerprint,
        build=lambda: _save_version(handbook, data, data_fingerprint, today),
    )


def handbook_build(*, handbook_id: int, final_attempt: bool = True) -> Handbook | None:
    """Builds one handbook (reports/jobs.py: `job_run`). Returns None if it is not ours to build;
    raises jobs.BuildFailed after an error that a retry may cure. Emails whoever asked for it
    once it is ready."""
    handbook = jobs.job_run(
        kind=HANDBOOK_JOB,
        job_id=handbook_id,
        build=_build,
        final_attempt=final_attempt,
        related=("pilot",),
    )
    if handbook is not None and handbook.status == jobs.JobStatus.READY:
        jobs.notify_requester(
            handbook,
            subject=f"Your handbook is ready: {handbook}",
            what=f"The handbook you asked for ({handbook.pilot}, {handbook.period_label})",
            path=reverse("reports:handbook_detail", args=[handbook.pk]),
        )
    return handbook


def handbooks_sweep(*, now: datetime.datetime | None = None) -> int:
    """Sends again the handbooks the broker or a dead worker lost (reports/jobs.py:
    `jobs_sweep`). Returns how many were sent."""
    return jobs.jobs_sweep(kind=HANDBOOK_JOB, now=now)


def handbook_words_save(*, pilot: Pilot, foreword: str, lessons: str, user: User) -> HandbookWords:
    """Saves the pilot's foreword and lessons; the next handbook built says them."""
    words, _ = HandbookWords.objects.update_or_create(
        pilot=pilot, defaults={"foreword": foreword, "lessons": lessons, "updated_by": user}
    )
    return words


@transaction.atomic
def handbook_publish(*, version: HandbookVersion, user: User) -> HandbookVersion:
    """Makes `version` the one the pilot's public handbook URL shows, in place of any other."""
    Pilot.objects.select_for_update().get(pk=version.pilot_id)  # one publisher at a time
    HandbookVersion.objects.filter(pilot_id=version.pilot_id, published_at__isnull=False).exclude(
        pk=version.pk
    ).update(published_at=None, published_by=None)
    if version.published_at is None:
        version.published_at = timezone.now()
        version.published_by = user
        version.save(update_fields=["published_at", "published_by"])
    return version


@transaction.atomic
def handbook_unpublish(*, version: HandbookVersion) -> HandbookVersion:
    """Takes `version` off the public URL, which then answers 404."""
    version.published_at = None
    version.published_by = None
    version.save(update_fields=["published_at", "published_by"])
    return version
