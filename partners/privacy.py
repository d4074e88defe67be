"""A person's rights over what we hold about them (UK GDPR): a subject access export, and
deactivating a leaver without losing the records they made.

`person_data` finds every record tied to a person by walking the relations to the user model,
so a new model with a foreign key to people is included without anyone remembering to add it.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib.sessions.models import Session
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import ForeignObjectRel
from django.http import HttpRequest
from django.utils import timezone

from .audit import record_event
from .models import SecurityEvent, SecurityEventKind, User

# Never exported: a password or API token hash, a two-factor device's secret key or a recovery
# code is not information about the person, and would help an attacker who got hold of the file.
_SECRET_FIELDS = {"password", "hashed_key", "key", "token"}


def _without_secrets(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["fields"] = {k: v for k, v in row["fields"].items() if k not in _SECRET_FIELDS}
    return rows


def person_data(*, user: User) -> dict[str, Any]:
    """Everything we hold about `user`: their account, then every record that points to them,
    grouped by kind of record ("app_label.model")."""
    (account,) = _without_secrets(serializers.serialize("python", [user]))
    records: dict[str, list[dict[str, Any]]] = {}
    for relation in User._meta.get_fields(include_hidden=True):
        if not isinstance(relation, ForeignObjectRel) or relation.many_to_many:
            continue
        rows = relation.related_model._default_manager.filter(**{relation.field.name: user})
        if rows.exists():
            label = relation.related_model._meta.label_lower
            records.setdefault(label, []).extend(
                _without_secrets(serializers.serialize("python", rows))
            )
    failures = SecurityEvent.objects.filter(user__isnull=True, username=user.get_username())
    if failures.exists():
        records.setdefault(SecurityEvent._meta.label_lower, []).extend(
            serializers.serialize("python", failures)
        )
    return {
        "exported_at": timezone.now(),
        "account": account,
        "records": dict(sorted(records.items())),
    }


def person_data_json(*, user: User, request: HttpRequest) -> bytes:
    """The subject access export as JSON; recording that it was made."""
    data = json.dumps(person_data(user=user), cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    record_event(
        kind=SecurityEventKind.SUBJECT_ACCESS,
        request=request,
        detail=f"Everything held about {user.get_username()} (user {user.pk})",
    )
    return data.encode()


def sessions_end(*, user: User) -> int:
    """Ends every session `user` is signed in with; returns how many there were."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get("_auth_user_id") == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def person_deactivate(*, user: User, request: HttpRequest) -> int:
    """A leaver: they can no longer sign in and their sessions end now, but their account and
    everything they recorded (returns, reviews, history) stay, as the pilot's records need."""
    if user.is_active:
        user.is_active = False
        user.save(update_fields=["is_active"])
    ended = sessions_end(user=user)
    record_event(
        kind=SecurityEventKind.DEACTIVATED,
        request=request,
        detail=f"{user.get_username()} (user {user.pk}) deactivated; {ended} session(s) ended",
    )
    return ended
