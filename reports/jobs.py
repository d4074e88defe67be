"""Background builds, whatever they build: the lifecycle shared by quarterly reports and handbooks.

A job is a row (a `BuildJob`) holding its status, progress, error and timings:

- a request saves it as queued (`job_request`) and, once the transaction commits, the caller
  hands it to the broker (`job_send`); with the broker down it stays queued and unsent;
- a worker claims it (`job_claim`: queued, or running with a stale heartbeat), reports progress
  with heartbeats (`job_progress`), and marks it ready with its current version, or queued again
  after an error (the task retries with back-off: `run_build_task`), or failed on the last
  attempt (`job_run` does all three);
- building from the same data keeps the current version (`version_for`: same fingerprint);
- `jobs_sweep`, run every few minutes by Celery beat, sends again what the broker or a dead
  worker lost; a job whose worker died too often ends failed. Nothing stays running for ever.

What differs between kinds of job (the model, the Celery task, the word for it) is a `JobKind`.
The timings are the REPORTS_* settings, shared by every kind.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from celery import Task
from django.conf import settings
from django.core.mail import send_mail
from django.db import models
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


class JobStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class BuildJob(models.Model):
    """The lifecycle fields of a background build. A concrete job adds what it builds, its
    `versions` (each with `number` and `fingerprint`) and a `current_version`."""

    status = models.CharField(max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done.")
    stage = models.CharField(max_length=100, blank=True, help_text="What the build is doing.")
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    queued_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(
        null=True, blank=True, help_text="When the job was handed to the broker; empty if not yet."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life from the worker building it."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_done(self) -> bool:
        return self.status in (JobStatus.READY, JobStatus.FAILED)


# The lifecycle fields, in the order the admin shows them (read-only there).
JOB_FIELDS = [
    "status",
    "progress",
    "stage",
    "error",
    "attempts",
    "requested_by",
    "queued_at",
    "sent_at",
    "started_at",
    "heartbeat_at",
    "finished_at",
]


@dataclass(frozen=True)
class JobKind:
    """One kind of job: its model, the dotted path of the Celery task that builds one (imported
    when first sent: the tasks module imports the services that name the kind) and its noun."""

    model: type[BuildJob]
    task: str
    noun: str

    @property
    def objects(self) -> QuerySet:
        return self.model.objects.all()

    def celery_task(self) -> Task:
        return import_string(self.task)


class BuildFailed(Exception):
    """A build failed but may be tried again; the job is back in the queue."""


def _stale_before(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(minutes=settings.REPORTS_STALE_AFTER_MINUTES)


def job_request(job: BuildJob, *, created: bool, user: Any | None) -> bool:
    """Queues `job` (fetched for update) again unless it is waiting or being built already.

    Returns whether it was queued: the caller then sends it once the transaction commits. Asking
    while it is queued or running changes nothing but who is told when it is ready (if nobody
    was); asking after it is ready or failed queues a rebuild.
    """
    if not created and job.status in (JobStatus.QUEUED, JobStatus.RUNNING):
        if user is not None and job.requested_by_id is None:
            job.requested_by = user
            job.save(update_fields=["requested_by"])
        return False
    job.status = JobStatus.QUEUED
    job.progress = 0
    job.stage = "Waiting for a worker"
    job.error = ""
    job.attempts = 0
    job.requested_by = user
    job.queued_at = timezone.now()
    job.sent_at = job.started_at = job.heartbeat_at = job.finished_at = None
    job.save()
    return True


def job_send(*, kind: JobKind, job_id: int) -> bool:
    """Hands a queued job to the broker. If the broker is down, it stays queued and unsent
    (sent_at empty) for the sweep to send later; the person asking sees no error."""
    queued = kind.objects.filter(pk=job_id, status=JobStatus.QUEUED)
    queued.update(sent_at=timezone.now())
    try:
        kind.celery_task().apply_async(args=[job_id], retry=False)
    except Exception:
        log.warning("Broker unavailable; %s %s stays queued for the sweep", kind.noun, job_id)
        queued.update(sent_at=None)
        return False
    return True


def job_claim(*, kind: JobKind, job_id: int, now: datetime.datetime) -> bool:
    """Marks the job running if nobody else is building it. Returns whether we got it."""
    claimable = Q(status=JobStatus.QUEUED) | Q(
        status=JobStatus.RUNNING, heartbeat_at__lt=_stale_before(now)
    )
    job = kind.objects.filter(claimable, pk=job_id).first()
    if job is None:
        return False
    return bool(
        kind.objects.filter(claimable, pk=job_id).update(
            status=JobStatus.RUNNING,
            started_at=now,
            heartbeat_at=now,
            progress=5,
            stage="Started",
            attempts=job.attempts + 1,
        )
    )


def job_progress(*, kind: JobKind, job_id: int, percent: int, stage: str) -> None:
    """Says how far the build is, which is also its heartbeat."""
    kind.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(
        progress=percent, stage=stage, heartbeat_at=timezone.now()
    )


def next_version_number(versions: QuerySet) -> int:
    return (versions.aggregate(last=Max("number"))["last"] or 0) + 1


def version_for(job: BuildJob, *, fingerprint: str, build: Callable[[], Any]) -> tuple[Any, str]:
    """The job's current version if it was built from the same data, else a new one from
    `build()`; with the stage to show."""
    current = job.current_version
    if current is not None and current.fingerprint == fingerprint:
        return current, f"No change since version {current.number}"
    version = build()
    return version, f"Version {version.number} built"


def job_run(
    *,
    kind: JobKind,
    job_id: int,
    build: Callable[[Any], tuple[Any, str]],
    final_attempt: bool = True,
    related: tuple[str, ...] = (),
) -> Any | None:
    """Claims the job and runs `build(job)`, which returns (version, stage). Returns the job as it
    ended, or None if it was not ours to build (done, or someone is on it).

    On an error the job goes back to the queue and BuildFailed is raised, so the task can retry
    with back-off; on the final attempt it is marked failed with the error instead.
    """
    if not job_claim(kind=kind, job_id=job_id, now=timezone.now()):
        log.info("%s %s is not waiting to be built; nothing to do", kind.noun.title(), job_id)
        return None
    job = kind.objects.select_related("current_version", "requested_by", *related).get(pk=job_id)
    try:
        version, stage = build(job)
    except Exception as error:
        message = f"{type(error).__name__}: {error}"
        log.exception("Building %s %s failed", kind.noun, job_id)
        if not final_attempt:
            kind.objects.filter(pk=job_id).update(
                status=JobStatus.QUEUED, stage="Trying again after an error", error=message
            )
            raise BuildFailed(message) from error
        kind.objects.filter(pk=job_id).update(
            status=JobStatus.FAILED, stage="Failed", error=message, finished_at=timezone.now()
        )
        return kind.objects.get(pk=job_id)
    kind.objects.filter(pk=job_id).update(
        status=JobStatus.READY,
        progress=100,
        stage=stage,
        error="",
        current_version=version,
        finished_at=timezone.now(),
    )
    job.refresh_from_db()
    return job


def run_build_task(task: Task, build: Callable[[bool], Any]) -> None:
    """The body of a build task (bound, acks_late, max_retries set): `build(final_attempt)`, and
    on BuildFailed a retry after an exponential back-off."""
    final = task.request.retries >= task.max_retries
    try:
        build(final)
    except BuildFailed as error:
        countdown = settings.REPORTS_RETRY_BACKOFF_SECONDS * 2**task.request.retries
        raise task.retry(exc=error, countdown=countdown) from error


def jobs_sweep(*, kind: JobKind, now: datetime.datetime | None = None) -> int:
    """Sends again what was lost: jobs whose worker stopped (stale heartbeat), jobs never handed
    to the broker, and jobs handed over long ago but never started. Returns how many were sent.
    A job whose worker stopped too often is marked failed instead."""
    now = now or timezone.now()
    stale = _stale_before(now)
    stalled = kind.objects.filter(status=JobStatus.RUNNING).filter(
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale)
    )
    stalled.filter(attempts__gte=settings.REPORTS_MAX_ATTEMPTS).update(
        status=JobStatus.FAILED,
        stage="Failed",
        error=f"The worker stopped each time it built this {kind.noun}.",
        finished_at=now,
    )
    stalled.update(status=JobStatus.QUEUED, stage="Restarting after the worker stopped")
    due = kind.objects.filter(status=JobStatus.QUEUED).filter(
        Q(sent_at__isnull=True) | Q(sent_at__lt=stale)
    )
    return sum(job_send(kind=kind, job_id=pk) for pk in due.values_list("pk", flat=True))


def notify_requester(job: BuildJob, *, subject: str, what: str, path: str) -> None:
    """Emails whoever asked for the job that `what` is ready, with a link to `path`. A mail that
    cannot be sent is logged, never raised: the build itself succeeded."""
    user = job.requested_by
    if user is None or not user.email:
        return
    link = settings.REPORTS_SITE_URL.rstrip("/") + path
    try:
        send_mail(
            subject=subject,
            message=(
                f"Hello {user.get_full_name() or user.get_username()},\n\n"
                f"{what} is ready.\n\n"
                f"Download it here: {link}\n"
            ),
            from_email=None,
            recipient_list=[user.email],
        )
    except Exception:
        log.exception("Could not email %s that %s is ready", user, job)
