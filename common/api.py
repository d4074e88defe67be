"""What every API view shares: read-only views open to token callers, and query parameters.
Pages are common.pagination's (DRF reads its settings while its own modules load).

The API authenticates by bearer token (partners.api_tokens), not by the session, so its views
are exempt from the sign-in redirect of LoginRequiredMiddleware and answer 401 themselves.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.views import APIView


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Subclasses set `queryset` to their model's `.none()`, so the schema knows the model; the
    rows always come from their `get_queryset`, through the access functions."""

    @classmethod
    def as_view(cls, *args, **kwargs):
        return login_not_required(super().as_view(*args, **kwargs))


class ReadOnlyApiView(APIView):
    @classmethod
    def as_view(cls, *args, **kwargs):
        return login_not_required(super().as_view(*args, **kwargs))


def query_id(request, name: str) -> int | None:
    """The id `?name=` gives, None when absent; anything that is not an id (junk, -1, 1e9, a
    number too big for the database) is a 400 that says so."""
    value = request.query_params.get(name)
    if value in (None, ""):
        return None
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) < 2**63:
        raise ValidationError({name: f"Not an id: {value[:40]!r}."})
    return int(value)


def query_choice(request, name: str, choices: tuple[str, ...], default: str) -> str:
    value = request.query_params.get(name) or default
    if value not in choices:
        raise ValidationError({name: f"One of {', '.join(choices)}, not {value[:40]!r}."})
    return value
