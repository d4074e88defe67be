"""Writes on improvement plans: the actions for low scores and the updates on carried actions."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from fidelity.errors import WorkflowError
from fidelity.improvement.models import ImprovementAction
from fidelity.improvement.selectors import improvement_actions_carried, improvement_low_scores
from fidelity.returns.models import (
    QAReturn,
)
from fidelity.returns.services import _require_team_leader, not_editable_message
from partners.models import User


@transaction.atomic
def improvement_plan_save(
    *,
    qa_return: QAReturn,
    user: User,
    plans: Mapping[int, Mapping[str, Any]],
    updates: Mapping[int, Mapping[str, Any]] = {},  # noqa: B006 (read only)
) -> QAReturn:
    """Saves the return's improvement plan as far as it is filled in.

    `plans` maps an indicator id (scored 1 or 2 on this return) to no_action, no_action_reason,
    what, owner and target (a quarter index); `updates` maps the id of an action carried from an
    earlier return to its status (in_progress, done, dropped) and update_note.
    """
    locked = QAReturn.objects.select_for_update().select_related("team").get(pk=qa_return.pk)
    _require_team_leader(user, locked.team)
    if not locked.is_editable:
        raise WorkflowError(not_editable_message(locked))
    low = {item.row.indicator_id: item for item in improvement_low_scores(qa_return=locked)}
    for indicator_id, plan in plans.items():
        item = low.get(indicator_id)
        if item is None:
            continue  # the score is no longer low; its plan is not needed
        action = item.action or ImprovementAction(
            qa_return=locked,
            team=locked.team,
            indicator=item.row.indicator,
            principle_code=item.row.indicator.principle.code,
        )
        no_action = bool(plan.get("no_action"))
        action.no_action = no_action
        action.no_action_reason = (plan.get("no_action_reason") or "") if no_action else ""
        action.what = "" if no_action else plan.get("what") or ""
        action.owner = "" if no_action else plan.get("owner") or ""
        action.target_quarter_index = None if no_action else plan.get("target")
        action._history_user = user
        action.save()
    carried = {a.pk: a for a in improvement_actions_carried(qa_return=locked)}
    for action_id, update in updates.items():
        action = carried.get(action_id)
        status = update.get("status") or ""
        if action is None or not status:
            continue
        action.status = status
        action.update_note = update.get("update_note") or ""
        action.updated_on = locked
        action._history_user = user
        action.save()
    # Raise the lock version so a return form opened before this change does not overwrite it.
    locked.lock_version += 1
    locked._history_user = user
    locked.save()
    return locked
