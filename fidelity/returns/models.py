"""The quarterly QA return: indicator scores, QA activities, caseload figures, its workflow
transitions and the principle scores stored when it is submitted or approved.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from common.quarters import Quarter
from fidelity.frameworks import scoring
from fidelity.frameworks.models import FrameworkVersion, Indicator, Principle
from partners.models import Pilot, Team


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for changes"
    APPROVED = "approved", "Approved"


# The statuses whose returns count in every figure (docs/figures.md): approved is final, submitted
# provisional. A return that leaves them stops counting at once.
COUNTED_STATUSES = (ReturnStatus.SUBMITTED, ReturnStatus.APPROVED)

# Tenancy end reasons on the return, in the order the form shows them.
END_REASONS = [
    ("ended_planned_move", "Planned move"),
    ("ended_eviction", "Eviction"),
    ("ended_abandonment", "Abandonment"),
    ("ended_death", "Death"),
    ("ended_prison", "Prison"),
    ("ended_hospital", "Hospital"),
    ("ended_other", "Other"),
    ("ended_unknown", "Unknown"),
]


CASELOAD_FIELDS = [
    "people_supported",
    "new_referrals",
    "people_housed",
    "tenancies_sustained",
    "sustained_6_months",
    "sustained_12_months",
    "tenancies_ended",
    *[name for name, _ in END_REASONS],
    "staff_fte",
    "support_contacts",
]


def _count(verbose_name: str, help_text: str = "") -> models.PositiveIntegerField:
    return models.PositiveIntegerField(
        verbose_name, null=True, blank=True, help_text=help_text, validators=[MinValueValidator(0)]
    )


class QAReturn(models.Model):
    """One team's quarterly QA return: indicator scores, QA activities and caseload figures."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="returns")
    framework_version = models.ForeignKey(
        FrameworkVersion, on_delete=models.PROTECT, related_name="returns"
    )
    year = models.PositiveSmallIntegerField(help_text="The year the reporting year starts in.")
    quarter = models.PositiveSmallIntegerField()
    quarter_index = models.PositiveIntegerField(
        editable=False, help_text="year * 4 + quarter - 1: orders quarters for range queries."
    )
    deadline = models.DateField()
    status = models.CharField(
        max_length=20, choices=ReturnStatus.choices, default=ReturnStatus.DRAFT
    )
    lock_version = models.PositiveIntegerField(
        default=1, help_text="Raised on every save; a save based on an older one is refused."
    )
    overall_score = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)

    created = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    updated = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    # Caseload figures for the quarter. Blank until filled in; submit checks they are consistent.
    people_supported = _count("People supported at quarter end")
    new_referrals = _count("New referrals")
    people_housed = _count("People housed this quarter")
    tenancies_sustained = _count("Tenancies sustained", "Tenancies still held at quarter end.")
    sustained_6_months = _count("Tenancies sustained 6 months or more")
    sustained_12_months = _count("Tenancies sustained 12 months or more")
    tenancies_ended = _count("Tenancies ended this quarter")
    ended_planned_move = _count("Ended: planned move")
    ended_eviction = _count("Ended: eviction")
    ended_abandonment = _count("Ended: abandonment")
    ended_death = _count("Ended: death")
    ended_prison = _count("Ended: prison")
    ended_hospital = _count("Ended: hospital")
    ended_other = _count("Ended: other reason")
    ended_unknown = _count("Ended: reason unknown", "Counted, never hidden.")
    staff_fte = models.DecimalField(
        "Staff (full-time equivalent)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    support_contacts = _count("Support contacts")

    history = HistoricalRecords(excluded_fields=["updated", "lock_version", "quarter_index"])

    class Meta:
        ordering = ["-quarter_index", "team__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "year", "quarter"], name="one_return_per_quarter"
            ),
            models.CheckConstraint(
                condition=models.Q(quarter__gte=1, quarter__lte=4), name="return_quarter_1_to_4"
            ),
        ]
        indexes = [models.Index(fields=["quarter_index", "status"])]
        verbose_name = "QA return"

    def __str__(self) -> str:
        return f"{self.team} {self.quarter_value.label}"

    def save(self, *args, **kwargs) -> None:
        self.quarter_index = self.year * 4 + self.quarter - 1
        super().save(*args, **kwargs)

    @property
    def quarter_value(self) -> Quarter:
        return Quarter(self.year, self.quarter, self.team.organisation.pilot.quarter_convention)

    @property
    def is_editable(self) -> bool:
        """Team leaders may change a draft or a return sent back to them."""
        return self.status in (ReturnStatus.DRAFT, ReturnStatus.RETURNED)

    def is_overdue(self, today) -> bool:
        """Still with the team after its deadline: the quarter's, or the date the changes are due
        once a manager has sent it back or reopened it (services.return_move sets it)."""
        return self.is_editable and today > self.deadline


class IndicatorScore(models.Model):
    qa_return = models.ForeignKey(QAReturn, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    not_assessed = models.BooleanField(default=False)
    not_assessed_reason = models.CharField(max_length=500, blank=True)
    evidence = models.TextField(blank=True, max_length=5000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator__principle__position", "indicator__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["qa_return", "indicator"], name="one_score_per_indicator"
            ),
            models.CheckConstraint(
                condition=~models.Q(not_assessed=True, score__isnull=False),
                name="not_assessed_has_no_score",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.score if self.score is not None else '-'}"

    def clean(self) -> None:
        if self.not_assessed and self.score is not None:
            raise ValidationError({"score": "Leave the score empty when not assessed."})


class ActivityKind(models.TextChoices):
    CASE_FILE_AUDIT = "case_file_audit", "Case file audit"
    CLIENT_FEEDBACK = "client_feedback", "Client feedback or interviews"
    PEER_REVIEW = "peer_review", "Peer review by the co-production panel"
    REFLECTIVE_PRACTICE = "reflective_practice", "Staff reflective practice"
    OBSERVATION = "observation", "Observation"


class QAActivity(models.Model):
    """A QA activity behind the scores. `count` is files audited or people heard from."""

    qa_return = models.ForeignKey(QAReturn, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=30, choices=ActivityKind.choices)
    date = models.DateField()
    count = models.PositiveIntegerField(
        null=True, blank=True, help_text="Case files audited, or people who gave feedback."
    )
    finding = models.TextField(max_length=2000)
    history = HistoricalRecords()

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = "QA activity"
        verbose_name_plural = "QA activities"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.date}"


class ReturnTransition(models.Model):
    """Each move of a return through its workflow, with who, when and why."""

    qa_return = models.ForeignKey(QAReturn, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=ReturnStatus.choices)
    to_status = models.CharField(max_length=20, choices=ReturnStatus.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    comment = models.TextField(blank=True, max_length=2000)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} -> {self.to_status}"


class PrincipleScore(models.Model):
    """A return's stored score for one principle: the summary row dashboards and reports read.

    Written when a return is submitted or approved (and again if reopened and resubmitted).
    Team, pilot and quarter are copied here so aggregations need no join through the return.
    """

    qa_return = models.ForeignKey(
        QAReturn, on_delete=models.CASCADE, related_name="principle_scores"
    )
    principle = models.ForeignKey(Principle, on_delete=models.PROTECT, related_name="+")
    principle_code = models.CharField(max_length=10)
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="+")
    quarter_index = models.PositiveIntegerField()
    score = models.DecimalField(max_digits=4, decimal_places=2, null=True, blank=True)
    scored_count = models.PositiveSmallIntegerField(default=0)
    not_assessed_count = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["qa_return", "principle"], name="one_principle_score"),
        ]
        indexes = [
            models.Index(fields=["pilot", "quarter_index", "principle_code"]),
            models.Index(fields=["team", "quarter_index"]),
        ]

    def __str__(self) -> str:
        return f"{self.qa_return} {self.principle_code}: {self.score}"

    @classmethod
    def summarising(
        cls,
        *,
        qa_return: QAReturn,
        principle: Principle,
        pilot_id: int,
        scored: list[int],
        not_assessed: int,
    ) -> PrincipleScore:
        """The unsaved summary row of a principle's indicator scores (`scored`: the scores given;
        `not_assessed`: how many indicators were not): the one place the row is worked out, for
        the submit service and the synthetic data alike."""
        return cls(
            qa_return=qa_return,
            principle=principle,
            principle_code=principle.code,
            team_id=qa_return.team_id,
            pilot_id=pilot_id,
            quarter_index=qa_return.quarter_index,
            score=scoring.principle_score(scored),
            scored_count=len(scored),
            not_assessed_count=not_assessed,
        )
