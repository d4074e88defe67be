"""Reads on frameworks: the version a pilot scores on, whether a version is in use, its band rules."""

from __future__ import annotations

from django.db.models import Max

from fidelity.frameworks import scoring
from fidelity.frameworks.framework_data import NAME as DEFAULT_FRAMEWORK
from fidelity.frameworks.models import (
    Framework,
    FrameworkVersion,
    PilotFramework,
)
from fidelity.returns.models import (
    QAReturn,
)
from partners.models import Pilot


def framework_next_version_number(*, framework: Framework) -> int:
    """The number a new version of this framework takes: one more than its highest."""
    return (framework.versions.aggregate(m=Max("number"))["m"] or 0) + 1


def band_rules(*, version: FrameworkVersion) -> list[scoring.BandRule]:
    return [scoring.BandRule(name=b.slug, minimum=b.minimum) for b in version.bands.all()]


def framework_version_in_use(*, version: FrameworkVersion) -> bool:
    return QAReturn.objects.filter(framework_version=version).exists()


def current_framework_version(*, pilot: Pilot) -> FrameworkVersion:
    """The version a pilot's new returns are scored on; the default framework's latest if unset."""
    choice = PilotFramework.objects.filter(pilot=pilot).select_related("version").first()
    if choice:
        return choice.version
    return FrameworkVersion.objects.filter(framework__name=DEFAULT_FRAMEWORK).order_by("-number")[0]
