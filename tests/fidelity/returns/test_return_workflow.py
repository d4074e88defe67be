"""Every move of a return through draft, submitted, returned and approved, legal and illegal."""

import datetime

import pytest

from common.quarters import Quarter
from fidelity.errors import SubmitError, WorkflowError
from fidelity.returns.models import PrincipleScore, ReturnStatus, ReturnTransition
from fidelity.returns.services import (
    return_approve,
    return_open,
    return_reopen,
    return_save_and_submit,
    return_save_draft,
    return_send_back,
    return_submit,
)
from tests.fidelity.factories import GOOD_FIGURES, fill_return, score_values, use_default_framework

Q = Quarter(2025, 2)


@pytest.fixture
def draft(world):
    use_default_framework(world.pilot)
    return return_open(team=world.bolton_team, quarter=Q, user=world.lead_bolton)


@pytest.fixture
def submitted(world, draft):
    fill_return(draft, world.lead_bolton)
    return return_submit(qa_return=draft, user=world.lead_bolton)


@pytest.fixture
def approved(world, submitted):
    return return_approve(qa_return=submitted, user=world.manager)


def test_opening_a_return_gives_a_draft_with_a_blank_score_per_indicator(world, draft):
    assert draft.status == ReturnStatus.DRAFT
    assert draft.scores.count() == draft.framework_version.principles.values("indicators").count()
    assert not draft.scores.filter(score__isnull=False).exists()
    assert draft.deadline == Q.deadline(20)


def test_opening_the_same_quarter_twice_gives_the_same_return(world, draft):
    again = return_open(team=world.bolton_team, quarter=Q, user=world.lead_bolton)
    assert again.pk == draft.pk


def test_a_future_quarter_cannot_be_opened(world):
    use_default_framework(world.pilot)
    future = Quarter(2999, 1)
    with pytest.raises(WorkflowError, match="has not started"):
        return_open(team=world.bolton_team, quarter=future, user=world.lead_bolton)


def test_another_teams_leader_cannot_open_a_return(world):
    use_default_framework(world.pilot)
    with pytest.raises(WorkflowError, match="team's leader"):
        return_open(team=world.bolton_team, quarter=Q, user=world.lead_wigan)


def test_submitting_a_complete_draft_stores_principle_scores(world, submitted):
    assert submitted.status == ReturnStatus.SUBMITTED
    assert submitted.submitted_by == world.lead_bolton
    assert PrincipleScore.objects.filter(qa_return=submitted).count() == 7
    assert str(submitted.overall_score) == "3.00"
    transition = ReturnTransition.objects.get(qa_return=submitted)
    assert (transition.from_status, transition.to_status) == ("draft", "submitted")


def test_submitting_an_incomplete_draft_is_refused_with_what_is_missing(world, draft):
    scores = score_values(draft, 3)
    first = next(iter(scores))
    scores[first]["score"] = None
    return_save_draft(
        qa_return=draft, user=world.lead_bolton, lock_version=1, figures=GOOD_FIGURES, scores=scores
    )
    with pytest.raises(SubmitError) as error:
        return_submit(qa_return=draft, user=world.lead_bolton)
    assert error.value.errors == {
        "indicator 1.1 rating": "Choose a score, or mark it not assessed and say why."
    }
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.DRAFT


def test_not_assessed_without_a_reason_blocks_submission(world, draft):
    scores = score_values(draft, 3)
    first = next(iter(scores))
    scores[first].update(score=None, not_assessed=True, not_assessed_reason="")
    return_save_draft(
        qa_return=draft, user=world.lead_bolton, lock_version=1, figures=GOOD_FIGURES, scores=scores
    )
    with pytest.raises(SubmitError) as error:
        return_submit(qa_return=draft, user=world.lead_bolton)
    assert "indicator 1.1 not_assessed_reason" in error.value.errors


def test_inconsistent_caseload_blocks_submission(world, draft):
    fill_return(draft, world.lead_bolton, tenancies_sustained=20)
    with pytest.raises(SubmitError) as error:
        return_submit(qa_return=draft, user=world.lead_bolton)
    assert "tenancies_sustained" in error.value.errors


def test_manager_approves_a_submitted_return_and_it_locks(world, approved):
    assert approved.status == ReturnStatus.APPROVED
    assert approved.approved_by == world.manager
    assert not approved.is_editable


def test_editing_an_approved_return_is_refused(world, approved):
    with pytest.raises(WorkflowError, match="approved and locked"):
        return_save_draft(
            qa_return=approved,
            user=world.lead_bolton,
            lock_version=approved.lock_version,
            figures={},
            scores={},
        )


def test_editing_a_submitted_return_is_refused(world, submitted):
    with pytest.raises(WorkflowError, match="waiting for review"):
        return_save_draft(
            qa_return=submitted,
            user=world.lead_bolton,
            lock_version=submitted.lock_version,
            figures={},
            scores={},
        )


def test_approving_a_draft_is_refused(world, draft):
    with pytest.raises(WorkflowError, match="Only a submitted return can be approved"):
        return_approve(qa_return=draft, user=world.manager)


def test_a_team_leader_cannot_approve_their_own_return(world, submitted):
    with pytest.raises(WorkflowError, match="manager of this pilot"):
        return_approve(qa_return=submitted, user=world.lead_bolton)


def test_another_pilots_manager_cannot_approve(world, submitted):
    with pytest.raises(WorkflowError, match="manager of this pilot"):
        return_approve(qa_return=submitted, user=world.other_manager)


def test_sending_back_needs_a_comment(world, submitted):
    with pytest.raises(WorkflowError, match="Say what needs to change"):
        return_send_back(qa_return=submitted, user=world.manager, comment="  ")


def test_sent_back_return_can_be_edited_and_resubmitted(world, submitted):
    returned = return_send_back(
        qa_return=submitted, user=world.manager, comment="Add evidence for P3."
    )
    assert returned.status == ReturnStatus.RETURNED
    assert returned.transitions.last().comment == "Add evidence for P3."
    fill_return(returned, world.lead_bolton, value=4)
    resubmitted = return_submit(qa_return=returned, user=world.lead_bolton)
    assert resubmitted.status == ReturnStatus.SUBMITTED
    assert str(resubmitted.overall_score) == "4.00"


def test_sending_back_a_draft_is_refused(world, draft):
    with pytest.raises(WorkflowError, match="Only a submitted return can be sent back"):
        return_send_back(qa_return=draft, user=world.manager, comment="Why?")


def test_submitting_twice_is_refused(world, submitted):
    with pytest.raises(WorkflowError, match="only a draft or a return sent back"):
        return_submit(qa_return=submitted, user=world.lead_bolton)


def test_manager_reopens_an_approved_return_with_a_reason(world, approved):
    reopened = return_reopen(qa_return=approved, user=world.manager, reason="Figures were wrong.")
    assert reopened.status == ReturnStatus.RETURNED
    assert reopened.is_editable
    last = reopened.transitions.last()
    assert (last.from_status, last.to_status, last.comment) == (
        "approved",
        "returned",
        "Figures were wrong.",
    )


def test_reopened_return_gets_its_scores_computed_again_when_resubmitted(world, approved):
    reopened = return_reopen(qa_return=approved, user=world.manager, reason="Recheck")
    fill_return(reopened, world.lead_bolton, value=4)
    return_submit(qa_return=reopened, user=world.lead_bolton)
    assert set(
        PrincipleScore.objects.filter(qa_return=approved).values_list("score", flat=True)
    ) == {4}


def test_reopening_needs_a_reason(world, approved):
    with pytest.raises(WorkflowError, match="reason"):
        return_reopen(qa_return=approved, user=world.manager, reason="")


def test_reopening_a_submitted_return_is_refused(world, submitted):
    with pytest.raises(WorkflowError, match="Only an approved return can be reopened"):
        return_reopen(qa_return=submitted, user=world.manager, reason="Why not")


def test_a_draft_past_its_deadline_is_overdue(world, draft):
    assert draft.is_overdue(Q.deadline(20) + datetime.timedelta(days=1))
    assert not draft.is_overdue(Q.deadline(20))


def test_save_and_submit_keeps_the_answers_and_gives_every_reason_it_cannot_submit(world, draft):
    scores = score_values(draft, i1_2=1)  # a low score, with no improvement action
    first = draft.scores.get(indicator__code="1.1").indicator_id
    scores[first]["score"] = None
    outcome = return_save_and_submit(
        qa_return=draft,
        user=world.lead_bolton,
        lock_version=draft.lock_version,
        figures={**GOOD_FIGURES, "tenancies_sustained": 30},
        scores=scores,
        submit=True,
    )
    assert not outcome.submitted
    assert outcome.qa_return.status == ReturnStatus.DRAFT
    assert outcome.qa_return.tenancies_sustained == 30
    assert set(outcome.submit_errors) == {
        "indicator 1.1 rating",
        "tenancies_sustained",
        "improvement 1.2",
    }


def test_save_and_submit_submits_a_complete_return(world, draft):
    outcome = return_save_and_submit(
        qa_return=draft,
        user=world.lead_bolton,
        lock_version=draft.lock_version,
        figures=GOOD_FIGURES,
        scores=score_values(draft),
        submit=True,
    )
    assert outcome.submitted and outcome.submit_errors == {}
    assert outcome.qa_return.status == ReturnStatus.SUBMITTED


def test_save_without_submit_only_saves_the_draft(world, draft):
    outcome = return_save_and_submit(
        qa_return=draft,
        user=world.lead_bolton,
        lock_version=draft.lock_version,
        figures=GOOD_FIGURES,
        scores=score_values(draft),
        submit=False,
    )
    assert not outcome.submitted and outcome.submit_errors == {}
    assert outcome.qa_return.status == ReturnStatus.DRAFT
