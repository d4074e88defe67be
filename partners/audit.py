"""The security audit trail: sign-ins, failures, lockouts, denials, exports and downloads.

Other apps call `record_event` when a person exports data or downloads a report; the sign-in
events are recorded by the signal receivers below, connected in PartnersConfig.ready().
This module is also where django-axes learns who is signing in from where (`client_ip`,
`axes_username`), and where a password reset lifts a lockout (`lockouts_clear`).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from .models import SecurityEvent, SecurityEventKind, User


def client_ip(request: HttpRequest | None) -> str | None:
    """The address of the person making the request, for the audit trail and for lockouts.

    Behind `TRUSTED_PROXY_COUNT` reverse proxies, each proxy appends the address it was called
    from to X-Forwarded-For, so the client is that many entries from the right; anything further
    left was sent by the client and may be made up. With no trusted proxy, or a header too short
    or not an address (a request that did not come through the proxies), it is REMOTE_ADDR.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or None
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [entry.strip() for entry in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


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
        ip_address=client_ip(request),
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


def lockouts_clear(*, user: User) -> int:
    """Lift every sign-in lockout on this person's account, from every address; called once
    they have proved who they are by resetting their password. Returns the attempts removed."""
    from axes.utils import reset

    return reset(username=user.get_username())
