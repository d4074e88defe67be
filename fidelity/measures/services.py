"""Writes of a return's measure values. The return's own services call this inside their save,
so the lock, the workflow and the history apply as to every other answer."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from fidelity.measures.models import MeasureValue, PilotMeasure
from fidelity.returns.models import QAReturn
from partners.models import User


def measure_values_save(
    *, qa_return: QAReturn, values: Mapping[int, Decimal | None], user: User | None
) -> None:
    """Sets the return's value for each measure id in `values`; None clears it. Ids must be of
    measures of the return's pilot (ValueError otherwise)."""
    if not values:
        return
    pilot_id = qa_return.team.organisation.pilot_id
    saved = {
        v.measure_id: v
        for v in MeasureValue.objects.filter(qa_return=qa_return).select_related("measure")
    }
    known = set(
        PilotMeasure.objects.filter(pilot_id=pilot_id, pk__in=list(values)).values_list(
            "pk", flat=True
        )
    )
    for measure_id, value in values.items():
        if measure_id not in known:
            raise ValueError(f"Measure {measure_id} is not one of this pilot's.")
        row = saved.get(measure_id)
        if value is None:
            if row is not None:
                row._history_user = user
                row.delete()
            continue
        if row is not None and row.value == value:
            continue
        row = row or MeasureValue(qa_return=qa_return, measure_id=measure_id)
        row.value = value
        row._history_user = user
        row.save()
