"""The demo's improvement actions and co-production peer reviews, added once."""

import pytest

from fidelity.improvement.models import ImprovementAction
from fidelity.peer_review.models import PeerReview
from fidelity.peer_review.selectors import peer_gaps
from fidelity.returns.models import IndicatorScore
from partners.demo import seed_pilot
from partners.models import Role, User


@pytest.fixture
def demo(db):
    seed_pilot(password="demo-password-x")


def test_every_low_score_of_a_past_return_has_an_action_or_a_reason(demo):
    low = IndicatorScore.objects.filter(
        score__lte=2, qa_return__status__in=["submitted", "approved"]
    ).values_list("qa_return_id", "indicator_id")
    actions = set(ImprovementAction.objects.values_list("qa_return_id", "indicator_id"))
    assert low.exists()
    assert set(low) == actions


def test_two_reviewers_are_on_the_co_production_panel(demo):
    reviewers = User.objects.filter(role_assignments__role=Role.REVIEWER)
    assert sorted(reviewers.values_list("username", flat=True)) == ["reviewer-1", "reviewer-2"]


def test_some_peer_reviews_agree_with_the_team_and_some_are_a_point_apart(demo):
    flagged = []
    for review in PeerReview.objects.filter(status="submitted"):
        gaps = peer_gaps(team=review.team, quarter_index=review.quarter_index)
        flagged.append(any(g.flagged for g in gaps))
    assert True in flagged and False in flagged


def test_seeding_twice_adds_no_more_actions_or_reviews(demo):
    before = (ImprovementAction.objects.count(), PeerReview.objects.count())
    seed_pilot(password="demo-password-x")
    assert (ImprovementAction.objects.count(), PeerReview.objects.count()) == before
