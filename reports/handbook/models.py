"""Handbook models, registered under the reports app (reports/models.py imports them).

A `Handbook` is the job for one pilot and period (first to last quarter): its lifecycle fields
are a report's. Each build whose content differs from the last adds a `HandbookVersion` with the
PDF, the standalone HTML, the content and its fingerprint; at most one version of a pilot's
handbooks is published at a time. `HandbookWords` is the pilot's own foreword and lessons.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from common.quarters import Quarter
from partners.models import Pilot

from ..jobs import BuildJob

WORDS_MAX_LENGTH = 20_000


class Handbook(BuildJob):
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="handbooks")
    first_year = models.PositiveSmallIntegerField()
    first_quarter = models.PositiveSmallIntegerField()
    first_index = models.PositiveIntegerField(editable=False)
    last_year = models.PositiveSmallIntegerField()
    last_quarter = models.PositiveSmallIntegerField()
    last_index = models.PositiveIntegerField(editable=False)
    current_version = models.ForeignKey(
        "HandbookVersion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["pilot", "-last_index", "-first_index"]
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "first_index", "last_index"],
                name="one_handbook_per_pilot_and_period",
            ),
            models.CheckConstraint(
                condition=models.Q(first_index__lte=models.F("last_index")),
                name="handbook_first_quarter_not_after_last",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="handbook_progress_at_most_100"
            ),
        ]
        indexes = [models.Index(fields=["status", "queued_at"])]

    def __str__(self) -> str:
        return f"{self.pilot} handbook, {self.period_label}"

    def save(self, *args, **kwargs) -> None:
        # The index orders quarters whatever the pilot's convention, so none is looked up.
        self.first_index = Quarter(self.first_year, self.first_quarter).index
        self.last_index = Quarter(self.last_year, self.last_quarter).index
        super().save(*args, **kwargs)

    @property
    def first(self) -> Quarter:
        return Quarter(self.first_year, self.first_quarter, self.pilot.quarter_convention)

    @property
    def last(self) -> Quarter:
        return Quarter(self.last_year, self.last_quarter, self.pilot.quarter_convention)

    @property
    def period_label(self) -> str:
        if self.first_index == self.last_index:
            return self.first.label
        return f"{self.first.label} to {self.last.label}"


def _version_path(version: HandbookVersion, filename: str) -> str:
    handbook = version.handbook
    extension = filename.rpartition(".")[2]
    return (
        f"handbooks/{handbook.pilot.slug}/{handbook.first.slug}-to-{handbook.last.slug}/"
        f"handbook-v{version.number}.{extension}"
    )


class HandbookVersion(models.Model):
    """One build: the PDF, the standalone HTML, and the content they were laid out from.

    Served to the pilot's managers, and to anyone at the pilot's public handbook URL while it is
    the published one. `pilot` repeats the handbook's so the database can keep one published
    version per pilot.
    """

    handbook = models.ForeignKey(Handbook, on_delete=models.CASCADE, related_name="versions")
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="+", editable=False)
    number = models.PositiveIntegerField()
    pdf = models.FileField(upload_to=_version_path)
    html = models.FileField(upload_to=_version_path)
    fingerprint = models.CharField(
        max_length=64, help_text="sha256 of the canonical JSON of `content`."
    )
    content = models.JSONField(help_text="What the handbook says, as it was built.")
    page_count = models.PositiveIntegerField(default=0)
    built_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["handbook", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["handbook", "number"], name="handbook_version_unique"),
            models.UniqueConstraint(
                fields=["pilot"],
                condition=models.Q(published_at__isnull=False),
                name="one_published_handbook_per_pilot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.handbook} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        self.pilot_id = self.handbook.pilot_id
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def filename(self, extension: str) -> str:
        handbook = self.handbook
        return (
            f"handbook-{handbook.pilot.slug}-{handbook.first.slug}-to-{handbook.last.slug}"
            f"-v{self.number}.{extension}"
        )


class HandbookWords(models.Model):
    """The pilot's own words for its handbook, written by a manager in the app."""

    pilot = models.OneToOneField(Pilot, on_delete=models.CASCADE, related_name="handbook_words")
    foreword = models.TextField(blank=True, max_length=WORDS_MAX_LENGTH)
    lessons = models.TextField(blank=True, max_length=WORDS_MAX_LENGTH)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name_plural = "handbook words"

    def __str__(self) -> str:
        return f"{self.pilot}: handbook words"
