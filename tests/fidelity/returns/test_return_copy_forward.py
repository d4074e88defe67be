"""A team leader starts this quarter's draft from last quarter's return."""

import pytest

from common.quarters import Quarter
from fidelity.errors import WorkflowError
from fidelity.returns.models import QAActivity, ReturnStatus
from fidelity.returns.services import return_copy_forward, return_open
from tests.fidelity.factories import make_return, use_default_framework


@pytest.fixture
def last_quarter(world):
    use_default_framework(world.pilot)
    previous = make_return(
        world.bolton_team, 2025, 1, status=ReturnStatus.APPROVED, scores={"P1": [4, None, 2, 3]}
    )
    QAActivity.objects.create(
        qa_return=previous, kind="peer_review", date="2025-06-01", finding="Warm welcome."
    )
    return previous


def test_copy_forward_copies_scores_evidence_and_activities(world, last_quarter):
    draft = return_copy_forward(
        team=world.bolton_team, quarter=Quarter(2025, 2), user=world.lead_bolton
    )
    assert draft.status == ReturnStatus.DRAFT
    first = draft.scores.get(indicator__code="1.1")
    assert (first.score, first.evidence) == (4, "Evidence for 1.1")
    second = draft.scores.get(indicator__code="1.2")
    assert second.not_assessed and second.not_assessed_reason == "Not looked at this quarter"
    assert list(draft.activities.values_list("kind", "finding")) == [
        ("peer_review", "Warm welcome.")
    ]
    assert draft.principle_scores.count() == 0


def test_copy_forward_leaves_the_earlier_return_alone(world, last_quarter):
    return_copy_forward(team=world.bolton_team, quarter=Quarter(2025, 2), user=world.lead_bolton)
    last_quarter.refresh_from_db()
    assert last_quarter.activities.count() == 1
    assert last_quarter.status == ReturnStatus.APPROVED


def test_copy_forward_will_not_overwrite_answers(world, last_quarter):
    draft = return_open(team=world.bolton_team, quarter=Quarter(2025, 2), user=world.lead_bolton)
    draft.scores.filter(indicator__code="1.1").update(score=1)
    with pytest.raises(WorkflowError, match="already has answers"):
        return_copy_forward(
            team=world.bolton_team, quarter=Quarter(2025, 2), user=world.lead_bolton
        )


def test_copy_forward_needs_an_earlier_return(world):
    use_default_framework(world.pilot)
    with pytest.raises(WorkflowError, match="no earlier return"):
        return_copy_forward(
            team=world.bolton_team, quarter=Quarter(2025, 2), user=world.lead_bolton
        )


def test_the_returns_page_offers_copy_forward_and_it_works(client, world, last_quarter):
    client.force_login(world.lead_bolton)
    assert "from the last return" in client.get("/returns/").content.decode()
    response = client.post(
        "/returns/start/",
        {"team": world.bolton_team.pk, "quarter": "2025-q2", "copy_forward": "1"},
    )
    draft = world.bolton_team.returns.get(year=2025, quarter=2)
    assert response.url == f"/returns/{draft.pk}/tasks/"
    assert draft.scores.get(indicator__code="1.1").score == 4
