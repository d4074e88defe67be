"""Practice forums: series of sessions on the principles, and the notes taken at each.

A session's notes are challenges, good practice and actions. Challenges point at a principle by
its stable code (e.g. "P1") in the pilot's framework, not by a row, so notes survive a new
framework version. Attendance is counted, never named. A draft session is seen only by
facilitators and managers; once published, everyone in the pilot may read it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.formats import date_format

from partners.models import LocalAuthority, Organisation, Pilot

GENERAL = ""


class Theme(models.Model):
    """A pilot's list of themes that facilitators tag challenges with. Kept in the admin; a
    facilitator adds one where they tag a challenge, after confirming it (services.theme_add)."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="forum_themes")
    name = models.CharField(max_length=80)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "name"], name="theme_unique_per_pilot")
        ]

    def __str__(self) -> str:
        return self.name


class ForumSeries(models.Model):
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="forum_series")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=2000)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created", "title"]
        verbose_name = "forum series"
        verbose_name_plural = "forum series"
        constraints = [
            models.UniqueConstraint(fields=["pilot", "title"], name="series_unique_per_pilot")
        ]

    def __str__(self) -> str:
        return self.title


class SessionFormat(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    ONLINE = "online", "Online"


class SessionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"


class ForumSession(models.Model):
    series = models.ForeignKey(ForumSeries, on_delete=models.CASCADE, related_name="sessions")
    date = models.DateField()
    principle_code = models.CharField(
        "principle in focus",
        max_length=10,
        blank=True,
        help_text="A principle code such as P1; blank for a general session.",
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    format = models.CharField(
        max_length=10, choices=SessionFormat.choices, default=SessionFormat.IN_PERSON
    )
    status = models.CharField(
        max_length=10, choices=SessionStatus.choices, default=SessionStatus.DRAFT
    )
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-pk"]
        verbose_name = "forum session"

    def __str__(self) -> str:
        focus = self.principle_code or "general"
        return f"{self.series.title}: {date_format(self.date)} ({focus})"

    @property
    def pilot(self) -> Pilot:
        return self.series.pilot

    @property
    def is_published(self) -> bool:
        return self.status == SessionStatus.PUBLISHED


class Attendance(models.Model):
    """How many came from one organisation or one local authority: a count, never names."""

    session = models.ForeignKey(ForumSession, on_delete=models.CASCADE, related_name="attendance")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    local_authority = models.ForeignKey(
        LocalAuthority, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    count = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(organisation__isnull=False, local_authority__isnull=True)
                    | models.Q(organisation__isnull=True, local_authority__isnull=False)
                ),
                name="attendance_org_or_la",
            ),
            models.CheckConstraint(condition=models.Q(count__gte=1), name="attendance_count_1_up"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation or self.local_authority}: {self.count}"

    def clean(self) -> None:
        if bool(self.organisation_id) == bool(self.local_authority_id):
            raise ValidationError("Choose an organisation or a local authority, not both.")


class SharedChallenge(models.Model):
    """Challenges a facilitator has confirmed say the same thing: "not just my area"."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="shared_challenges")
    title = models.CharField(max_length=300)
    principle_code = models.CharField(max_length=10, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class Challenge(models.Model):
    session = models.ForeignKey(ForumSession, on_delete=models.CASCADE, related_name="challenges")
    text = models.TextField(max_length=1000)
    principle_code = models.CharField(max_length=10, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="challenges")
    local_authorities = models.ManyToManyField(
        LocalAuthority, blank=True, related_name="forum_challenges"
    )
    organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="forum_challenges"
    )
    shared = models.ForeignKey(
        SharedChallenge,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="challenges",
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:80]


class GoodPractice(models.Model):
    session = models.ForeignKey(
        ForumSession, on_delete=models.CASCADE, related_name="good_practice"
    )
    text = models.TextField(max_length=1000)
    principle_code = models.CharField(max_length=10, blank=True)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = "good practice example"
        verbose_name_plural = "good practice examples"

    def __str__(self) -> str:
        return self.text[:80]


class ActionStatus(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


class Action(models.Model):
    session = models.ForeignKey(ForumSession, on_delete=models.CASCADE, related_name="actions")
    what = models.TextField(max_length=1000)
    owner = models.CharField(
        max_length=200, help_text="Who will do it: an organisation, a role or a worker."
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=12, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    challenge = models.ForeignKey(
        Challenge, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    principle_code = models.CharField(
        max_length=10, blank=True, help_text="From the linked challenge, else the session's focus."
    )
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.what[:80]

    @property
    def is_open(self) -> bool:
        return self.status != ActionStatus.DONE

    def is_overdue(self, today) -> bool:
        return self.is_open and self.due_date is not None and self.due_date < today
