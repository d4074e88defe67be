"""How long each kind of record is kept (UK GDPR storage limitation), in one table.

The periods come from settings (`RETENTION_DAYS`, each overridable by an environment variable,
see docs/configuration.md). `ops.retention` applies them every night; the privacy notice
(`/privacy/`) prints them from here, so what we say and what we do cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class RetentionPeriod:
    key: str
    label: str
    action: str
    days: int

    @property
    def in_words(self) -> str:
        if self.days == 0:
            return "no time at all"
        if self.days % 365 == 0:
            years = self.days // 365
            return f"{years} year" + ("" if years == 1 else "s")
        return f"{self.days} day" + ("" if self.days == 1 else "s")


# (key, what it is, what happens after the period)
_KINDS = (
    ("security_events", "Security events (sign-ins, failures, exports, downloads)", "deleted"),
    ("reminders", "Reminder and digest emails sent", "deleted"),
    (
        "report_versions",
        "Earlier versions of a PDF report (the newest version of each report is kept)",
        "deleted",
    ),
    (
        "history",
        "Change history of returns, scores, actions, reviews and roles",
        "deleted (the records themselves are kept)",
    ),
    ("sessions", "Signed-in sessions, after they end", "deleted"),
)


def retention_periods() -> list[RetentionPeriod]:
    days = settings.RETENTION_DAYS
    return [
        RetentionPeriod(key=key, label=label, action=action, days=days[key])
        for key, label, action in _KINDS
    ]
