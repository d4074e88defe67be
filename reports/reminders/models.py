"""Reminder models, registered under the reports app (reports/models.py imports them): each
pilot's reminder settings, and one row for every email sent."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from partners.models import Pilot, Team

from . import rules


class ReminderKind(models.TextChoices):
    DEADLINE_SOON = rules.DEADLINE_SOON, "Deadline coming up"
    OVERDUE = rules.OVERDUE, "Return overdue"
    DIGEST = rules.DIGEST, "Weekly digest"


def validate_days_before(value: str) -> None:
    try:
        rules.parse_days(value)
    except ValueError as error:
        raise ValidationError(str(error)) from error


class ReminderSettings(models.Model):
    """When a pilot's reminders go out. A pilot without a row uses the defaults."""

    pilot = models.OneToOneField(Pilot, on_delete=models.CASCADE, related_name="reminder_settings")
    days_before = models.CharField(
        "days before the deadline",
        max_length=50,
        default=rules.DEFAULT_DAYS_BEFORE,
        validators=[validate_days_before],
        help_text="Team leaders get a reminder this many days before the deadline; "
        "whole numbers separated by commas, for example 10, 3.",
    )
    days_after_overdue = models.PositiveSmallIntegerField(
        "days after the deadline",
        default=rules.DEFAULT_DAYS_AFTER_OVERDUE,
        validators=[MinValueValidator(1), MaxValueValidator(rules.MAX_DAYS)],
        help_text="Team leaders get an overdue reminder this many days after the deadline "
        "(1 = the first day the return is overdue).",
    )
    digest_enabled = models.BooleanField(
        "send the weekly digest",
        default=True,
        help_text="Pilot managers get a digest every Monday of what is overdue or waiting.",
    )
    updated = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = "reminder settings"
        verbose_name_plural = "reminder settings"

    def __str__(self) -> str:
        return f"Reminder settings for {self.pilot}"

    @property
    def days_before_list(self) -> list[int]:
        return rules.parse_days(self.days_before)


class Reminder(models.Model):
    """One email sent to one person. Recorded before it is sent, and never twice for the same
    recipient, kind, subject and day: the constraint makes the daily job safe to run again."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders"
    )
    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=ReminderKind.choices)
    subject_key = models.CharField(
        max_length=60, help_text="What it is about: return:<team>:<quarter> or digest:<pilot>."
    )
    date = models.DateField(help_text="The day it was due to be sent.")
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField()
    created = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "subject_key", "date"],
                name="one_reminder_per_recipient_subject_and_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date}: {self.subject} to {self.recipient}"
