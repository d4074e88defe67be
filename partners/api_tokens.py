"""Personal API tokens: make, list, revoke, and the API's authentication and rate limit.

A token reads `hfqa_<prefix>_<secret>`: the prefix finds its row, and the SHA-256 of the whole
token, compared in constant time, proves it. The secret has 256 bits of entropy, so a plain hash
is enough (no slow password hash is needed against guessing). A token acts as its person: every
API view reads through the same access functions as the pages (partners/access.py).

A token has a scope (`ApiToken.scope`): `read` opens every endpoint, `figures` only those that
give figures and structure. Each API view names the scope it needs in `required_scope`;
`TokenScopePermission` (a default permission of every API view) compares the two, so no view
checks scopes itself. A view that names none needs `read`: a new endpoint is closed to `figures`
tokens until it says otherwise.

Every call is one row in the security trail (`SecurityEventKind.API_CALL`, or `API_REJECTED` for
a missing, wrong, expired or revoked token); `last_used` is written at most once a minute.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions, permissions, throttling
from rest_framework.request import Request

from .audit import record_event
from .models import SCOPE_GRANTS, ApiToken, ApiTokenScope, SecurityEventKind, User

MARK = "hfqa_"
_LAST_USED_EVERY = datetime.timedelta(minutes=1)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # the whole token, shown once


def api_token_create(
    *,
    user: User,
    name: str,
    days: int | None = None,
    scope: str = ApiTokenScope.READ,
    request=None,
) -> NewToken:
    """A new token for `user`, valid for `days` (default settings.API_TOKEN_DAYS), opening what
    `scope` (an ApiTokenScope) opens."""
    scope = ApiTokenScope(scope)
    prefix = secrets.token_hex(6)
    secret = f"{MARK}{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100] or "API token",
        prefix=prefix,
        hashed_key=_hash(secret),
        expires=timezone.now() + datetime.timedelta(days=days or settings.API_TOKEN_DAYS),
        scope=scope,
    )
    record_event(
        kind=SecurityEventKind.API_TOKEN_CREATED,
        request=request,
        user=user,
        detail=f"{token.name} (scope {scope.value})",
    )
    return NewToken(token=token, secret=secret)


def api_token_revoke(*, user: User, pk: int, request=None) -> bool:
    """Revokes one of `user`'s own tokens; False when they have no such live token."""
    token = api_tokens_of(user=user).filter(pk=pk, revoked__isnull=True).first()
    if token is None:
        return False
    token.revoked = timezone.now()
    token.save(update_fields=["revoked"])
    # Who revoked it: its person on their page, or an administrator in the admin.
    actor = request.user if request is not None else user
    record_event(
        kind=SecurityEventKind.API_TOKEN_REVOKED,
        request=request,
        user=actor,
        detail=f"{token.name} ({token.prefix}) of {user.get_username()}",
    )
    return True


def api_tokens_of(*, user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def api_token_check(*, secret: str) -> ApiToken | None:
    """The live token `secret` is, or None (unknown, wrong, expired, revoked, inactive person)."""
    start, _, rest = secret.partition(MARK)
    prefix = rest.split("_", 1)[0]
    if start or not prefix or len(prefix) > 16:
        return None
    token = (
        ApiToken.objects.filter(prefix=prefix, user__is_active=True).select_related("user").first()
    )
    if token is None or not hmac.compare_digest(token.hashed_key, _hash(secret)):
        return None
    if token.revoked is not None or token.expires <= timezone.now():
        return None
    return token


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer <token>`; anything else is 401 with `WWW-Authenticate: Bearer`."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, ApiToken]:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        keyword, _, secret = header.partition(" ")
        token = None
        if keyword == self.keyword and secret.strip():
            token = api_token_check(secret=secret.strip())
        if token is None:
            record_event(
                kind=SecurityEventKind.API_REJECTED,
                request=request._request,
                detail="no token" if not header else "invalid, expired or revoked token",
            )
            raise exceptions.AuthenticationFailed(
                "A valid API token is needed: send 'Authorization: Bearer <token>'. "
                "Make one on your API tokens page."
            )
        now = timezone.now()
        if token.last_used is None or now - token.last_used > _LAST_USED_EVERY:
            ApiToken.objects.filter(pk=token.pk).update(last_used=now)
        record_event(
            kind=SecurityEventKind.API_CALL,
            request=request._request,
            user=token.user,
            detail=f"token {token.prefix}",
        )
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="api"'


def required_scope(view) -> ApiTokenScope:
    """The scope an API view needs: its `required_scope`, `read` when it names none."""
    return ApiTokenScope(getattr(view, "required_scope", ApiTokenScope.READ))


def scopes_opening(needed: str) -> list[ApiTokenScope]:
    """The token scopes that open an endpoint needing `needed`."""
    return [ApiTokenScope(s) for s, grants in SCOPE_GRANTS.items() if needed in grants]


class TokenScopePermission(permissions.BasePermission):
    """A token reaches a view only when its scope opens the view's `required_scope`; otherwise
    403 naming the scope needed (the endpoint exists, so not 404). What the view then lists is
    still only what the person may see."""

    message = "This token's scope does not open this endpoint."

    def has_permission(self, request: Request, view) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        needed = required_scope(view)
        if needed in SCOPE_GRANTS[token.scope]:
            return True
        opening = " or ".join(f"'{s.value}' ({s.label})" for s in scopes_opening(needed))
        self.message = (
            f"This token's scope is '{token.scope}' ({token.get_scope_display()}); this "
            f"endpoint needs a token of scope {opening}. Make one on your API tokens page."
        )
        return False


SCOPES_TEXT = " ".join(f"'{s.value}': {s.label.lower()}." for s in ApiTokenScope) + (
    " A 'figures' token reads pilots, zones, local authorities, organisations, teams, "
    "frameworks and their questionnaires, quarters, figures, published forum challenges and "
    "actions, and reports with their PDFs; not returns, improvement actions or evidence text. "
    "A token of a scope that does not open an endpoint gets 403."
)


class BearerTokenScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI schema describes the authentication above."""

    target_class = BearerTokenAuthentication
    name = "bearerAuth"

    def get_security_definition(self, auto_schema) -> dict:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token (hfqa_…), made on your API tokens page, with "
            f"a scope. {SCOPES_TEXT}",
        }


class TokenRateThrottle(throttling.SimpleRateThrottle):
    """So many calls per token (settings.API_RATE); then 429 with Retry-After."""

    scope = "token"

    def get_cache_key(self, request: Request, view) -> str | None:
        if not isinstance(request.auth, ApiToken):
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}

    def allow_request(self, request: Request, view) -> bool:
        # A cache that is down (Redis restarting) lets the call through rather than answer 500.
        try:
            return super().allow_request(request, view)
        except Exception:
            return True
