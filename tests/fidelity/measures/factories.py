"""A pilot's own measures for tests: the three the issue names."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from fidelity.measures.models import MeasureKind, PilotMeasure
from partners.models import Pilot


@dataclass
class Measures:
    admissions: PilotMeasure
    discharge_days: PilotMeasure
    budget: PilotMeasure


def add_measures(pilot: Pilot) -> Measures:
    """Hospital admissions (at most people supported), delayed discharge days (at least 0) and
    personal budget spent (£, two decimal places)."""
    return Measures(
        admissions=PilotMeasure.objects.create(
            pilot=pilot,
            name="Hospital admissions",
            help_text="People admitted to hospital this quarter.",
            at_most_figure="people_supported",
            position=1,
        ),
        discharge_days=PilotMeasure.objects.create(
            pilot=pilot, name="Delayed discharge days", position=2
        ),
        budget=PilotMeasure.objects.create(
            pilot=pilot,
            name="Personal budget spent (£)",
            kind=MeasureKind.DECIMAL,
            decimal_places=2,
            minimum=Decimal("0"),
            position=3,
        ),
    )
