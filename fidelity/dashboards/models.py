"""The pilot's data version: the key under which rendered dashboard panels are cached."""

from __future__ import annotations

from django.db import models

from partners.models import Pilot


class PilotDataVersion(models.Model):
    """A number that changes whenever the pilot's figures may have changed (a return saved, a
    team or LA edited). Cached dashboards are keyed by it, so reading it is one primary-key
    lookup however many returns the pilot holds. Written only by fidelity.dashboards.data_version."""

    pilot = models.OneToOneField(
        Pilot, on_delete=models.CASCADE, primary_key=True, related_name="data_version"
    )
    number = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.pilot}: data version {self.number}"
