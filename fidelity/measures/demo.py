"""Demo measures for the Greater Manchester demo pilot: the figures health and housing
integration pilots report (hospital admissions, delayed discharge days, personal budgets), with
invented values on its returns.

Deterministic (each value comes from `random.Random` seeded with the return) and idempotent
(measures are found by name; a return that has a value for a measure keeps it). Every counted
return gets every measure, within its rules, so it could still be submitted.
"""

from __future__ import annotations

import random
from decimal import Decimal

from django.db import transaction

from fidelity.measures.models import MeasureKind, MeasureValue, PilotMeasure
from fidelity.returns.models import QAReturn, ReturnStatus
from partners.demo import GREATER_MANCHESTER
from partners.models import Pilot

MEASURES = [
    {
        "name": "Hospital admissions",
        "help_text": "Admissions of people the team supports, this quarter (planned or not).",
        "at_most_figure": "people_supported",
    },
    {
        "name": "Delayed discharge days",
        "help_text": "Days people the team supports stayed in hospital once fit to leave.",
    },
    {
        "name": "Personal budget spent (£)",
        "help_text": "Spent from personal budgets this quarter, in pounds and pence.",
        "kind": MeasureKind.DECIMAL,
        "decimal_places": 2,
    },
]


def _value(name: str, qa_return: QAReturn, rng: random.Random) -> Decimal:
    if name == "Hospital admissions":
        return Decimal(rng.randint(0, min(3, qa_return.people_supported or 0)))
    if name == "Delayed discharge days":
        return Decimal(rng.choice([0, 0, 2, 5, 9, 14]))
    return Decimal(rng.randint(20_000, 180_000)) / 100


@transaction.atomic
def seed_measures(pilot: Pilot) -> str:
    """The demo measures and their values, for the Greater Manchester demo pilot only (by its
    slug: the plan names it)."""
    if pilot.slug != GREATER_MANCHESTER.slug:
        return ""
    measures = []
    for position, fields in enumerate(MEASURES, start=1):
        measure, _ = PilotMeasure.objects.get_or_create(
            pilot=pilot, name=fields["name"], defaults={**fields, "position": position}
        )
        measures.append(measure)
    have = set(
        MeasureValue.objects.filter(measure__in=measures).values_list("qa_return_id", "measure_id")
    )
    values = []
    for qa_return in QAReturn.objects.filter(team__organisation__pilot=pilot).order_by("pk"):
        rng = random.Random(f"measures:{qa_return.team_id}:{qa_return.quarter_index}")
        drafted = qa_return.status == ReturnStatus.DRAFT
        for measure in measures[:1] if drafted else measures:  # a draft has only begun on them
            if (qa_return.pk, measure.pk) not in have:
                values.append(
                    MeasureValue(
                        qa_return=qa_return,
                        measure=measure,
                        value=_value(measure.name, qa_return, rng),
                    )
                )
    MeasureValue.objects.bulk_create(values)
    return f"{len(values)} demo measure values added" if values else ""
