"""Writes: requesting, building, sweeping and scheduling reports.

The lifecycle of a report is every background build's (reports/jobs.py): `report_request` saves
it as queued and, once the transaction commits, hands it to the broker (`report_send`). A
worker's `report_build` claims it (queued, or running with a stale heartbeat), builds the content,
and either keeps the current version (same fingerprint) or saves a new one. If the broker was
down, or the worker died, `reports_sweep` sends it again; nothing is lost and nothing stays
"running" for ever.
"""

from __future__ import annotations

import datetime

from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from common.quarters import Quarter
from partners.models import LocalAuthority, Organisation, Pilot, User, Zone

from . import content as report_data
from . import jobs
from .models import QuarterlySet, Report, ReportStatus, ReportVersion, ScopeKind
from .render import render_charts, render_pdf, report_html

ScopeObject = Pilot | Zone | LocalAuthority | Organisation
SCOPE_FIELDS = {
    ScopeKind.PILOT: None,
    ScopeKind.ZONE: "zone",
    ScopeKind.LOCAL_AUTHORITY: "local_authority",
    ScopeKind.ORGANISATION: "organisation",
}
REPORT_JOB = jobs.JobKind(model=Report, task="reports.tasks.build_report", noun="report")


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
    if jobs.job_request(report, created=created, user=user):
        report_id = report.pk
        transaction.on_commit(lambda: report_send(report_id=report_id))
    return report


def report_send(*, report_id: int) -> bool:
    """Hands a queued report to the broker; if the broker is down the sweep sends it later."""
    return jobs.job_send(kind=REPORT_JOB, job_id=report_id)


def _progress(report_id: int, percent: int, stage: str) -> None:
    jobs.job_progress(kind=REPORT_JOB, job_id=report_id, percent=percent, stage=stage)


def _save_version(report: Report, data: dict, fingerprint: str) -> ReportVersion:
    _progress(report.pk, 30, "Drawing charts")
    charts = render_charts(data)
    _progress(report.pk, 45, "Laying out the PDF")
    html = report_html(data, built_on=timezone.localdate(), charts=charts)
    pdf, page_count = render_pdf(html)
    _progress(report.pk, 90, "Saving the PDF")
    with transaction.atomic():
        version = ReportVersion(
            report=report,
            number=jobs.next_version_number(report.versions.all()),
            fingerprint=fingerprint,
            content=data,
            page_count=page_count,
        )
        version.pdf.save(f"v{version.number}.pdf", ContentFile(pdf), save=False)
        version.save()
    return version


def _build(report: Report) -> tuple[ReportVersion, str]:
    _progress(report.pk, 15, "Gathering scores")
    data = report_data.report_content(report, today=timezone.localdate())
    fingerprint = report_data.fingerprint(data)
    return jobs.version_for(
        report, fingerprint=fingerprint, build=lambda: _save_version(report, data, fingerprint)
    )


def report_build(*, report_id: int, final_attempt: bool = True) -> Report | None:
    """Builds one report (reports/jobs.py: `job_run`). Returns None if it is not ours to build;
    raises jobs.BuildFailed after an error that a retry may cure. Emails whoever asked for it
    once it is ready."""
    report = jobs.job_run(
        kind=REPORT_JOB,
        job_id=report_id,
        build=_build,
        final_attempt=final_attempt,
        related=("pilot", "zone", "local_authority", "organisation"),
    )
    if report is not None and report.status == ReportStatus.READY:
        jobs.notify_requester(
            report,
            subject=f"Your fidelity report is ready: {report}",
            what=(
                f"The fidelity report you asked for ({report.get_scope_kind_display().lower()} "
                f"{report.scope_name}, {report.quarter_value.label})"
            ),
            path=reverse("reports:detail", args=[report.pk]),
        )
    return report


def reports_sweep(*, now: datetime.datetime | None = None) -> int:
    """Sends again the reports the broker or a dead worker lost (reports/jobs.py: `jobs_sweep`).
    Returns how many were sent."""
    return jobs.jobs_sweep(kind=REPORT_JOB, now=now)


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
