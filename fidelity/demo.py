"""Demo data for the fidelity app: the pilot's framework (and, below, past returns)."""

from partners.models import Pilot

from .models import PilotFramework
from .selectors import current_framework_version


def seed(pilot: Pilot) -> str:
    PilotFramework.objects.get_or_create(
        pilot=pilot, defaults={"version": current_framework_version(pilot=pilot)}
    )
    return ""
