"""Writes (and the few reads they need) for returns filled in as spreadsheets.

A team leader's upload only ever saves a draft, through `services.return_open` and
`services.return_save_draft`, so every rule of the return form still applies. A pilot manager's
import of past quarters creates returns as submitted, with stored principle scores and a
transition saying they were imported; it is checked by the complete-return rules in
`spreadsheet.parse_return(complete=True)` instead of `services.return_submit`, so rules that only
apply to the online submit journey (such as requiring improvement actions for low scores) do not
block bringing a pilot's history in.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from fidelity.errors import WorkflowError
from fidelity.frameworks.models import FrameworkVersion, Indicator
from fidelity.frameworks.selectors import current_framework_version
from fidelity.returns.models import (
    CASELOAD_FIELDS,
    IndicatorScore,
    QAReturn,
    ReturnStatus,
    ReturnTransition,
)
from fidelity.returns.quarters import Quarter
from fidelity.returns.services import (
    ConflictError,
    current_quarter,
    return_open,
    return_save_draft,
    return_store_scores,
)
from fidelity.spreadsheets import workbook
from partners import access
from partners.models import Team, User


def template_spec(
    *, team: Team, quarter: Quarter, version: FrameworkVersion
) -> workbook.TemplateSpec:
    indicators = Indicator.objects.filter(principle__version=version).select_related("principle")
    return workbook.TemplateSpec(
        team_id=team.pk,
        team_name=team.name,
        quarter_slug=quarter.slug,
        quarter_label=quarter.label,
        framework_version_id=version.pk,
        framework_label=str(version),
        indicators=[
            workbook.IndicatorSpec(
                id=i.pk,
                code=i.code,
                text=i.text,
                principle_code=i.principle.code,
                principle_title=i.principle.title,
            )
            for i in indicators.order_by("principle__position", "position")
        ],
        scale=list(version.scale.values_list("value", "label")),
        figures=[
            (name, str(QAReturn._meta.get_field(name).verbose_name)) for name in CASELOAD_FIELDS
        ],
    )


def existing_return(*, team: Team, quarter: Quarter) -> QAReturn | None:
    return QAReturn.objects.filter(team=team, year=quarter.year, quarter=quarter.number).first()


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
    return {name: getattr(qa_return, name) for name in CASELOAD_FIELDS}


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
        else:
            figures[name] = Decimal(value) if name == "staff_fte" else int(value)
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
class PastReturn:
    """One checked file of the bulk import."""

    filename: str
    team: Team
    quarter: Quarter
    version: FrameworkVersion
    parsed: workbook.ParsedReturn


@transaction.atomic
def returns_import_past(*, user: User, returns: Sequence[PastReturn]) -> list[QAReturn]:
    """Creates past quarters' returns from checked files, as submitted, all or none.

    Each gets its indicator scores, figures, stored principle scores and a transition recording
    the import and the file it came from.
    """
    created = []
    for item in returns:
        pilot = item.team.organisation.pilot
        if not access.is_pilot_manager(user=user, pilot=pilot.pk):
            raise WorkflowError("Only a manager of the pilot can import past returns.")
        if item.quarter.index >= current_quarter(pilot=pilot).index:
            raise WorkflowError(
                f"{item.quarter.label} is not a past quarter; only past returns are imported."
            )
        if existing_return(team=item.team, quarter=item.quarter):
            raise WorkflowError(f"{item.team.name} already has a return for {item.quarter.label}.")
        now = timezone.now()
        qa_return = QAReturn(
            team=item.team,
            framework_version=item.version,
            year=item.quarter.year,
            quarter=item.quarter.number,
            deadline=item.quarter.deadline(pilot.return_deadline_days),
            status=ReturnStatus.SUBMITTED,
            created_by=user,
            submitted_at=now,
            submitted_by=user,
            **{name: item.parsed.figures.get(name) for name in CASELOAD_FIELDS},
        )
        qa_return._history_user = user
        qa_return._change_reason = f"Imported from {item.filename}"
        qa_return.save()
        IndicatorScore.objects.bulk_create(
            IndicatorScore(
                qa_return=qa_return,
                indicator_id=indicator_id,
                score=row["score"],
                not_assessed=row["not_assessed"],
                not_assessed_reason=row["not_assessed_reason"],
                evidence=row["evidence"],
            )
            for indicator_id, row in item.parsed.scores.items()
        )
        ReturnTransition.objects.create(
            qa_return=qa_return,
            from_status=ReturnStatus.DRAFT,
            to_status=ReturnStatus.SUBMITTED,
            by=user,
            comment=f"Imported from the spreadsheet {item.filename} by a pilot manager.",
        )
        return_store_scores(qa_return=qa_return)
        created.append(qa_return)
    return created
