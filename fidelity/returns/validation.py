"""The rules a return must meet to be submitted, as plain functions over plain values.

`services.return_submit_errors` calls them (with the improvement plan's rules) on the saved
return, so every entry point checks the same rules; the return form puts each message next to its
field. Messages are plain English.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from fidelity.returns.models import END_REASONS

# Caseload figures a submitted return must give.
REQUIRED_FIGURES = {
    "people_supported": "Enter how many people the team supported at quarter end.",
    "tenancies_sustained": "Enter how many tenancies were sustained (0 if none).",
    "tenancies_ended": "Enter how many tenancies ended this quarter (0 if none).",
    "staff_fte": "Enter the team's staff in full-time equivalents.",
}


def score_error_key(*, indicator_code: str, field: str) -> str:
    """Where a score error is, in `return_submit_errors`: the form puts it next to that field."""
    return f"indicator {indicator_code} {field}"


def score_errors(*, score: int | None, not_assessed: bool, reason: str) -> dict[str, str]:
    """Errors for one indicator at submission: it needs a score, or "not assessed" and a reason."""
    if not_assessed:
        if not (reason or "").strip():
            return {"not_assessed_reason": "Say why this indicator was not assessed."}
        return {}
    if score is None:
        return {"rating": "Choose a score, or mark it not assessed and say why."}
    return {}


def caseload_errors(figures: Mapping[str, Any]) -> dict[str, str]:
    """Errors in the caseload figures at submission, keyed by field name."""
    errors: dict[str, str] = {}
    for name, message in REQUIRED_FIGURES.items():
        if figures.get(name) is None:
            errors[name] = message
    for name, value in figures.items():
        if value is not None and value < 0 and name not in errors:
            errors[name] = "Enter 0 or more."
    supported = figures.get("people_supported")
    sustained = figures.get("tenancies_sustained")
    if supported is not None and sustained is not None and sustained > supported:
        errors.setdefault(
            "tenancies_sustained",
            f"Tenancies sustained ({sustained}) cannot be more than the people supported "
            f"({supported}).",
        )
    six, twelve = figures.get("sustained_6_months"), figures.get("sustained_12_months")
    if six is not None and sustained is not None and six > sustained:
        errors.setdefault(
            "sustained_6_months",
            f"Tenancies sustained 6 months or more ({six}) cannot be more than the tenancies "
            f"sustained ({sustained}).",
        )
    if six is not None and twelve is not None and twelve > six:
        errors.setdefault(
            "sustained_12_months",
            f"Tenancies sustained 12 months or more ({twelve}) cannot be more than those "
            f"sustained 6 months or more ({six}).",
        )
    ended = figures.get("tenancies_ended")
    reasons = [figures.get(name) for name, _ in END_REASONS]
    if ended is not None:
        total = sum(v or 0 for v in reasons)
        if total != ended:
            errors.setdefault(
                "tenancies_ended",
                f"The reasons tenancies ended add up to {total}, but {ended} tenancies ended. "
                "Make them match (use 'Ended: reason unknown' for any you do not know).",
            )
    return errors


def caseload_warning(figures: Mapping[str, Any], target: Decimal) -> str | None:
    """A caseload above the framework's target per full-time worker is flagged, never blocked."""
    supported, fte = figures.get("people_supported"), figures.get("staff_fte")
    if supported is None or not fte:
        return None
    per_fte = (Decimal(supported) / Decimal(fte)).quantize(Decimal("0.1"))
    if per_fte > target:
        return (
            f"The caseload is {per_fte} people per full-time worker, above the target of "
            f"{target}. You can still submit; say why in the evidence for the caseload indicator."
        )
    return None


# --- Improvement plans -------------------------------------------------------------------------

# Indicators scored at or below this need an improvement action or a reason for none.
LOW_SCORE = 2


def needs_action(score: int | None, not_assessed: bool = False) -> bool:
    return not not_assessed and score is not None and score <= LOW_SCORE


def plan_errors(
    *, no_action: bool, reason: str, what: str, owner: str, target: int | None
) -> dict[str, str]:
    """Errors for the plan of one low-scored indicator: an action in full, or a reason for none."""
    if no_action:
        if not (reason or "").strip():
            return {"no_action_reason": "Say why no action is needed."}
        return {}
    errors = {}
    if not (what or "").strip():
        errors["what"] = "Say what will change, or choose 'no action' and say why."
    if not (owner or "").strip():
        errors["owner"] = "Say who owns this action (a role is fine, not a client's name)."
    if target is None:
        errors["target"] = "Choose the quarter by which it should be done."
    return errors


def update_errors(*, status: str, note: str) -> dict[str, str]:
    """Errors for the update of a carried action: done, in progress, or dropped with a reason."""
    if status not in ("done", "in_progress", "dropped"):
        return {"status": "Say whether this action is done, in progress or dropped."}
    if status == "dropped" and not (note or "").strip():
        return {"update_note": "Say why the action was dropped."}
    return {}
