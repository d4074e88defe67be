"""Runs one request as one role and answers its status, leaving the database as it was."""

from __future__ import annotations

from django.db import transaction
from django.test import Client
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver

ROLES = [
    "anonymous",
    "own_leader",
    "other_leader",
    "facilitator",
    "reviewer",
    "manager",
    "other_manager",
    "administrator",
]


def url_names(resolver: URLResolver | None = None, prefix: str = "") -> set[str]:
    """Every named URL in the configuration, with its namespace ("fidelity:return_list")."""
    resolver = resolver or get_resolver()
    names = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= url_names(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(prefix + pattern.name)
    return names


class _Rollback(Exception):
    pass


def status_of(user, method: str, name: str, kwargs: dict, data: dict | None = None) -> int:
    client = Client()
    if user is not None:
        client.force_login(user)
    url = reverse(name, kwargs=kwargs)
    status = 0
    try:
        with transaction.atomic():
            response = getattr(client, method.lower())(url, data or {})
            status = response.status_code
            raise _Rollback
    except _Rollback:
        pass
    return status
