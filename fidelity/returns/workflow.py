"""The return's workflow: one table of the moves between statuses, who may make each, what each needs.

    draft ──submit──> submitted ──approve──> approved
    returned ─┘           └──send back──> returned <──reopen──┘

`fidelity.returns.services.return_move` makes a move by this table (the submit, approve, send back
and reopen services are its named entries); pages ask `transitions_allowed` which buttons to show.
A move's `requires` says what it needs besides the status and the role: a comment (send back), a
reason (reopen) or a return with nothing left to fix (submit, `return_submit_errors`). A move back
to the team (send back, reopen) sets a new due date.
"""

from __future__ import annotations

from dataclasses import dataclass

from fidelity.returns.models import QAReturn, ReturnStatus
from partners import access
from partners.models import User

TEAM_LEADER = "team_leader"
PILOT_MANAGER = "pilot_manager"

NO_SUBMIT_ERRORS = "no_submit_errors"
COMMENT = "comment"
REASON = "reason"

# The statuses in which the team's leader may change the return (QAReturn.is_editable agrees).
EDITABLE = frozenset({ReturnStatus.DRAFT, ReturnStatus.RETURNED})


@dataclass(frozen=True)
class Transition:
    name: str
    from_statuses: frozenset[str]
    to_status: str
    who: str
    requires: str = ""
    # Shown when the return is in another status; {status} is its status, in lower case.
    wrong_status: str = ""
    # Shown when the comment or reason it requires is blank.
    missing: str = ""
    # The move gives the return a new due date (`fidelity.returns.due_dates`): a return sent
    # back to the team is judged overdue against the date it was given for the changes.
    sets_due_date: bool = False


TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            name="submit",
            from_statuses=EDITABLE,
            to_status=ReturnStatus.SUBMITTED,
            who=TEAM_LEADER,
            requires=NO_SUBMIT_ERRORS,
            wrong_status="This return is {status}; only a draft or a return sent back for changes "
            "can be submitted.",
        ),
        Transition(
            name="approve",
            from_statuses=frozenset({ReturnStatus.SUBMITTED}),
            to_status=ReturnStatus.APPROVED,
            who=PILOT_MANAGER,
            wrong_status="Only a submitted return can be approved; this one is {status}.",
        ),
        Transition(
            name="send_back",
            from_statuses=frozenset({ReturnStatus.SUBMITTED}),
            to_status=ReturnStatus.RETURNED,
            who=PILOT_MANAGER,
            requires=COMMENT,
            wrong_status="Only a submitted return can be sent back for changes; this one is "
            "{status}.",
            missing="Say what needs to change before sending the return back.",
            sets_due_date=True,
        ),
        Transition(
            name="reopen",
            from_statuses=frozenset({ReturnStatus.APPROVED}),
            to_status=ReturnStatus.RETURNED,
            who=PILOT_MANAGER,
            requires=REASON,
            wrong_status="Only an approved return can be reopened; this one is {status}.",
            missing="Give a reason for reopening the approved return.",
            sets_due_date=True,
        ),
    )
}

# Said to someone without the role a move needs.
NOT_ALLOWED = {
    TEAM_LEADER: "Only the team's leader can fill in or submit its return.",
    PILOT_MANAGER: "Only a manager of this pilot can review returns.",
}


def moves_from(*, status: str, roles: set[str] | frozenset[str]) -> list[str]:
    """The names of the moves someone with `roles` (TEAM_LEADER, PILOT_MANAGER) may make from
    `status`, in table order. Pure: the caller knows the roles."""
    return [t.name for t in TRANSITIONS.values() if status in t.from_statuses and t.who in roles]


def awaits_review(*, status: str) -> bool:
    """Whether a pilot manager has a decision to make on a return in `status`."""
    return bool({"approve", "send_back"} & set(moves_from(status=status, roles={PILOT_MANAGER})))


def roles_on_return(*, qa_return: QAReturn, user: User) -> set[str]:
    """The workflow roles this person holds for the return's team."""
    roles = set()
    if access.teams_editable_by(user=user).filter(pk=qa_return.team_id).exists():
        roles.add(TEAM_LEADER)
    if access.is_pilot_manager(user=user, pilot=qa_return.team.organisation.pilot_id):
        roles.add(PILOT_MANAGER)
    return roles


def transitions_allowed(*, qa_return: QAReturn, user: User) -> list[str]:
    """The moves this person may make on the return now (the buttons to show)."""
    return moves_from(
        status=qa_return.status, roles=roles_on_return(qa_return=qa_return, user=user)
    )
