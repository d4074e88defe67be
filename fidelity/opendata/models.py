"""Published open data packs: one row per pilot, quarter and version, never changed once saved.

A pack keeps the content it was built from (the figures as published, suppressed cells empty)
and the text of its three files exactly as first served; a correction is a new version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse

from common.quarters import Quarter
from partners.models import Pilot


class PackImmutable(Exception):
    """A published pack is never changed or deleted: publish a new version instead."""


class OpenDataPackQuerySet(models.QuerySet):
    """Bulk changes refuse too, when they would touch a pack (an empty selection is fine: removing
    a pilot without packs, in ops.backup, deletes its empty set of packs)."""

    def update(self, **kwargs):
        if self.exists():
            raise PackImmutable("Published open data packs are never changed.")
        return 0

    def delete(self):
        if self.exists():
            raise PackImmutable("Published open data packs are never deleted.")
        return super().delete()


class OpenDataPack(models.Model):
    pilot = models.ForeignKey(Pilot, on_delete=models.PROTECT, related_name="open_data_packs")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    quarter_index = models.PositiveIntegerField(editable=False)
    version = models.PositiveSmallIntegerField()
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    threshold = models.PositiveSmallIntegerField(
        help_text="Counts from 1 to one below this were withheld."
    )
    content = models.JSONField(help_text="The figures as published (withheld cells empty).")
    fingerprint = models.CharField(
        max_length=64, help_text="SHA-256 of the content: the same figures give the same one."
    )
    corrects = models.TextField(
        blank=True, help_text="What this version corrects (every version after the first)."
    )
    csv_text = models.TextField(editable=False)
    json_text = models.TextField(editable=False)
    readme_text = models.TextField(editable=False)

    objects = OpenDataPackQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pilot", "quarter_index", "version"], name="one_open_data_pack_version"
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1), name="open_data_pack_version_from_1"
            ),
            models.CheckConstraint(
                condition=models.Q(version=1) | ~models.Q(corrects=""),
                name="open_data_pack_correction_says_what",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pilot} {self.quarter_value.label} v{self.version}"

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise PackImmutable("Published open data packs are never changed.")
        self.quarter_index = Quarter(self.year, self.quarter).index
        super().save(*args, **kwargs)

    def get_absolute_url(self, name: str = "") -> str:
        """The pack's public page, or one of its files (`name`: pack.csv, README.txt, ...)."""
        return (
            reverse(
                "fidelity:open_data_pack",
                kwargs={
                    "pilot_slug": self.pilot.slug,
                    "quarter_slug": self.quarter_value.slug,
                    "version": self.version,
                },
            )
            + name
        )

    def delete(self, *args, **kwargs):
        raise PackImmutable("Published open data packs are never deleted.")

    @property
    def quarter_value(self) -> Quarter:
        return Quarter(self.year, self.quarter, self.pilot.quarter_convention)
