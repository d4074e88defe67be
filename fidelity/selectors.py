"""Reads: what pages, exports and reports show about frameworks and returns."""

from __future__ import annotations

from partners.models import Pilot

from .framework_data import NAME as DEFAULT_FRAMEWORK
from .models import FrameworkVersion, PilotFramework


def current_framework_version(*, pilot: Pilot) -> FrameworkVersion:
    """The version a pilot's new returns are scored on; the default framework's latest if unset."""
    choice = PilotFramework.objects.filter(pilot=pilot).select_related("version").first()
    if choice:
        return choice.version
    return FrameworkVersion.objects.filter(framework__name=DEFAULT_FRAMEWORK).order_by("-number")[0]
