"""Council sign-in: a council's OpenID Connect provider (Microsoft Entra ID, say) signs its staff in.

Off unless `OIDC_ENABLED`. mozilla-django-oidc sends the person to the provider (state, nonce,
PKCE) and exchanges the code it sends back for tokens; this module decides who that is here. The
ID token must be signed by the provider's key, issued by `OIDC_OP_ISSUER`, for our client id and
not expired. The person is matched by their email, which the provider must say it has verified,
to exactly one active account here that holds a role (or is an administrator); roles are still
given here, and no account is ever created. Anything else is refused with a reason that goes into
the audit trail and a message on the sign-in page.

The callback view calls `CouncilOIDCBackend.sign_in` itself rather than going through
`django.contrib.auth.authenticate`: a refusal is not a guessed password, so django-axes neither
counts it (every refusal would count against one blank name and lock the whole office out of
council sign-in) nor blocks a person the council has just vouched for. The sign-in itself is an
ordinary `login()`, so the audit trail and two-factor sign-in see it as they see any other.
"""

from __future__ import annotations

import jwt
import requests
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY
from django.core.exceptions import SuspiciousOperation
from django.http import HttpRequest
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from . import access
from .audit import record_event
from .models import SecurityEventKind, User

BACKEND = "partners.oidc.CouncilOIDCBackend"
# Seconds of clock difference allowed between the provider and us when checking a token's times.
CLOCK_SKEW_SECONDS = 30

NOT_SET_UP = "Your council account ({email}) is not set up here. Ask your pilot manager."
UNVERIFIED = (
    "Your council account ({email}) has no verified email address, so it cannot be matched to "
    "an account here. Ask your council's IT service desk."
)
DID_NOT_WORK = (
    "Signing in with your council account did not work. Please try again; if it keeps "
    "happening, sign in with your password or ask your pilot manager."
)
NO_EMAIL = (
    "Your council account did not give us an email address, so it cannot be matched to an "
    "account here. Ask your council's IT service desk."
)
CANCELLED = "Signing in with your council account was cancelled or refused by your council."


class SignInRefused(Exception):
    """Why a council sign-in was refused: `reason` for the audit trail, `message` for the person."""

    def __init__(
        self,
        reason: str,
        *,
        message: str = DID_NOT_WORK,
        email: str = "",
        user: User | None = None,
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message.format(email=email)
        self.email = email
        self.user = user


class CouncilOIDCBackend(OIDCAuthenticationBackend):
    def authenticate(self, request, **kwargs):
        """Nothing: a password sign-in asking every backend in turn is not for this one, and
        council sign-ins come through `sign_in`."""
        return None

    def sign_in(
        self, *, request: HttpRequest, nonce: str | None, code_verifier: str | None
    ) -> User:
        """The person the provider's code (in `request.GET`) stands for; raises SignInRefused."""
        try:
            user = super().authenticate(request, nonce=nonce, code_verifier=code_verifier)
        except (
            requests.RequestException,
            SuspiciousOperation,
            jwt.InvalidTokenError,
            KeyError,  # a token or key set missing a field the library reads
            ValueError,  # an answer that is not the JSON it should be
        ) as exc:
            raise SignInRefused(f"token refused: {exc}") from exc
        if user is None:
            raise SignInRefused("token refused")
        return user

    def get_payload_data(self, token, key):
        """The ID token's claims, once its signature, issuer, audience and times are checked (the
        library checks the signature only)."""
        if jwt.get_unverified_header(token).get("alg") != self.OIDC_RP_SIGN_ALGO:
            raise SuspiciousOperation("unexpected signing algorithm")
        claims = jwt.decode(
            token,
            key,
            algorithms=[self.OIDC_RP_SIGN_ALGO],
            audience=self.OIDC_RP_CLIENT_ID,
            issuer=settings.OIDC_OP_ISSUER,
            leeway=CLOCK_SKEW_SECONDS,
            options={"require": ["iss", "aud", "exp", "iat", "sub"]},
        )
        audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
        if len(audiences) > 1 and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise SuspiciousOperation("token issued to another party")
        return claims

    def get_userinfo(self, access_token, id_token, payload):
        """The provider's user information, overlaid with the checked ID token's claims: Microsoft
        Entra ID, for one, puts optional claims such as `xms_edov` in the ID token only."""
        userinfo = super().get_userinfo(access_token, id_token, payload)
        if userinfo.get("sub") != payload["sub"]:
            raise SuspiciousOperation("user information for another subject")
        return {**userinfo, **payload}

    def verify_claims(self, claims) -> bool:
        email = str(claims.get("email") or "")
        if not email:
            raise SignInRefused("no email", message=NO_EMAIL)
        if not _email_verified(claims):
            raise SignInRefused("unverified email", message=UNVERIFIED, email=email)
        return True

    def filter_users_by_claims(self, claims):
        email = claims["email"]
        users = list(User.objects.filter(email__iexact=email, is_active=True)[:2])
        if not users:
            raise SignInRefused("unknown email", message=NOT_SET_UP, email=email)
        if len(users) > 1:
            raise SignInRefused(
                "email shared by more than one account", message=NOT_SET_UP, email=email
            )
        return users

    def update_user(self, user, claims):
        """The one account the email matched, if it holds a role here."""
        if not (user.is_superuser or access.roles_of(user=user)):
            raise SignInRefused("no role", message=NOT_SET_UP, email=claims["email"], user=user)
        return user

    def create_user(self, claims):
        raise SignInRefused("unknown email", message=NOT_SET_UP, email=claims.get("email", ""))


def _email_verified(claims: dict) -> bool:
    """The provider vouches for the address: `email_verified`, or, from Microsoft Entra ID, which
    does not send that for a council's own accounts, `xms_edov` (the address's domain is one the
    council's tenant has proved it owns)."""
    return any(claims.get(name) in (True, "true") for name in ("email_verified", "xms_edov"))


def sign_in_refused(*, request: HttpRequest, refusal: SignInRefused) -> None:
    record_event(
        kind=SecurityEventKind.LOGIN_FAILED,
        request=request,
        user=refusal.user,
        username=refusal.email,
        detail=f"Council sign-in refused: {refusal.reason}",
    )


def signed_in_by_council(request: HttpRequest) -> bool:
    return request.session.get(BACKEND_SESSION_KEY) == BACKEND
