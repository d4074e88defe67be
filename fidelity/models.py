"""Fidelity frameworks and the quarterly QA return.

A framework (e.g. Housing First England) is versioned: principles, indicators, a scale and bands
belong to one `FrameworkVersion`. A return keeps the version it was scored on, so editing a
framework that returns already use makes a new version (see `services.framework_revise`).
Nothing here assumes seven principles or a 1 to 4 scale: those are framework data.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from partners.models import Pilot, Team

from .quarters import Quarter


class Framework(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class FrameworkVersion(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    created = models.DateTimeField(auto_now_add=True)
    notes = models.TextField(blank=True, help_text="What changed in this version.")
    caseload_target_per_fte = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        default=Decimal("7.0"),
        help_text="People per full-time worker above which a caseload is flagged.",
    )

    class Meta:
        ordering = ["framework", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="framework_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.framework.name} v{self.number}"


class PilotFramework(models.Model):
    """The framework version a pilot's new returns are scored on."""

    pilot = models.OneToOneField(Pilot, on_delete=models.CASCADE, related_name="framework_choice")
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.pilot}: {self.version}"


class PilotDataVersion(models.Model):
    """A number that changes whenever the pilot's figures may have changed (a return saved, a
    team or LA edited). Cached dashboards are keyed by it, so reading it is one primary-key
    lookup however many returns the pilot holds. Written only by fidelity.data_version."""

    pilot = models.OneToOneField(
        Pilot, on_delete=models.CASCADE, primary_key=True, related_name="data_version"
    )
    number = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.pilot}: data version {self.number}"


class Principle(models.Model):
    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="principles"
    )
    code = models.CharField(
        max_length=10, help_text="Stable across versions (e.g. P1), so trends can follow it."
    )
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="principle_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"


class Indicator(models.Model):
    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(max_length=10)
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=400)
    guidance = models.TextField(blank=True, help_text="What evidence shows this indicator.")

    class Meta:
        ordering = ["principle__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["principle", "code"], name="indicator_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class ScaleLevel(models.Model):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="scale")
    value = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=100)

    class Meta:
        ordering = ["version", "value"]
        constraints = [
            models.UniqueConstraint(fields=["version", "value"], name="scale_value_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.value}: {self.label}"


class Band(models.Model):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="bands")
    name = models.CharField(max_length=50)
    slug = models.SlugField(max_length=50, help_text="Used for styling: high, good, fair, low.")
    minimum = models.DecimalField(max_digits=4, decimal_places=2)

    class Meta:
        ordering = ["version", "-minimum"]
        constraints = [
            models.UniqueConstraint(fields=["version", "slug"], name="band_slug_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (from {self.minimum})"


class ReturnStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Submitted"
    RETURNED = "returned", "Returned for changes"
    APPROVED = "approved", "Approved"


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


# --- Closing the loop: improvement actions and peer review ---------------------------------------


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    DROPPED = "dropped", "Dropped"


OPEN_ACTION_STATUSES = (ActionStatus.OPEN, ActionStatus.IN_PROGRESS)


class ImprovementAction(models.Model):
    """What a team will change about an indicator it scored 1 or 2, or why it will change nothing.

    Raised on one return (`qa_return`); open actions are carried into the team's next returns,
    where the team says how each stands (`updated_on`, the return it was last updated on).
    """

    qa_return = models.ForeignKey(
        QAReturn, on_delete=models.CASCADE, related_name="improvement_actions"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="improvement_actions")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    principle_code = models.CharField(max_length=10)
    no_action = models.BooleanField(default=False)
    no_action_reason = models.TextField(blank=True, max_length=2000)
    what = models.TextField("What will change", blank=True, max_length=2000)
    owner = models.CharField("Who owns it", max_length=200, blank=True)
    target_quarter_index = models.PositiveIntegerField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    update_note = models.TextField(
        blank=True, max_length=2000, help_text="Progress so far, or why the action was dropped."
    )
    updated_on = models.ForeignKey(
        QAReturn,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_actions",
        help_text="The later return on which the team last said how this action stands.",
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["principle_code", "indicator__position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["qa_return", "indicator"], name="one_action_per_indicator_per_return"
            ),
        ]
        indexes = [models.Index(fields=["team", "status"])]

    def __str__(self) -> str:
        return f"{self.team} {self.indicator.code}: {self.what or 'no action'}"

    @property
    def is_open(self) -> bool:
        return not self.no_action and self.status in OPEN_ACTION_STATUSES

    @property
    def target_quarter(self) -> Quarter | None:
        if self.target_quarter_index is None:
            return None
        return Quarter.from_index(
            self.target_quarter_index, self.team.organisation.pilot.quarter_convention
        )

    def is_overdue(self, current_index: int) -> bool:
        """Open after its target quarter has ended."""
        return (
            self.is_open
            and self.target_quarter_index is not None
            and self.target_quarter_index < current_index
        )


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
