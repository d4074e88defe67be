"""Quarterly fidelity reports: one row per scope and quarter, one version per distinct build.

A `Report` is the job: its status, progress, error and timings, who asked and when (the fields
every background build shares: reports/jobs.py). Each build
whose data differs from the last one adds a `ReportVersion` holding the PDF, the data it was built
from and that data's fingerprint; older versions are kept. Building again from the same data
keeps the current version (the fingerprint says nothing changed).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from common.quarters import Quarter
from partners.models import LocalAuthority, Organisation, Pilot, Zone

# The handbook and reminder models live in their packages; imported here so Django loads them with
# this app, and so the migrations' `reports.models.validate_days_before` still resolves.
from .handbook.models import Handbook, HandbookVersion, HandbookWords  # noqa: F401
from .jobs import BuildJob, JobStatus
from .reminders.models import (  # noqa: F401
    Reminder,
    ReminderKind,
    ReminderSettings,
    validate_days_before,
)


class ScopeKind(models.TextChoices):
    PILOT = "pilot", "Pilot"
    ZONE = "zone", "Zone"
    LOCAL_AUTHORITY = "la", "Local authority"
    ORGANISATION = "organisation", "Partner organisation"


# The reports' name for the status every background build shares (reports/jobs.py).
ReportStatus = JobStatus


class Report(BuildJob):
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="reports")
    scope_kind = models.CharField(max_length=20, choices=ScopeKind.choices)
    zone = models.ForeignKey(
        Zone, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="reports"
    )
    scope_key = models.CharField(
        max_length=40, editable=False, help_text="kind:id, e.g. la:3; unique per quarter."
    )
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    quarter_index = models.PositiveIntegerField(editable=False)

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty for reports built on the quarterly schedule.",
    )
    current_version = models.ForeignKey(
        "ReportVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-quarter_index", "scope_kind", "scope_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["scope_key", "quarter_index"], name="one_report_per_scope_and_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_progress_at_most_100"
            ),
        ]
        indexes = [models.Index(fields=["status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.scope_name} {self.quarter_value.label}"

    def save(self, *args, **kwargs) -> None:
        self.quarter_index = self.year * 4 + self.quarter - 1
        self.scope_key = f"{self.scope_kind}:{self.scope_object.pk}"
        super().save(*args, **kwargs)

    @property
    def scope_object(self) -> Pilot | Zone | LocalAuthority | Organisation:
        return {
            ScopeKind.PILOT: self.pilot,
            ScopeKind.ZONE: self.zone,
            ScopeKind.LOCAL_AUTHORITY: self.local_authority,
            ScopeKind.ORGANISATION: self.organisation,
        }[self.scope_kind]

    @property
    def scope_name(self) -> str:
        return str(self.scope_object)

    @property
    def quarter_value(self) -> Quarter:
        return Quarter(self.year, self.quarter, self.pilot.quarter_convention)


def _version_path(version: ReportVersion, filename: str) -> str:
    report = version.report
    return (
        f"reports/{report.pilot.slug}/{report.quarter_value.slug}/"
        f"{report.scope_key.replace(':', '-')}-v{version.number}.pdf"
    )


class ReportVersion(models.Model):
    """One built PDF with the data it was built from. Never served from a public URL."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    pdf = models.FileField(upload_to=_version_path)
    fingerprint = models.CharField(
        max_length=64, help_text="sha256 of the canonical JSON of `content`."
    )
    content = models.JSONField(help_text="The data the report was built from.")
    page_count = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["report", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "number"], name="report_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.report} v{self.number}"

    @property
    def filename(self) -> str:
        report = self.report
        return (
            f"fidelity-report-{report.scope_kind}-{report.scope_object}-"
            f"{report.quarter_value.slug}-v{self.number}.pdf"
        ).replace(" ", "-")


class QuarterlySet(models.Model):
    """Marks that the scheduled full set for a pilot's quarter was requested, so it runs once."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    requested_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "year", "quarter"], name="one_quarterly_set_per_quarter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pilot} {self.year} Q{self.quarter}"
