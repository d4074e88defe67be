"""Returns for tests, built directly (not through the form) so any quarter and state is easy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils import timezone

from fidelity.models import IndicatorScore, PilotFramework, QAReturn, ReturnStatus
from fidelity.quarters import Quarter
from fidelity.selectors import current_framework_version
from fidelity.services import return_store_scores
from partners.models import Pilot, Team


def use_default_framework(pilot: Pilot) -> None:
    PilotFramework.objects.get_or_create(
        pilot=pilot, defaults={"version": current_framework_version(pilot=pilot)}
    )


def make_return(
    team: Team,
    year: int,
    quarter: int,
    *,
    status: str = ReturnStatus.SUBMITTED,
    scores: Mapping[str, Sequence[int | None]] | None = None,
    fill: int | None = 3,
    **figures,
) -> QAReturn:
    """A return with one score row per indicator.

    `scores` maps a principle code to the scores of its indicators in order (None = not
    assessed); principles not named get `fill` for every indicator (None = not assessed).
    Submitted and approved returns get their principle scores stored, as the workflow does.
    """
    pilot = team.organisation.pilot
    version = current_framework_version(pilot=pilot)
    q = Quarter(year, quarter, pilot.quarter_convention)
    qa_return = QAReturn.objects.create(
        team=team,
        framework_version=version,
        year=year,
        quarter=quarter,
        deadline=q.deadline(pilot.return_deadline_days),
        status=status,
        submitted_at=timezone.now() if status != ReturnStatus.DRAFT else None,
        **figures,
    )
    rows = []
    scores = scores or {}
    for principle in version.principles.prefetch_related("indicators"):
        wanted = list(scores.get(principle.code, []))
        for i, indicator in enumerate(principle.indicators.all()):
            value = (
                wanted[i] if i < len(wanted) else (fill if principle.code not in scores else None)
            )
            rows.append(
                IndicatorScore(
                    qa_return=qa_return,
                    indicator=indicator,
                    score=value,
                    not_assessed=value is None,
                    not_assessed_reason="Not looked at this quarter" if value is None else "",
                    evidence=f"Evidence for {indicator.code}",
                )
            )
    IndicatorScore.objects.bulk_create(rows)
    if status in (ReturnStatus.SUBMITTED, ReturnStatus.APPROVED):
        return_store_scores(qa_return=qa_return)
        qa_return.refresh_from_db()
    return qa_return
