"""The demo adds six past quarters of returns for every team, deterministically and once."""

import pytest
from django.utils import timezone

from common.quarters import Quarter
from fidelity.frameworks import scoring
from fidelity.returns.models import IndicatorScore, PrincipleScore, QAReturn, ReturnStatus
from fidelity.returns.services import return_submit_errors
from partners.demo import seed_pilot


@pytest.fixture
def demo(db):
    pilot = seed_pilot(password="demo-password-x").pilot
    return pilot, Quarter.containing(timezone.localdate(), pilot.quarter_convention)


def _snapshot():
    return list(
        QAReturn.objects.order_by("team__name", "quarter_index").values_list(
            "team__name", "quarter_index", "status", "overall_score", "people_supported"
        )
    )


def test_past_quarters_are_submitted_or_approved_with_stored_scores(demo):
    pilot, current = demo
    past = QAReturn.objects.filter(quarter_index__lt=current.index)
    assert past.values("quarter_index").distinct().count() == 6
    assert set(past.values_list("status", flat=True)) == {"submitted", "approved"}
    for qa_return in past:
        assert qa_return.principle_scores.count() == 7
        assert return_submit_errors(qa_return=qa_return) == {}


def test_a_few_returns_are_missing_and_a_few_late(demo):
    pilot, current = demo
    past = QAReturn.objects.filter(quarter_index__lt=current.index)
    assert past.count() == 10 * 6 - 2
    late = [r for r in past if r.submitted_at.date() > r.deadline]
    assert 2 <= len(late) <= 10


def test_some_outcomes_are_unknown(demo):
    assert QAReturn.objects.filter(ended_unknown__gt=0).exists()


def test_some_principles_drift_down_and_others_improve(demo):
    pilot, current = demo
    first, last = current.index - 6, current.index - 1

    def mean(code, index):
        rows = PrincipleScore.objects.filter(
            pilot=pilot, principle_code=code, quarter_index=index, score__isnull=False
        )
        return scoring.mean_score(rows.values_list("score", flat=True))

    assert mean("P2", last) < mean("P2", first)
    assert mean("P4", last) > mean("P4", first)


def test_the_current_quarter_is_left_open_with_some_drafts(demo):
    pilot, current = demo
    now = QAReturn.objects.filter(quarter_index=current.index)
    assert 0 < now.count() < 10
    assert set(now.values_list("status", flat=True)) == {ReturnStatus.DRAFT}
    assert not PrincipleScore.objects.filter(quarter_index=current.index).exists()
    assert IndicatorScore.objects.filter(qa_return__in=now, score__isnull=True).exists()


def test_seeding_twice_changes_nothing(demo):
    before = _snapshot()
    seed_pilot(password="demo-password-x")
    assert _snapshot() == before
