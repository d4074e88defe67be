"""Reads for the return as a task list: its sections, the status of each, and every problem that
stops it being submitted, each with the section page and the id of the field it is about.

The problems are `services.return_submit_errors`, the one home of the submit rules; this module
only says where each one is shown. Field ids follow the prefixes the section forms use
(`score-<indicator code>`, `caseload`, `measures`, `plan-<indicator id>`,
`update-<action id>`). The pilot's own measures have a section only when the pilot has some.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import groupby

from django.urls import reverse

from fidelity.frameworks.models import Principle
from fidelity.improvement.selectors import improvement_actions_carried, improvement_low_scores
from fidelity.measures.models import PilotMeasure
from fidelity.measures.selectors import return_measure_values, return_measures
from fidelity.measures.validation import measure_id_of, measure_key
from fidelity.returns import validation
from fidelity.returns.models import CASELOAD_FIELDS, IndicatorScore, QAReturn
from fidelity.returns.services import return_submit_errors

NOT_STARTED = "not_started"
IN_PROGRESS = "in_progress"
COMPLETED = "completed"
HAS_PROBLEMS = "has_problems"
SECTION_STATUS_LABELS = {
    NOT_STARTED: "Not started",
    IN_PROGRESS: "In progress",
    COMPLETED: "Completed",
    HAS_PROBLEMS: "Has problems",
}

ACTIVITIES = "activities"
CASELOAD = "caseload"
MEASURES = "measures"
IMPROVEMENT = "improvement"
# The sections after the principles, in their order (measures only for a pilot that has some).
TITLES = {
    ACTIVITIES: "QA activities behind the scores",
    CASELOAD: "Caseload figures for the quarter",
    MEASURES: "Pilot measures",
    IMPROVEMENT: "Improvement plan",
}
SCORE_PREFIX = "score"
CASELOAD_PREFIX = "caseload"
MEASURES_PREFIX = "measures"


@dataclass(frozen=True)
class Problem:
    """One thing that stops the return being submitted, and where to fix it."""

    where: str
    message: str
    section: str
    field_id: str
    url: str


@dataclass
class Section:
    slug: str
    title: str
    status: str = NOT_STARTED
    principle: Principle | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return SECTION_STATUS_LABELS[self.status]


def principle_slug(principle: Principle) -> str:
    return principle.code.lower()


def score_field_id(*, indicator_code: str, field: str) -> str:
    # A group of radios has no element with the field's id: link to the first radio.
    suffix = "_0" if field == "rating" else ""
    return f"id_{SCORE_PREFIX}-{indicator_code}-{field}{suffix}"


def section_url(*, qa_return: QAReturn, slug: str) -> str:
    if slug == IMPROVEMENT:
        return reverse("fidelity:return_improvement", args=[qa_return.pk])
    return reverse("fidelity:return_section", args=[qa_return.pk, slug])


def _score_rows(qa_return: QAReturn) -> list[IndicatorScore]:
    return list(qa_return.scores.select_related("indicator__principle"))


def measure_field_id(measure_id: int) -> str:
    return f"id_{MEASURES_PREFIX}-{measure_key(measure_id)}"


def _locate(
    qa_return: QAReturn,
    key: str,
    message: str,
    rows: list[IndicatorScore],
    measures: list[PilotMeasure],
) -> tuple[int, Problem]:
    """(position in page order, problem) for one key of `return_submit_errors`."""
    by_code = {row.indicator.code: (i, row) for i, row in enumerate(rows)}
    caseload_base = len(rows) + 1
    measures_base = caseload_base + len(CASELOAD_FIELDS)
    plan_base = measures_base + len(measures)
    for code, (i, row) in by_code.items():
        for name in ("rating", "not_assessed_reason"):
            if key == validation.score_error_key(indicator_code=code, field=name):
                slug = principle_slug(row.indicator.principle)
                return i, Problem(
                    where=f"Indicator {code}",
                    message=message,
                    section=slug,
                    field_id=score_field_id(indicator_code=code, field=name),
                    url=section_url(qa_return=qa_return, slug=slug),
                )
    if key in CASELOAD_FIELDS:
        label = str(QAReturn._meta.get_field(key).verbose_name)
        return caseload_base + CASELOAD_FIELDS.index(key), Problem(
            where=label[0].upper() + label[1:],
            message=message,
            section=CASELOAD,
            field_id=f"id_{CASELOAD_PREFIX}-{key}",
            url=section_url(qa_return=qa_return, slug=CASELOAD),
        )
    measure_id = measure_id_of(key)
    positions = {m.pk: i for i, m in enumerate(measures)}
    if measure_id in positions:
        return measures_base + positions[measure_id], Problem(
            where=measures[positions[measure_id]].name,
            message=message,
            section=MEASURES,
            field_id=measure_field_id(measure_id),
            url=section_url(qa_return=qa_return, slug=MEASURES),
        )
    plan_url = section_url(qa_return=qa_return, slug=IMPROVEMENT)
    if key.startswith("carried action "):
        action_id = key.removeprefix("carried action ")
        return plan_base, Problem(
            where="Improvement plan",
            message=message,
            section=IMPROVEMENT,
            field_id=f"id_update-{action_id}-status",
            url=plan_url,
        )
    if key.startswith("improvement "):
        code = key.removeprefix("improvement ")
        indicator_id = by_code[code][1].indicator_id if code in by_code else ""
        return plan_base + 1, Problem(
            where="Improvement plan",
            message=message,
            section=IMPROVEMENT,
            field_id=f"id_plan-{indicator_id}-plan_0",
            url=plan_url,
        )
    return plan_base + 2, Problem(
        where="Return", message=message, section="", field_id="", url=plan_url
    )


def return_problems(*, qa_return: QAReturn, errors: dict[str, str] | None = None) -> list[Problem]:
    """Every reason the saved return cannot be submitted (field checks and plan rules together),
    in the order of the sections, each linked to its field. `errors` may be given when the
    caller already has `return_submit_errors` for this return."""
    if errors is None:
        errors = return_submit_errors(qa_return=qa_return)
    rows = _score_rows(qa_return)
    measures = return_measures(qa_return=qa_return)
    located = [_locate(qa_return, key, message, rows, measures) for key, message in errors.items()]
    return [problem for _, problem in sorted(located, key=lambda pair: pair[0])]


def _status(*, started: bool, complete: bool, problems: list[Problem]) -> str:
    """Nothing saved: not started. Saved with no problem: completed. Every question answered
    but a rule still broken: has problems. Otherwise: in progress."""
    if not started:
        return NOT_STARTED
    if not problems:
        return COMPLETED
    return HAS_PROBLEMS if complete else IN_PROGRESS


def return_sections(*, qa_return: QAReturn) -> list[Section]:
    """The return's sections in order (each principle of its framework version, QA activities,
    caseload, the pilot's measures if it has any, improvement plan), each with its status from the saved data and the problems the
    submit service finds."""
    rows = _score_rows(qa_return)
    problems = return_problems(qa_return=qa_return)
    by_section: dict[str, list[Problem]] = {}
    for problem in problems:
        by_section.setdefault(problem.section, []).append(problem)
    sections = []
    for principle, items in groupby(rows, key=lambda row: row.indicator.principle):
        items = list(items)
        slug = principle_slug(principle)
        section_problems = by_section.get(slug, [])
        sections.append(
            Section(
                slug=slug,
                title=_principle_title(principle),
                principle=principle,
                problems=section_problems,
                status=_status(
                    started=any(r.score is not None or r.not_assessed or r.evidence for r in items),
                    complete=all(r.score is not None or r.not_assessed for r in items),
                    problems=section_problems,
                ),
            )
        )
    has_activities = qa_return.activities.exists()
    sections.append(
        Section(
            slug=ACTIVITIES,
            title=TITLES[ACTIVITIES],
            status=COMPLETED if has_activities else NOT_STARTED,
        )
    )
    figures = [getattr(qa_return, name) for name in CASELOAD_FIELDS]
    caseload_problems = by_section.get(CASELOAD, [])
    sections.append(
        Section(
            slug=CASELOAD,
            title=TITLES[CASELOAD],
            problems=caseload_problems,
            status=_status(
                started=any(v is not None for v in figures),
                complete=all(
                    getattr(qa_return, name) is not None for name in validation.REQUIRED_FIGURES
                ),
                problems=caseload_problems,
            ),
        )
    )
    measures = return_measures(qa_return=qa_return)
    if measures:
        values = return_measure_values(qa_return=qa_return)
        measure_problems = by_section.get(MEASURES, [])
        sections.append(
            Section(
                slug=MEASURES,
                title=TITLES[MEASURES],
                problems=measure_problems,
                status=_status(
                    started=any(m.pk in values for m in measures),
                    complete=all(m.pk in values for m in measures),
                    problems=measure_problems,
                ),
            )
        )
    lows = improvement_low_scores(qa_return=qa_return)
    carried = list(improvement_actions_carried(qa_return=qa_return))
    plan_problems = by_section.get(IMPROVEMENT, [])
    sections.append(
        Section(
            slug=IMPROVEMENT,
            title=TITLES[IMPROVEMENT],
            problems=plan_problems,
            status=_status(
                started=any(low.action for low in lows)
                or any(a.updated_on_id == qa_return.pk for a in carried)
                or not (lows or carried),
                complete=all(low.action for low in lows)
                and all(a.updated_on_id == qa_return.pk for a in carried),
                problems=plan_problems,
            ),
        )
    )
    return sections


def section_outline(*, qa_return: QAReturn) -> list[tuple[str, str]]:
    """The return's sections in the order `return_sections` gives them, as (slug, title), without
    their statuses: two queries, for a section page's heading and where "Save and continue" goes."""
    rows = _score_rows(qa_return)
    principles = [principle for principle, _ in groupby(rows, key=lambda r: r.indicator.principle)]
    has_measures = bool(return_measures(qa_return=qa_return))
    return [
        *((principle_slug(p), _principle_title(p)) for p in principles),
        *((slug, title) for slug, title in TITLES.items() if slug != MEASURES or has_measures),
    ]


def _principle_title(principle: Principle) -> str:
    return f"{principle.code}. {principle.title}"


def next_section(*, slugs: list[str], slug: str) -> str | None:
    """The section after `slug`, or None after the last."""
    if slug not in slugs or slugs.index(slug) + 1 >= len(slugs):
        return None
    return slugs[slugs.index(slug) + 1]
