"""Peer reviews by the co-production panel: a reviewer's scores for a team, beside its own."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from common.quarters import Quarter
from fidelity.frameworks.models import FrameworkVersion, Indicator
from partners.models import Team


class PeerReviewStatus(models.TextChoices):
    ASSIGNED = "assigned", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted"


class PeerReview(models.Model):
    """A co-production panel member's review of one team in one quarter, on the same scale."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="peer_reviews")
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="+"
    )
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    quarter_index = models.PositiveIntegerField(editable=False)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="peer_reviews"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        max_length=20, choices=PeerReviewStatus.choices, default=PeerReviewStatus.ASSIGNED
    )
    client_interviews = models.BooleanField("Client interviews", default=False)
    case_files = models.BooleanField("Reading case files", default=False)
    observation = models.BooleanField("Observation", default=False)
    summary = models.TextField("Anything else to say", blank=True, max_length=3000)
    created = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-quarter_index", "team__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "year", "quarter", "reviewer"], name="one_peer_review_per_reviewer"
            ),
        ]

    def __str__(self) -> str:
        return f"Peer review of {self.team} {self.quarter_value.label}"

    def save(self, *args, **kwargs) -> None:
        self.quarter_index = self.year * 4 + self.quarter - 1
        super().save(*args, **kwargs)

    @property
    def quarter_value(self) -> Quarter:
        return Quarter(self.year, self.quarter, self.team.organisation.pilot.quarter_convention)

    @property
    def is_submitted(self) -> bool:
        return self.status == PeerReviewStatus.SUBMITTED


class PeerReviewScore(models.Model):
    """The reviewer's score for one indicator chosen for the review."""

    review = models.ForeignKey(PeerReview, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    not_assessed = models.BooleanField(default=False)
    evidence = models.TextField(blank=True, max_length=3000)

    class Meta:
        ordering = ["indicator__principle__position", "indicator__position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "indicator"], name="one_peer_score"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.score if self.score is not None else '-'}"
