"""Applying the retention periods (`common.retention`): what each kind of record is, and how
records past their period are removed. Run every night by `ops.tasks.apply_retention`; safe to
run again (it only ever removes what is past its period).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Max, QuerySet
from django.utils import timezone
from simple_history.models import registered_models

from common.retention import retention_periods
from partners.models import SecurityEvent
from reports.models import Report, ReportVersion
from reports.reminders.models import Reminder


def _security_events(before: dt.datetime) -> int:
    return _delete(SecurityEvent.objects.filter(at__lt=before))


def _reminders(before: dt.datetime) -> int:
    return _delete(Reminder.objects.filter(created__lt=before))


def _report_versions(before: dt.datetime) -> int:
    """Earlier versions only: a report's current and newest versions stay whatever their age,
    since they are the report people download. The stored PDF goes with its row."""
    newest = ReportVersion.objects.values("report").annotate(newest=Max("number"))
    keep = {(row["report"], row["newest"]) for row in newest}
    current = set(
        Report.objects.exclude(current_version=None).values_list("current_version", flat=True)
    )
    removed = 0
    for version in ReportVersion.objects.filter(built_at__lt=before).only(
        "pk", "report_id", "number", "pdf"
    ):
        if (version.report_id, version.number) in keep or version.pk in current:
            continue
        version.pdf.delete(save=False)
        version.delete()
        removed += 1
    return removed


def _history(before: dt.datetime) -> int:
    return sum(
        _delete(model.history.model.objects.filter(history_date__lt=before))
        for model in registered_models.values()
        if hasattr(model, "history")
    )


def _sessions(before: dt.datetime) -> int:
    return _delete(Session.objects.filter(expire_date__lt=before))


def _delete(queryset: QuerySet) -> int:
    deleted, _ = queryset.delete()
    return deleted


_APPLY: dict[str, Callable[[dt.datetime], int]] = {
    "security_events": _security_events,
    "reminders": _reminders,
    "report_versions": _report_versions,
    "history": _history,
    "sessions": _sessions,
}


def retention_apply(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Removes every record past its kind's period; returns how many of each kind went."""
    now = now or timezone.now()
    removed = {}
    for period in retention_periods():
        with transaction.atomic():
            removed[period.key] = _APPLY[period.key](now - dt.timedelta(days=period.days))
    return removed
