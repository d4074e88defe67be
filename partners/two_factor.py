"""Two-factor sign-in (django-otp): an authenticator app (TOTP) with one-time recovery codes.

Required, when `REQUIRE_2FA` is on, for administrators and pilot managers, who see every team's
data; anyone else may turn it on. After the password, `TwoFactorMiddleware` holds a signed-in
person at the verify page (or, if they must have it and have none yet, the set-up page) until a
code is accepted. Whether to hold them is decided once, at sign-in, and kept in the session, so
ordinary pages cost no extra query.
"""

from __future__ import annotations

from base64 import b32encode

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import access
from .audit import record_event
from .models import Role, SecurityEventKind, User
from .oidc import signed_in_by_council

SESSION_KEY = "two_factor"
# What checking a code gave: accepted, wrong, or refused unread after recent wrong codes
# (django-otp's throttling doubles the wait after each failure).
ACCEPTED, WRONG, WAIT = "accepted", "wrong", "wait"
VERIFY, SET_UP = "verify", "set_up"
RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
CODES_DEVICE_NAME = "Recovery codes"


def two_factor_required(*, user: User) -> bool:
    if not settings.REQUIRE_2FA:
        return False
    return user.is_superuser or Role.PILOT_MANAGER in access.roles_of(user=user)


def two_factor_enabled(*, user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_state_at_sign_in(*, user: User) -> str | None:
    """What a person who has just given their password still owes: a code, a set-up, or
    nothing."""
    if two_factor_enabled(user=user):
        return VERIFY
    if two_factor_required(user=user):
        return SET_UP
    return None


def app_device_pending(*, user: User) -> TOTPDevice:
    """The authenticator being set up: one unconfirmed device, kept across page loads so the QR
    code does not change while the person is scanning it."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)


def app_device_secret(device: TOTPDevice) -> str:
    """The key in the base32 form apps accept when typed, in groups of four."""
    key = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def app_device_qr_svg(device: TOTPDevice) -> str:
    """The set-up QR code as a data URI (allowed by the CSP's img-src), drawn by segno."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=2)


@transaction.atomic
def two_factor_enrol(
    *, request: HttpRequest, device: TOTPDevice, token: str
) -> tuple[str, list[str]]:
    """Confirms the authenticator when `token` is right, returning ACCEPTED and new recovery
    codes (shown once); otherwise WRONG or WAIT and no codes."""
    if not device.verify_is_allowed()[0]:
        return WAIT, []
    if not device.verify_token(token):
        return WRONG, []
    user = device.user
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = recovery_codes_renew(user=user)
    _verified(request, device)
    record_event(kind=SecurityEventKind.TWO_FACTOR_ENROLLED, request=request, user=user)
    return ACCEPTED, codes


def recovery_codes_renew(*, user: User) -> list[str]:
    """Replaces the person's recovery codes with RECOVERY_CODE_COUNT new ones."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name=CODES_DEVICE_NAME)
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_verify(*, request: HttpRequest, token: str) -> str:
    """Accepts a code from the authenticator or one recovery code (which is then used up):
    ACCEPTED, WRONG, or WAIT while every device is throttled after wrong codes."""
    user = request.user
    token = token.replace(" ", "").strip()
    devices = [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user),
    ]
    allowed = [device for device in devices if device.verify_is_allowed()[0]]
    if not allowed:
        return WAIT
    for device in allowed:
        if device.verify_token(token):
            _verified(request, device)
            return ACCEPTED
    record_event(kind=SecurityEventKind.TWO_FACTOR_FAILED, request=request, user=user)
    return WRONG


def two_factor_reset(*, user: User, by: str, request: HttpRequest | None = None) -> int:
    """Removes every device of a person who has lost theirs; they set up again at their next
    sign-in if they must have two-factor sign-in. Returns how many devices went."""
    devices = [TOTPDevice.objects.filter(user=user), StaticDevice.objects.filter(user=user)]
    removed = sum(d.count() for d in devices)
    for queryset in devices:
        queryset.delete()
    record_event(
        kind=SecurityEventKind.TWO_FACTOR_RESET,
        request=request,
        user=user,
        detail=f"Two-factor devices removed by {by}",
    )
    return removed


def _verified(request: HttpRequest, device) -> None:
    otp_login(request, device)
    request.session.pop(SESSION_KEY, None)


def _on_login(sender, request, user, **kwargs) -> None:
    if request is None or not hasattr(request, "session"):
        return
    if settings.OIDC_COUNTS_AS_TWO_FACTOR and signed_in_by_council(request):
        return
    state = two_factor_state_at_sign_in(user=user)
    if state:
        request.session[SESSION_KEY] = state


def connect() -> None:
    from django.contrib.auth.signals import user_logged_in

    user_logged_in.connect(_on_login, dispatch_uid="partners.two_factor.on_login")
