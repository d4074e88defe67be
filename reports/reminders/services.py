"""Writes for reminders and digests: record each email, then send it, never twice.

Each email is inserted (get_or_create on recipient, kind, subject and day, which the database
also holds unique) and sent inside one transaction: if sending fails the row is rolled back and
the next run tries again; if the job runs twice, or twice at once, the second finds the row and
sends nothing. People without an email address are skipped and named in the log.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from partners.models import Pilot, User

from . import rules
from .models import Reminder, ReminderSettings
from .selectors import (
    pilot_digest,
    pilot_managers,
    reminder_settings_for,
    returns_not_in,
    team_leaders,
)

logger = logging.getLogger(__name__)


@dataclass
class SendOutcome:
    sent: int = 0
    already_sent: int = 0
    skipped_no_email: list[str] = field(default_factory=list)


def _link(name: str) -> str:
    return settings.REPORTS_SITE_URL.rstrip("/") + reverse(name)


def _pilots(only: Pilot | None) -> list[Pilot]:
    return [only] if only else list(Pilot.objects.order_by("pk"))


def reminder_send_once(
    *,
    recipient: User,
    pilot: Pilot,
    kind: str,
    subject_key: str,
    date: datetime.date,
    subject: str,
    body: str,
    team_id: int | None = None,
    connection=None,
) -> bool:
    """Records the reminder and emails it, unless it was already sent; True if sent now."""
    with transaction.atomic():
        reminder, created = Reminder.objects.get_or_create(
            recipient=recipient,
            kind=kind,
            subject_key=subject_key,
            date=date,
            defaults={"pilot": pilot, "team_id": team_id, "subject": subject, "body": body},
        )
        if not created:
            return False
        send_mail(subject, body, None, [recipient.email], connection=connection)
        reminder.sent_at = timezone.now()
        reminder.save(update_fields=["sent_at"])
    return True


def _send_to(
    outcome: SendOutcome, users: list[User], what: str, connection=None, **reminder
) -> None:
    for user in users:
        if not user.email:
            outcome.skipped_no_email.append(user.username)
            logger.warning("No email address for %s: %s not sent.", user.username, what)
            continue
        if reminder_send_once(recipient=user, connection=connection, **reminder):
            outcome.sent += 1
        else:
            outcome.already_sent += 1


def reminders_send(
    *, today: datetime.date, only_pilot: Pilot | None = None, connection=None
) -> SendOutcome:
    """Team leaders: the reminders due today (before the deadline, and after it has passed)."""
    outcome = SendOutcome()
    for pilot in _pilots(only_pilot):
        options = reminder_settings_for(pilot=pilot)
        due = rules.return_reminders_due(
            today=today,
            returns=returns_not_in(pilot=pilot, today=today),
            days_before=options.days_before_list,
            days_after_overdue=options.days_after_overdue,
        )
        for item in due:
            context = {"item": item, "return_due": item.return_due, "pilot": pilot}
            context["link"] = _link("fidelity:return_list")
            if item.kind == rules.DEADLINE_SOON:
                subject = (
                    f"{item.return_due.team_name}: QA return for {item.return_due.quarter_label} "
                    f"due in {item.days} day{'s' if item.days != 1 else ''}"
                )
            else:
                subject = (
                    f"{item.return_due.team_name}: QA return for {item.return_due.quarter_label} "
                    "is overdue"
                )
            _send_to(
                outcome,
                team_leaders(team_id=item.return_due.team_id),
                f"{item.kind} reminder {item.subject_key}",
                connection=connection,
                pilot=pilot,
                kind=item.kind,
                subject_key=item.subject_key,
                date=today,
                subject=subject,
                body=render_to_string(f"reports/reminders/email/{item.kind}.txt", context),
                team_id=item.return_due.team_id,
            )
    logger.info(
        "Reminders for %s: %d sent, %d already sent, no email address: %s",
        today,
        outcome.sent,
        outcome.already_sent,
        ", ".join(outcome.skipped_no_email) or "none",
    )
    return outcome


def digests_send(
    *, today: datetime.date, only_pilot: Pilot | None = None, connection=None
) -> SendOutcome:
    """Pilot managers: the weekly digest of their pilot, unless there is nothing in it."""
    outcome = SendOutcome()
    for pilot in _pilots(only_pilot):
        if not reminder_settings_for(pilot=pilot).digest_enabled:
            continue
        digest = pilot_digest(pilot=pilot, today=today)
        if digest.is_empty:
            logger.info("Digest for %s on %s: nothing to report, not sent.", pilot, today)
            continue
        body = render_to_string(
            "reports/reminders/email/digest.txt",
            {"digest": digest, "returns_link": _link("fidelity:review_list")},
        )
        _send_to(
            outcome,
            pilot_managers(pilot=pilot),
            f"digest for {pilot}",
            connection=connection,
            pilot=pilot,
            kind=rules.DIGEST,
            subject_key=rules.digest_subject_key(pilot.pk),
            date=today,
            subject=f"{pilot}: weekly QA digest, {today.day} {today:%B %Y}",
            body=body,
        )
    logger.info(
        "Digests for %s: %d sent, %d already sent, no email address: %s",
        today,
        outcome.sent,
        outcome.already_sent,
        ", ".join(outcome.skipped_no_email) or "none",
    )
    return outcome


@transaction.atomic
def reminder_settings_update(
    *,
    pilot: Pilot,
    user: User,
    days_before: str,
    days_after_overdue: int,
    digest_enabled: bool,
) -> ReminderSettings:
    options, _ = ReminderSettings.objects.select_for_update().get_or_create(pilot=pilot)
    options.days_before = ", ".join(str(d) for d in rules.parse_days(days_before))
    options.days_after_overdue = days_after_overdue
    options.digest_enabled = digest_enabled
    options.updated_by = user
    options.full_clean()
    options.save()
    return options
