"""Celery tasks for reports and handbooks: thin wrappers that take ids and call services.

`build_report` and `build_handbook` are acknowledged late (a worker killed mid-build leaves the
message for another worker, and the sweep catches what the broker does not) and retry with
exponential back-off (reports/jobs.py: `run_build_task`).
"""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from common.quarters import Quarter
from partners.models import Pilot

from . import services
from .handbook import services as handbook_services
from .jobs import run_build_task
from .reminders.services import digests_send, reminders_send


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def build_report(self, report_id: int) -> None:
    run_build_task(
        self, lambda final: services.report_build(report_id=report_id, final_attempt=final)
    )


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3)
def build_handbook(self, handbook_id: int) -> None:
    run_build_task(
        self,
        lambda final: handbook_services.handbook_build(
            handbook_id=handbook_id, final_attempt=final
        ),
    )


@shared_task(acks_late=True)
def build_quarter_set(pilot_id: int, year: int, quarter: int) -> int:
    pilot = Pilot.objects.get(pk=pilot_id)
    reports = services.report_set_request(
        pilot=pilot, quarter=Quarter(year, quarter, pilot.quarter_convention)
    )
    return len(reports)


@shared_task(acks_late=True)
def request_due_quarter_sets() -> int:
    """Daily (Celery beat): the full set for every quarter whose return deadline has passed."""
    return len(services.reports_request_due_sets())


@shared_task
def sweep_reports() -> int:
    """Every few minutes (Celery beat): re-send reports and handbooks lost by the broker or a dead
    worker."""
    return services.reports_sweep() + handbook_services.handbooks_sweep()


@shared_task
def send_reminders() -> int:
    """Daily (Celery beat): team leaders' deadline and overdue reminders; safe to run again."""
    return reminders_send(today=timezone.localdate()).sent


@shared_task
def send_digests() -> int:
    """Mondays (Celery beat): the pilot managers' weekly digest; safe to run again."""
    return digests_send(today=timezone.localdate()).sent
