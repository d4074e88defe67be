from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


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
