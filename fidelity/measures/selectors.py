"""Reads of a pilot's measures and a return's values for them."""

from __future__ import annotations

from decimal import Decimal

from fidelity.measures.models import MeasureValue, PilotMeasure
from fidelity.returns.models import QAReturn


def pilot_measures(*, pilot_id: int, active_only: bool = True) -> list[PilotMeasure]:
    """The pilot's measures in their order (only the active ones unless asked)."""
    measures = PilotMeasure.objects.filter(pilot_id=pilot_id).select_related("at_most_measure")
    if active_only:
        measures = measures.filter(is_active=True)
    return list(measures)


def return_measures(*, qa_return: QAReturn) -> list[PilotMeasure]:
    """The measures the return asks for: its pilot's active ones."""
    return pilot_measures(pilot_id=qa_return.team.organisation.pilot_id)


def return_measure_values(*, qa_return: QAReturn) -> dict[int, Decimal]:
    """The return's values by measure id."""
    return dict(MeasureValue.objects.filter(qa_return=qa_return).values_list("measure_id", "value"))


def return_measure_answers(
    *, qa_return: QAReturn
) -> list[tuple[PilotMeasure, int | Decimal | None]]:
    """(measure, value as shown) for each measure the return asks for, and any other of its
    pilot's measures it has a value for (one made inactive since), in the measures' order."""
    values = return_measure_values(qa_return=qa_return)
    measures = pilot_measures(pilot_id=qa_return.team.organisation.pilot_id, active_only=False)
    return [(m, m.plain(values.get(m.pk))) for m in measures if m.is_active or m.pk in values]
