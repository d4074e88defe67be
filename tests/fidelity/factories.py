"""Returns for tests, built directly (not through the form) so any quarter and state is easy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from django.utils import timezone

from common.quarters import Quarter
from fidelity.frameworks.selectors import current_framework_version
from fidelity.returns.models import IndicatorScore, QAReturn, ReturnStatus
from fidelity.returns.services import return_store_scores
from ops.synthetic import (  # the figures and rows the benchmark and seed_scale build too
    GOOD_FIGURES,
    indicator_score_row,
    return_row,
    score_values,
    use_default_framework,
)
from partners.models import Team

__all__ = [
    "GOOD_FIGURES",
    "fill_return",
    "form_data",
    "make_return",
    "page_text",
    "score_values",
    "use_default_framework",
]


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
    qa_return = return_row(
        team=team,
        version=version,
        quarter=Quarter(year, quarter, pilot.quarter_convention),
        status=status,
        submitted_at=timezone.now() if status != ReturnStatus.DRAFT else None,
        **figures,
    )
    qa_return.save()
    rows = []
    scores = scores or {}
    for principle in version.principles.prefetch_related("indicators"):
        wanted = list(scores.get(principle.code, []))
        for i, indicator in enumerate(principle.indicators.all()):
            value = (
                wanted[i] if i < len(wanted) else (fill if principle.code not in scores else None)
            )
            rows.append(
                indicator_score_row(
                    qa_return=qa_return,
                    indicator=indicator,
                    score=value,
                    evidence=f"Evidence for {indicator.code}",
                    reason="Not looked at this quarter",
                )
            )
    IndicatorScore.objects.bulk_create(rows)
    if status in (ReturnStatus.SUBMITTED, ReturnStatus.APPROVED):
        return_store_scores(qa_return=qa_return)
        qa_return.refresh_from_db()
    return qa_return


def fill_return(qa_return: QAReturn, user, value: int | None = 3, **figures) -> QAReturn:
    """Saves a complete draft through the service, as the form would: good caseload figures and
    each of the pilot's measures at its minimum."""
    from fidelity.measures.selectors import return_measures
    from fidelity.measures.validation import measure_key
    from fidelity.returns.services import return_save_draft

    measures = {measure_key(m.pk): m.minimum for m in return_measures(qa_return=qa_return)}
    return return_save_draft(
        qa_return=qa_return,
        user=user,
        lock_version=qa_return.lock_version,
        figures={**GOOD_FIGURES, **measures, **figures},
        scores=score_values(qa_return, value),
    )


def form_data(qa_return: QAReturn, *, rating: str = "3", **changes) -> dict[str, str]:
    """POST data for the return's section pages with every indicator rated `rating` and good
    figures: post it to each section (a section reads its own fields only)."""
    rows = list(qa_return.scores.select_related("indicator"))
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
    for i, row in enumerate(rows):
        code = row.indicator.code
        data[f"score-{code}-rating"] = rating
        data[f"score-{code}-evidence"] = f"Invented evidence {i}"
        data[f"score-{code}-not_assessed_reason"] = ""
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


def post_sections(client, qa_return: QAReturn, data: dict[str, str], *, button: str = "continue"):
    """Posts `data` (as from `form_data`) to every section page of the return in turn, as a team
    leader pressing "Save and continue" on each; gives back the last response."""
    from fidelity.returns.sections import return_sections, section_url

    response = None
    for section in return_sections(qa_return=qa_return):
        if section.slug == "improvement":
            continue
        qa_return.refresh_from_db()
        response = client.post(
            section_url(qa_return=qa_return, slug=section.slug),
            {**data, "lock_version": str(qa_return.lock_version), button: "1"},
        )
    return response
