"""The workflow table: which moves each role may make from each status, and the buttons it shows."""

import pytest
from django.urls import reverse

from common.quarters import Quarter
from fidelity.returns import workflow
from fidelity.returns.models import QAReturn, ReturnStatus
from fidelity.returns.services import return_approve, return_open, return_submit
from tests.fidelity.factories import fill_return, use_default_framework

LEADER = {workflow.TEAM_LEADER}
MANAGER = {workflow.PILOT_MANAGER}


@pytest.mark.parametrize(
    ("status", "roles", "moves"),
    [
        (ReturnStatus.DRAFT, LEADER, ["submit"]),
        (ReturnStatus.RETURNED, LEADER, ["submit"]),
        (ReturnStatus.SUBMITTED, LEADER, []),
        (ReturnStatus.APPROVED, LEADER, []),
        (ReturnStatus.DRAFT, MANAGER, []),
        (ReturnStatus.RETURNED, MANAGER, []),
        (ReturnStatus.SUBMITTED, MANAGER, ["approve", "send_back"]),
        (ReturnStatus.APPROVED, MANAGER, ["reopen"]),
        (ReturnStatus.SUBMITTED, set(), []),
        (ReturnStatus.SUBMITTED, LEADER | MANAGER, ["approve", "send_back"]),
    ],
)
def test_moves_from_each_status_for_each_role(status, roles, moves):
    assert workflow.moves_from(status=status, roles=roles) == moves


def test_the_team_leader_may_change_the_return_exactly_where_they_may_submit_it():
    editable = {s for s in ReturnStatus if QAReturn(status=s).is_editable}
    assert workflow.EDITABLE == editable == workflow.TRANSITIONS["submit"].from_statuses


def test_only_a_submitted_return_awaits_review():
    assert [s for s in ReturnStatus if workflow.awaits_review(status=s)] == [ReturnStatus.SUBMITTED]


def test_send_back_and_reopen_are_one_move_to_returned_with_a_note():
    send_back, reopen = workflow.TRANSITIONS["send_back"], workflow.TRANSITIONS["reopen"]
    assert send_back.to_status == reopen.to_status == ReturnStatus.RETURNED
    assert send_back.missing and reopen.missing


@pytest.fixture
def submitted(world):
    use_default_framework(world.pilot)
    draft = return_open(team=world.bolton_team, quarter=Quarter(2025, 2), user=world.lead_bolton)
    fill_return(draft, world.lead_bolton)
    return return_submit(qa_return=draft, user=world.lead_bolton)


def test_transitions_allowed_asks_the_persons_role_on_the_return(world, submitted):
    allowed = workflow.transitions_allowed
    assert allowed(qa_return=submitted, user=world.manager) == ["approve", "send_back"]
    assert allowed(qa_return=submitted, user=world.lead_bolton) == []
    assert allowed(qa_return=submitted, user=world.other_manager) == []
    approved = return_approve(qa_return=submitted, user=world.manager)
    assert allowed(qa_return=approved, user=world.manager) == ["reopen"]


def test_the_return_page_shows_the_managers_buttons_from_the_table(client, world, submitted):
    url = reverse("fidelity:return_detail", args=[submitted.pk])
    client.force_login(world.manager)
    body = client.get(url).content.decode()
    assert "Approve the return" in body and "Return for changes" in body
    assert "Reopen the return" not in body
    return_approve(qa_return=submitted, user=world.manager)
    body = client.get(url).content.decode()
    assert "Reopen the return" in body and "Approve the return" not in body
