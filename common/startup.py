"""What a server process does once it has started, before its first request."""

from __future__ import annotations

import gc

from django.urls import get_resolver


def settle() -> None:
    """Import every view, then put everything loaded so far out of the garbage collector's full
    passes (`gc.freeze`).

    A full pass walks every object the process holds. Without this it walked Django, the app and
    their modules too, and a fresh render of the 150-LA dashboard that met one took about 100 ms
    longer (p95 254 ms against a p50 of 147). Objects created by requests are collected as before.
    """
    get_resolver().url_patterns  # noqa: B018 - importing every app's URLconf and views
    gc.collect()
    gc.freeze()
