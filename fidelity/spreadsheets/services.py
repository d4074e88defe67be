"""Writes (and the few reads they need) for returns filled in as spreadsheets.

A team leader's upload only ever saves a draft, through `services.return_open` and
`services.return_save_draft`, so every rule of the return form still applies. A pilot manager's
import of past quarters creates returns as submitted, with stored principle scores and a
transition saying they were imported. Whether a return is complete and consistent enough to be
submitted is asked of `returns.services.return_submit_errors`, the one home of the submit rules,
for the import as for the web form; only the improvement plan is not asked of a past return (the
template has no place for one, and the quarter is over), so history can still be brought in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from common.quarters import Quarter
from fidelity.errors import WorkflowError
from fidelity.frameworks.models import FrameworkVersion
from fidelity.frameworks.selectors import current_framework_version
from fidelity.improvement.selectors import improvement_plan_errors
from fidelity.measures.selectors import return_measure_values, return_measures
from fidelity.measures.services import measure_values_save
from fidelity.measures.validation import measure_id_of, measure_key
from fidelity.returns.models import (
    CASELOAD_FIELDS,
    IndicatorScore,
    QAReturn,
    ReturnStatus,
    ReturnTransition,
)
from fidelity.returns.selectors import quarter_of_today
from fidelity.returns.services import (
    ConflictError,
    return_open,
    return_save_draft,
    return_store_scores,
    return_submit_errors,
)
from fidelity.spreadsheets import reading, workbook
from fidelity.spreadsheets.selectors import existing_return, template_spec
from partners import access
from partners.models import Pilot, Team, User


def return_template(*, team: Team, quarter: Quarter) -> bytes:
    """The team's template for `quarter`, filled in with its draft so far if there is one."""
    qa_return = existing_return(team=team, quarter=quarter)
    if qa_return is None:
        version = current_framework_version(pilot=team.organisation.pilot)
        return workbook.build_template(template_spec(team=team, quarter=quarter, version=version))
    spec = template_spec(team=team, quarter=quarter, version=qa_return.framework_version)
    return workbook.build_template(
        spec, scores=saved_scores(qa_return), figures=saved_figures(qa_return)
    )


def saved_scores(qa_return: QAReturn) -> dict[int, dict[str, Any]]:
    return {
        row.indicator_id: {
            "score": row.score,
            "not_assessed": row.not_assessed,
            "not_assessed_reason": row.not_assessed_reason,
            "evidence": row.evidence,
        }
        for row in qa_return.scores.all()
    }


def saved_figures(qa_return: QAReturn) -> dict[str, Any]:
    """The return's caseload figures and its values for its pilot's active measures."""
    values = return_measure_values(qa_return=qa_return)
    return {
        **{name: getattr(qa_return, name) for name in CASELOAD_FIELDS},
        **{measure_key(m.pk): values.get(m.pk) for m in return_measures(qa_return=qa_return)},
    }


# --- What an upload would change ---------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    where: str
    old: str
    new: str


def _shown(value: Any) -> str:
    return "(blank)" if value is None or value == "" else str(value)


def _score_shown(row: Mapping[str, Any] | None, labels: Mapping[int, str]) -> str:
    if not row:
        return "(blank)"
    if row.get("not_assessed"):
        return workbook.NOT_ASSESSED
    score = row.get("score")
    return "(blank)" if score is None else f"{score} {labels.get(score, '')}".strip()


def import_changes(
    *,
    spec: workbook.TemplateSpec,
    qa_return: QAReturn | None,
    parsed: workbook.ParsedReturn,
) -> list[Change]:
    """Every value the upload would change in the draft, old -> new, in template order."""
    old_scores = saved_scores(qa_return) if qa_return else {}
    old_figures = saved_figures(qa_return) if qa_return else {}
    labels = dict(spec.scale)
    changes = []
    for indicator in spec.indicators:
        old, new = old_scores.get(indicator.id, {}), parsed.scores.get(indicator.id, {})
        if _score_shown(old, labels) != _score_shown(new, labels):
            changes.append(
                Change(
                    f"Indicator {indicator.code} score",
                    _score_shown(old, labels),
                    _score_shown(new, labels),
                )
            )
        for key, label in (("not_assessed_reason", "reason"), ("evidence", "evidence")):
            if (old.get(key) or "") != (new.get(key) or ""):
                changes.append(
                    Change(
                        f"Indicator {indicator.code} {label}",
                        _shown(old.get(key)),
                        _shown(new.get(key)),
                    )
                )
    for name, label in spec.figures:
        old_value, new_value = old_figures.get(name), parsed.figures.get(name)
        if old_value != new_value:
            changes.append(Change(label, _shown(old_value), _shown(new_value)))
    return changes


# --- Keeping a checked upload between preview and confirm --------------------------------------


def parsed_to_json(parsed: workbook.ParsedReturn) -> dict[str, Any]:
    return {
        "figures": {k: None if v is None else str(v) for k, v in parsed.figures.items()},
        "scores": {str(k): dict(v) for k, v in parsed.scores.items()},
    }


def parsed_from_json(data: Mapping[str, Any]) -> workbook.ParsedReturn:
    figures: dict[str, Any] = {}
    for name, value in data["figures"].items():
        if value is None:
            figures[name] = None
        elif name == "staff_fte" or measure_id_of(name) is not None:
            figures[name] = Decimal(value)
        else:
            figures[name] = int(value)
    return workbook.ParsedReturn(
        figures=figures, scores={int(k): dict(v) for k, v in data["scores"].items()}
    )


# --- Saving ------------------------------------------------------------------------------------


class ImportConflict(WorkflowError):
    """The return changed after the file was checked. Nothing was saved."""


@transaction.atomic
def return_import_draft(
    *,
    team: Team,
    quarter: Quarter,
    user: User,
    lock_version: int | None,
    parsed: workbook.ParsedReturn,
) -> QAReturn:
    """Saves a checked upload into the team's draft for `quarter`, as one save.

    `lock_version` is the draft's version when the upload was previewed (None if there was no
    return yet); if the return changed since, nothing is saved.
    """
    changed = ImportConflict(
        "The return was changed after you uploaded your file, so nothing was saved. Upload the "
        "file again to see what it would change now."
    )
    qa_return = existing_return(team=team, quarter=quarter)
    if qa_return is None:
        qa_return = return_open(team=team, quarter=quarter, user=user)
        lock_version = qa_return.lock_version
    elif lock_version is None:
        raise changed
    try:
        return return_save_draft(
            qa_return=qa_return,
            user=user,
            lock_version=lock_version,
            figures=parsed.figures,
            scores=parsed.scores,
        )
    except ConflictError:
        raise changed from None


@dataclass(frozen=True)
class PastImport:
    """What importing past quarters did: the returns created, or (with nothing created) every
    problem found, each with the name of its file."""

    created: list[QAReturn]
    problems: list[tuple[str, workbook.CellProblem]]


class _NothingImported(Exception):
    def __init__(self, problems: list[tuple[str, workbook.CellProblem]]) -> None:
        self.problems = problems
        super().__init__(f"{len(problems)} problems")


def returns_import_past(
    *, user: User, pilot: Pilot, files: Sequence[tuple[str, bytes]]
) -> PastImport:
    """Creates past quarters' returns of `pilot` from filled-in templates, as submitted, all or
    none. `files` are (file name, contents).

    A file is imported only if it is the template of one of the pilot's teams for a quarter
    before this one that has no return yet (and no other of these files is for), it matches the
    framework version it was made for, every cell can be read, and the return it holds passes
    the submit rules. Each return gets its indicator scores, figures, stored principle scores and
    a transition recording the import and the file it came from.
    """
    if not access.is_pilot_manager(user=user, pilot=pilot.pk):
        raise WorkflowError("Only a manager of the pilot can import past returns.")
    try:
        with transaction.atomic():
            created: list[QAReturn] = []
            problems: list[tuple[str, workbook.CellProblem]] = []
            seen: set[tuple[int, int]] = set()
            for name, data in files:
                qa_return, file_problems = _past_return_create(
                    user=user, pilot=pilot, name=name, data=data, seen=seen
                )
                problems.extend((name, problem) for problem in file_problems)
                if qa_return:
                    created.append(qa_return)
            if problems:
                raise _NothingImported(problems)
            for qa_return in created:
                return_store_scores(qa_return=qa_return)
    except _NothingImported as refused:
        return PastImport(created=[], problems=refused.problems)
    return PastImport(created=created, problems=[])


def _past_return_create(
    *, user: User, pilot: Pilot, name: str, data: bytes, seen: set[tuple[int, int]]
) -> tuple[QAReturn | None, list[workbook.CellProblem]]:
    """Reads one file of the import and, if it may be imported, creates its return as submitted:
    (the return, or None; the file's problems). The caller undoes everything if any file has
    a problem."""
    try:
        book = reading.open_workbook(data, name=name)
        about = workbook.read_about(book)
    except workbook.SpreadsheetError as error:
        return None, error.problems
    team = (
        Team.objects.filter(organisation__pilot=pilot, pk=about.team_id)
        .select_related("organisation__pilot")
        .first()
    )
    if team is None:
        return None, [
            workbook.CellProblem(
                workbook.ABOUT, "B5", "this file is for a team outside this pilot."
            )
        ]
    try:
        quarter = Quarter.from_slug(about.quarter_slug, pilot.quarter_convention)
    except ValueError:
        return None, [workbook.CellProblem(workbook.ABOUT, "B7", "the quarter is not recognised.")]
    if quarter.index >= quarter_of_today(pilot=pilot).index:
        return None, [
            workbook.CellProblem(
                workbook.ABOUT,
                "B7",
                f"{quarter.label} is not a past quarter. Team leaders upload the current "
                "quarter's return themselves.",
            )
        ]
    in_another_file = (team.pk, quarter.index) in seen
    if in_another_file or existing_return(team=team, quarter=quarter):
        return None, [
            workbook.CellProblem(
                workbook.ABOUT,
                "B7",
                f"{team.name} already has a return for {quarter.label}"
                + (" in another of these files" if in_another_file else "")
                + "; nothing is imported over an existing return.",
            )
        ]
    seen.add((team.pk, quarter.index))
    current = current_framework_version(pilot=pilot)
    version = (
        FrameworkVersion.objects.filter(
            pk=about.framework_version_id, framework=current.framework
        ).first()
        or current
    )
    spec = template_spec(team=team, quarter=quarter, version=version)
    problems = workbook.check_matches(about, spec)
    if problems:
        return None, problems
    parsed = workbook.parse_return(book, spec)
    if parsed.problems:
        return None, parsed.problems
    qa_return = _past_return_save(
        user=user, team=team, quarter=quarter, version=version, parsed=parsed, filename=name
    )
    waived = improvement_plan_errors(qa_return=qa_return)
    errors = {
        key: message
        for key, message in return_submit_errors(qa_return=qa_return).items()
        if key not in waived
    }
    return qa_return, workbook.submit_problems(book, spec, errors)


def _past_return_save(
    *,
    user: User,
    team: Team,
    quarter: Quarter,
    version: FrameworkVersion,
    parsed: workbook.ParsedReturn,
    filename: str,
) -> QAReturn:
    now = timezone.now()
    qa_return = QAReturn(
        team=team,
        framework_version=version,
        year=quarter.year,
        quarter=quarter.number,
        deadline=quarter.deadline(team.organisation.pilot.return_deadline_days),
        status=ReturnStatus.SUBMITTED,
        created_by=user,
        submitted_at=now,
        submitted_by=user,
        **{name: parsed.figures.get(name) for name in CASELOAD_FIELDS},
    )
    qa_return._history_user = user
    qa_return._change_reason = f"Imported from {filename}"
    qa_return.save()
    measure_values_save(
        qa_return=qa_return,
        values={
            measure_id_of(name): value
            for name, value in parsed.figures.items()
            if measure_id_of(name) is not None
        },
        user=user,
    )
    IndicatorScore.objects.bulk_create(
        IndicatorScore(
            qa_return=qa_return,
            indicator_id=indicator_id,
            score=row["score"],
            not_assessed=row["not_assessed"],
            not_assessed_reason=row["not_assessed_reason"],
            evidence=row["evidence"],
        )
        for indicator_id, row in parsed.scores.items()
    )
    ReturnTransition.objects.create(
        qa_return=qa_return,
        from_status=ReturnStatus.DRAFT,
        to_status=ReturnStatus.SUBMITTED,
        by=user,
        comment=f"Imported from the spreadsheet {filename} by a pilot manager.",
    )
    return qa_return
