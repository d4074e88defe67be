"""The security audit trail: sign-ins, failures, lockouts, denials, exports and downloads.

Other apps call `record_event` when a person exports data or downloads a report; the sign-in
events are recorded by the signal receivers below, connected in PartnersConfig.ready().
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from .models import SecurityEvent, SecurityEventKind, User


def _client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def record_event(
    *,
    kind: str,
    request: HttpRequest | None = None,
    user: User | None = None,
    username: str = "",
    detail: str = "",
) -> SecurityEvent:
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    return SecurityEvent.objects.create(
        kind=kind,
        user=user if user is not None and user.pk else None,
        username=(username or (user.get_username() if user is not None else ""))[:150],
        ip_address=_client_ip(request),
        path=(request.path if request is not None else "")[:500],
        detail=detail[:500],
    )


@receiver(user_logged_in)
def _on_login(sender, request, user, **kwargs) -> None:
    record_event(kind=SecurityEventKind.LOGIN, request=request, user=user)


@receiver(user_logged_out)
def _on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:
        record_event(kind=SecurityEventKind.LOGOUT, request=request, user=user)


@receiver(user_login_failed)
def _on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    record_event(
        kind=SecurityEventKind.LOGIN_FAILED,
        request=request,
        username=str(credentials.get("username", "")),
    )


def _on_locked_out(sender, request, username, ip_address, **kwargs) -> None:
    record_event(kind=SecurityEventKind.LOCKED_OUT, request=request, username=username or "")


def connect() -> None:
    from axes.signals import user_locked_out

    user_locked_out.connect(_on_locked_out, dispatch_uid="partners.audit.locked_out")


def axes_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The username django-axes records, cut to what a username can be: a 1,000-character
    string typed at the login page must get the usual answer, not overflow axes' table."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value)[: User._meta.get_field("username").max_length]
