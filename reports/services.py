"""Writes: requesting, building, sweeping and scheduling reports.

The lifecycle of a report: `report_request` saves it as queued and, once the transaction commits,
hands it to the broker (`report_send`). A worker's `report_build` claims it (queued, or running
with a stale heartbeat), builds the content, and either keeps the current version (same
fingerprint) or saves a new one. If the broker was down, or the worker died, `reports_sweep`
sends it again; nothing is lost and nothing stays "running" for ever.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from common.quarters import Quarter
from partners.models import LocalAuthority, Organisation, Pilot, User, Zone

from . import content as report_data
from .models import QuarterlySet, Report, ReportStatus, ReportVersion, ScopeKind
from .render import render_charts, render_pdf, report_html

log = logging.getLogger(__name__)

ScopeObject = Pilot | Zone | LocalAuthority | Organisation
SCOPE_FIELDS = {
    ScopeKind.PILOT: None,
    ScopeKind.ZONE: "zone",
    ScopeKind.LOCAL_AUTHORITY: "local_authority",
    ScopeKind.ORGANISATION: "organisation",
}


class ReportBuildFailed(Exception):
    """A build failed but may be tried again; the report is back in the queue."""


def _stale_before(now: datetime.datetime) -> datetime.datetime:
    return now - datetime.timedelta(minutes=settings.REPORTS_STALE_AFTER_MINUTES)


def scope_kind_of(scope: ScopeObject) -> str:
    return {
        Pilot: ScopeKind.PILOT,
        Zone: ScopeKind.ZONE,
        LocalAuthority: ScopeKind.LOCAL_AUTHORITY,
        Organisation: ScopeKind.ORGANISATION,
    }[type(scope)]


def scope_pilot(scope: ScopeObject) -> Pilot:
    if isinstance(scope, Pilot):
        return scope
    if isinstance(scope, LocalAuthority):
        return scope.zone.pilot
    return scope.pilot


@transaction.atomic
def report_request(*, scope: ScopeObject, quarter: Quarter, user: User | None = None) -> Report:
    """Queues a (re)build of the scope's report for the quarter.

    One report row per scope and quarter: asking again while it is queued or running changes
    nothing; asking after it is ready or failed queues a rebuild (older versions are kept).
    """
    kind = scope_kind_of(scope)
    pilot = scope_pilot(scope)
    field = SCOPE_FIELDS[kind]
    report, created = Report.objects.select_for_update().get_or_create(
        scope_key=f"{kind}:{scope.pk}",
        quarter_index=quarter.index,
        defaults={
            "pilot": pilot,
            "scope_kind": kind,
            "year": quarter.year,
            "quarter": quarter.number,
            **({field: scope} if field else {}),
        },
    )
    if not created and report.status in (ReportStatus.QUEUED, ReportStatus.RUNNING):
        if user is not None and report.requested_by_id is None:
            report.requested_by = user
            report.save(update_fields=["requested_by"])
        return report
    report.status = ReportStatus.QUEUED
    report.progress = 0
    report.stage = "Waiting for a worker"
    report.error = ""
    report.attempts = 0
    report.requested_by = user
    report.queued_at = timezone.now()
    report.sent_at = report.started_at = report.heartbeat_at = report.finished_at = None
    report.save()
    report_id = report.pk
    transaction.on_commit(lambda: report_send(report_id=report_id))
    return report


def report_send(*, report_id: int) -> bool:
    """Hands a queued report to the broker. If the broker is down, it stays queued and unsent
    (sent_at empty) for the sweep to send later; the person asking sees no error."""
    from .tasks import build_report

    Report.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(sent_at=timezone.now())
    try:
        build_report.apply_async(args=[report_id], retry=False)
    except Exception:
        log.warning("Broker unavailable; report %s stays queued for the sweep", report_id)
        Report.objects.filter(pk=report_id, status=ReportStatus.QUEUED).update(sent_at=None)
        return False
    return True


def _claim(report_id: int, now: datetime.datetime) -> bool:
    """Marks the report running if nobody else is building it. Returns whether we got it."""
    claimable = Q(status=ReportStatus.QUEUED) | Q(
        status=ReportStatus.RUNNING, heartbeat_at__lt=_stale_before(now)
    )
    report = Report.objects.filter(claimable, pk=report_id).first()
    if report is None:
        return False
    return bool(
        Report.objects.filter(claimable, pk=report_id).update(
            status=ReportStatus.RUNNING,
            started_at=now,
            heartbeat_at=now,
            progress=5,
            stage="Started",
            attempts=report.attempts + 1,
        )
    )


def _progress(report_id: int, percent: int, stage: str) -> None:
    Report.objects.filter(pk=report_id, status=ReportStatus.RUNNING).update(
        progress=percent, stage=stage, heartbeat_at=timezone.now()
    )


def _save_version(report: Report, data: dict, fingerprint: str) -> ReportVersion:
    _progress(report.pk, 30, "Drawing charts")
    charts = render_charts(data)
    _progress(report.pk, 45, "Laying out the PDF")
    html = report_html(data, built_on=timezone.localdate(), charts=charts)
    pdf, page_count = render_pdf(html)
    _progress(report.pk, 90, "Saving the PDF")
    with transaction.atomic():
        last = report.versions.aggregate(last=Max("number"))["last"] or 0
        version = ReportVersion(
            report=report,
            number=last + 1,
            fingerprint=fingerprint,
            content=data,
            page_count=page_count,
        )
        version.pdf.save(f"v{version.number}.pdf", ContentFile(pdf), save=False)
        version.save()
    return version


def report_build(*, report_id: int, final_attempt: bool = True) -> Report | None:
    """Builds one report. Returns None if it is not ours to build (done, or someone is on it).

    On an error the report goes back to the queue and ReportBuildFailed is raised, so the task
    can retry with back-off; on the final attempt it is marked failed with the error instead.
    """
    if not _claim(report_id, timezone.now()):
        log.info("Report %s is not waiting to be built; nothing to do", report_id)
        return None
    report = Report.objects.select_related(
        "pilot", "zone", "local_authority", "organisation", "current_version", "requested_by"
    ).get(pk=report_id)
    try:
        _progress(report_id, 15, "Gathering scores")
        data = report_data.report_content(report, today=timezone.localdate())
        fingerprint = report_data.fingerprint(data)
        current = report.current_version
        if current is not None and current.fingerprint == fingerprint:
            version = current
            stage = f"No change since version {current.number}"
        else:
            version = _save_version(report, data, fingerprint)
            stage = f"Version {version.number} built"
    except Exception as error:
        message = f"{type(error).__name__}: {error}"
        log.exception("Building report %s failed", report_id)
        if not final_attempt:
            Report.objects.filter(pk=report_id).update(
                status=ReportStatus.QUEUED, stage="Trying again after an error", error=message
            )
            raise ReportBuildFailed(message) from error
        Report.objects.filter(pk=report_id).update(
            status=ReportStatus.FAILED, stage="Failed", error=message, finished_at=timezone.now()
        )
        return Report.objects.get(pk=report_id)
    Report.objects.filter(pk=report_id).update(
        status=ReportStatus.READY,
        progress=100,
        stage=stage,
        error="",
        current_version=version,
        finished_at=timezone.now(),
    )
    report.refresh_from_db()
    _notify_ready(report)
    return report


def _notify_ready(report: Report) -> None:
    user = report.requested_by
    if user is None or not user.email:
        return
    link = settings.REPORTS_SITE_URL.rstrip("/") + reverse("reports:detail", args=[report.pk])
    try:
        _send_ready_mail(report, user, link)
    except Exception:
        log.exception("Could not email %s that report %s is ready", user, report.pk)


def _send_ready_mail(report: Report, user: User, link: str) -> None:
    send_mail(
        subject=f"Your fidelity report is ready: {report}",
        message=(
            f"Hello {user.get_full_name() or user.get_username()},\n\n"
            f"The fidelity report you asked for ({report.get_scope_kind_display().lower()} "
            f"{report.scope_name}, {report.quarter_value.label}) is ready.\n\n"
            f"Download it here: {link}\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )


def reports_sweep(*, now: datetime.datetime | None = None) -> int:
    """Sends again what was lost: reports whose worker stopped (stale heartbeat), reports never
    handed to the broker, and reports handed over long ago but never started. Returns how many
    were sent. A report whose worker stopped too often is marked failed instead."""
    now = now or timezone.now()
    stale = _stale_before(now)
    stalled = Report.objects.filter(status=ReportStatus.RUNNING).filter(
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, started_at__lt=stale)
    )
    stalled.filter(attempts__gte=settings.REPORTS_MAX_ATTEMPTS).update(
        status=ReportStatus.FAILED,
        stage="Failed",
        error="The worker stopped each time it built this report.",
        finished_at=now,
    )
    stalled.update(status=ReportStatus.QUEUED, stage="Restarting after the worker stopped")
    due = Report.objects.filter(status=ReportStatus.QUEUED).filter(
        Q(sent_at__isnull=True) | Q(sent_at__lt=stale)
    )
    return sum(report_send(report_id=pk) for pk in due.values_list("pk", flat=True))


def quarter_scopes(*, pilot: Pilot) -> list[ScopeObject]:
    """The full set: the pilot, each zone, each local authority and each partner organisation."""
    return [
        pilot,
        *pilot.zones.all(),
        *LocalAuthority.objects.filter(zone__pilot=pilot),
        *pilot.organisations.all(),
    ]


@transaction.atomic
def report_set_request(*, pilot: Pilot, quarter: Quarter, user: User | None = None) -> list[Report]:
    return [
        report_request(scope=scope, quarter=quarter, user=user)
        for scope in quarter_scopes(pilot=pilot)
    ]


def reports_request_due_sets(*, today: datetime.date | None = None) -> list[QuarterlySet]:
    """For each pilot whose last quarter's return deadline has passed and which has no set for
    that quarter yet, queues the full set. Run daily by Celery beat; safe to run any time."""
    today = today or timezone.localdate()
    started = []
    for pilot in Pilot.objects.all():
        quarter = Quarter.containing(today, pilot.quarter_convention).previous()
        if today <= quarter.deadline(pilot.return_deadline_days):
            continue
        with transaction.atomic():
            marker, created = QuarterlySet.objects.get_or_create(
                pilot=pilot, year=quarter.year, quarter=quarter.number
            )
            if created:
                report_set_request(pilot=pilot, quarter=quarter)
                started.append(marker)
    return started
