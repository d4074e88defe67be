from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


class SecurityHeadersMiddleware:
    """Adds the headers Django has no setting for: Permissions-Policy."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class AuditDeniedMiddleware:
    """Records a permission denial when a signed-in person is refused an existing page.

    Views answer 404 for objects a person may not see, so a 404 on a URL that matched a pattern
    (an id changed by hand, say) and every 403 go into the audit trail.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        denied = response.status_code == 403 or (
            response.status_code == 404 and getattr(request, "resolver_match", None) is not None
        )
        user = getattr(request, "user", None)
        if denied and user is not None and user.is_authenticated:
            from .audit import record_event
            from .models import SecurityEventKind

            record_event(
                kind=SecurityEventKind.PERMISSION_DENIED,
                request=request,
                detail=f"HTTP {response.status_code}",
            )
        return response


class TwoFactorMiddleware:
    """Holds a person who has given their password but still owes a two-factor code (or, if
    they must have two-factor sign-in, its set-up) at that page, whatever URL they ask for.

    The state was written into the session at sign-in (`partners.two_factor`), so this costs no
    query. Signing out, the two-factor pages themselves, static files and the public pages stay
    reachable.
    """

    _OPEN_NAMES = ("logout", "two_factor_verify", "two_factor_setup", "privacy", "accessibility")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self._open_paths: tuple[str, ...] | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .two_factor import SESSION_KEY, SET_UP

        state = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
        if state and request.user.is_authenticated and not self._is_open(request.path):
            target = reverse("two_factor_setup" if state == SET_UP else "two_factor_verify")
            wanted = request.get_full_path()
            if request.method == "GET" and url_has_allowed_host_and_scheme(wanted, None):
                return redirect(f"{target}?next={wanted}")
            return redirect(target)
        return self.get_response(request)

    def _is_open(self, path: str) -> bool:
        if self._open_paths is None:
            self._open_paths = (
                *(reverse(name) for name in self._OPEN_NAMES),
                settings.STATIC_URL,
                "/healthz",
            )
        return path.startswith(self._open_paths)
