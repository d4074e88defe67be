"""Returns for tests, built directly (not through the form) so any quarter and state is easy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils import timezone

from fidelity.frameworks.models import PilotFramework
from fidelity.frameworks.selectors import current_framework_version
from fidelity.returns.models import IndicatorScore, QAReturn, ReturnStatus
from fidelity.returns.quarters import Quarter
from fidelity.returns.services import return_store_scores
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


GOOD_FIGURES = {
    "people_supported": 12,
    "new_referrals": 3,
    "people_housed": 2,
    "tenancies_sustained": 10,
    "sustained_6_months": 8,
    "sustained_12_months": 5,
    "tenancies_ended": 2,
    "ended_planned_move": 1,
    "ended_unknown": 1,
    "staff_fte": 2,
    "support_contacts": 140,
}


def score_values(qa_return: QAReturn, value: int | None = 3, **overrides) -> dict[int, dict]:
    """Scores for the save service: every indicator `value` (None = not assessed with a reason);
    `overrides` maps an indicator code with '.' as '_' (e.g. i1_2) to a value."""
    result = {}
    for row in qa_return.scores.select_related("indicator"):
        v = overrides.get("i" + row.indicator.code.replace(".", "_"), value)
        result[row.indicator_id] = {
            "score": v,
            "not_assessed": v is None,
            "not_assessed_reason": "No audit this quarter" if v is None else "",
            "evidence": f"Invented evidence for {row.indicator.code}",
        }
    return result


def fill_return(qa_return: QAReturn, user, value: int | None = 3, **figures) -> QAReturn:
    """Saves a complete draft through the service, as the form would."""
    from fidelity.returns.services import return_save_draft

    return return_save_draft(
        qa_return=qa_return,
        user=user,
        lock_version=qa_return.lock_version,
        figures={**GOOD_FIGURES, **figures},
        scores=score_values(qa_return, value),
    )


def form_data(qa_return: QAReturn, *, rating: str = "3", **changes) -> dict[str, str]:
    """POST data for the return form with every indicator rated `rating` and good figures."""
    rows = list(qa_return.scores.all())
    data = {
        "lock_version": str(qa_return.lock_version),
        "score-TOTAL_FORMS": str(len(rows)),
        "score-INITIAL_FORMS": str(len(rows)),
        "score-MIN_NUM_FORMS": "0",
        "score-MAX_NUM_FORMS": "1000",
        "activity-TOTAL_FORMS": "1",
        "activity-INITIAL_FORMS": "0",
        "activity-MIN_NUM_FORMS": "0",
        "activity-MAX_NUM_FORMS": "1000",
    }
    for i, _row in enumerate(rows):
        data[f"score-{i}-rating"] = rating
        data[f"score-{i}-evidence"] = f"Invented evidence {i}"
        data[f"score-{i}-not_assessed_reason"] = ""
    for name, value in GOOD_FIGURES.items():
        data[f"caseload-{name}"] = str(value)
    data.update({k: str(v) for k, v in changes.items()})
    return data


def page_text(response) -> str:
    """The response's HTML with tags removed and spaces collapsed, to read like the user does."""
    import html
    import re

    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", html.unescape(text))
