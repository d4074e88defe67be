"""Peer review by the co-production panel: assigning, scoring, the gap and who may see what."""

from decimal import Decimal

import pytest

from common.quarters import Quarter
from fidelity.errors import SubmitError, WorkflowError
from fidelity.peer_review.gaps import gap, is_flagged
from fidelity.peer_review.models import PeerReviewStatus
from fidelity.peer_review.selectors import peer_gaps
from fidelity.peer_review.services import peer_review_assign, peer_review_save, peer_review_submit
from partners.models import Role
from tests import factories as base
from tests.fidelity.factories import make_return, page_text, use_default_framework

Q = Quarter(2025, 2)


@pytest.fixture
def reviewer(world):
    user = base.UserFactory(username="reviewer-a")
    base.assign(user, Role.REVIEWER, world.pilot)
    return user


@pytest.fixture
def other_reviewer(world):
    user = base.UserFactory(username="reviewer-b")
    base.assign(user, Role.REVIEWER, world.pilot)
    return user


def _assign(world, reviewer, team=None, **kwargs):
    use_default_framework(world.pilot)
    return peer_review_assign(
        team=team or world.bolton_team, quarter=Q, reviewer=reviewer, user=world.manager, **kwargs
    )


def _score_all(review, user, value, **by_principle):
    scores = {}
    for row in review.scores.select_related("indicator__principle"):
        v = by_principle.get(row.indicator.principle.code, value)
        scores[row.indicator_id] = {"score": v, "evidence": "Invented observation."}
    return peer_review_save(review=review, user=user, scores=scores)


@pytest.mark.parametrize(
    ("self_score", "peer_score", "expected", "flagged"),
    [
        ("3.00", "3.00", "0.00", False),
        ("3.00", "2.25", "-0.75", False),
        ("3.50", "2.50", "-1.00", True),
        ("2.00", "3.25", "1.25", True),
        (None, "3.00", None, False),
    ],
)
def test_the_gap_is_peer_minus_self_and_a_point_or_more_is_flagged(
    self_score, peer_score, expected, flagged
):
    value = gap(Decimal(self_score) if self_score else None, Decimal(peer_score))
    assert value == (Decimal(expected) if expected else None)
    assert is_flagged(value) is flagged


def test_the_gap_per_principle_compares_published_self_scores_with_the_peer_scores(world, reviewer):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, Q.year, Q.number, fill=3, scores={"P2": [4, 4, 4, 4, 4, 4]})
    review = _assign(world, reviewer)
    _score_all(review, reviewer, 3, P2=2)
    peer_review_submit(review=review, user=reviewer)
    gaps = {g.code: g for g in peer_gaps(team=world.bolton_team, quarter_index=Q.index)}
    assert gaps["P1"].gap == Decimal("0") and not gaps["P1"].flagged
    assert gaps["P2"].self_score == Decimal("4.00")
    assert gaps["P2"].peer_score == Decimal("2.00")
    assert gaps["P2"].flagged


def test_a_draft_return_gives_no_self_score_to_compare(world, reviewer):
    make_return(world.bolton_team, Q.year, Q.number, status="draft")
    review = _assign(world, reviewer)
    _score_all(review, reviewer, 3)
    peer_review_submit(review=review, user=reviewer)
    gaps = peer_gaps(team=world.bolton_team, quarter_index=Q.index)
    assert all(g.self_score is None and not g.flagged for g in gaps)


def test_a_review_can_cover_only_the_chosen_indicators(world, reviewer):
    use_default_framework(world.pilot)
    from fidelity.frameworks.models import Indicator

    chosen = list(Indicator.objects.filter(code__in=["1.1", "5.2"]).values_list("pk", flat=True))
    review = _assign(world, reviewer, indicator_ids=chosen)
    assert sorted(review.scores.values_list("indicator__code", flat=True)) == ["1.1", "5.2"]


def test_an_unanswered_review_cannot_be_submitted(world, reviewer):
    review = _assign(world, reviewer)
    with pytest.raises(SubmitError):
        peer_review_submit(review=review, user=reviewer)


def test_only_the_assigned_reviewer_can_fill_in_a_review(world, reviewer, other_reviewer):
    review = _assign(world, reviewer)
    with pytest.raises(WorkflowError):
        _score_all(review, other_reviewer, 3)


def test_a_submitted_review_cannot_be_changed(world, reviewer):
    review = _assign(world, reviewer)
    review = _score_all(review, reviewer, 3)
    peer_review_submit(review=review, user=reviewer)
    review.refresh_from_db()
    assert review.status == PeerReviewStatus.SUBMITTED
    with pytest.raises(WorkflowError):
        _score_all(review, reviewer, 1)


def test_only_panel_members_can_be_assigned(world):
    use_default_framework(world.pilot)
    with pytest.raises(WorkflowError):
        peer_review_assign(
            team=world.bolton_team, quarter=Q, reviewer=world.lead_wigan, user=world.manager
        )


def test_a_reviewer_saves_each_step_and_moves_to_the_next(world, reviewer, client):
    review = _assign(world, reviewer)
    client.force_login(reviewer)
    row = review.scores.select_related("indicator").first()
    data = {
        f"s{r.indicator_id}-rating": "2"
        for r in review.scores.filter(indicator__principle=row.indicator.principle)
    }
    response = client.post(f"/peer-reviews/{review.pk}/step/1/", data)
    assert response.status_code == 302 and response["Location"].endswith("/step/2/")
    row.refresh_from_db()
    assert row.score == 2


def test_a_reviewer_cannot_open_a_review_assigned_to_someone_else(
    world, reviewer, other_reviewer, client
):
    review = _assign(world, other_reviewer)
    client.force_login(reviewer)
    assert client.get(f"/peer-reviews/{review.pk}/").status_code == 404
    assert client.get(f"/peer-reviews/{review.pk}/step/1/").status_code == 404


def test_a_reviewer_cannot_open_another_teams_dashboard_or_a_draft_return(world, reviewer, client):
    _assign(world, reviewer)
    draft = make_return(world.bolton_team, Q.year, Q.number, status="draft")
    client.force_login(reviewer)
    assert client.get(f"/returns/{draft.pk}/").status_code == 404
    assert client.get(f"/dashboard/team/{world.wigan_team.pk}/").status_code == 404
    assert client.get(f"/peer-reviews/_team/{world.wigan_team.pk}/").status_code == 404


def test_the_reviewer_sees_only_their_own_reviews_in_the_list(
    world, reviewer, other_reviewer, client
):
    _assign(world, reviewer)
    _assign(world, other_reviewer, team=world.wigan_team)
    client.force_login(reviewer)
    text = page_text(client.get("/peer-reviews/"))
    assert "HF Bolton" in text and "HF Wigan" not in text


def test_the_return_page_shows_the_gap_and_its_flag(world, reviewer, client):
    use_default_framework(world.pilot)
    qa_return = make_return(world.bolton_team, Q.year, Q.number, fill=3, scores={"P2": [4] * 6})
    review = _assign(world, reviewer)
    _score_all(review, reviewer, 3, P2=2)
    peer_review_submit(review=review, user=reviewer)
    client.force_login(world.manager)
    text = page_text(client.get(f"/returns/{qa_return.pk}/"))
    assert "Flag: a point or more apart" in text
    pilot_panel = page_text(client.get("/dashboard/_peer-gaps/"))
    assert "HF Bolton" in pilot_panel and "1 principle flagged" in pilot_panel


def test_a_step_saves_itself_as_the_reviewer_goes(world, reviewer, client):
    review = _assign(world, reviewer)
    client.force_login(reviewer)
    row = review.scores.select_related("indicator").first()
    response = client.post(
        f"/peer-reviews/{review.pk}/step/1/",
        {f"s{row.indicator_id}-rating": "4"},
        HTTP_HX_REQUEST="true",
    )
    assert response.content.decode().startswith("Saved at")
    row.refresh_from_db()
    assert row.score == 4


def test_the_home_page_tells_a_reviewer_which_reviews_to_do(world, reviewer, client):
    _assign(world, reviewer)
    client.force_login(reviewer)
    text = page_text(client.get("/returns/_home/"))
    assert "Peer reviews for you to do" in text and "HF Bolton" in text


def test_a_reviewer_first_sees_a_start_page_with_start_now_and_no_list_of_whats_left(
    world, reviewer, client
):
    review = _assign(world, reviewer)
    client.force_login(reviewer)
    response = client.get(f"/peer-reviews/{review.pk}/")
    text = page_text(response)
    assert "Start now" in text
    assert "There are 30 questions in 8 short steps. Most people take about 60 minutes." in text
    assert "saved as you go" in text and "I could not tell" in text
    assert "still to answer" not in text.lower() and "choose a score" not in text
    assert f'href="/peer-reviews/{review.pk}/step/0/"' in response.content.decode()


def test_the_first_step_does_not_list_whats_left(world, reviewer, client):
    review = _assign(world, reviewer)
    client.force_login(reviewer)
    text = page_text(client.get(f"/peer-reviews/{review.pk}/step/0/"))
    assert "Step 1 of 8" in text
    assert "still to answer" not in text.lower()


def test_after_the_first_saved_step_the_reviewer_sees_what_is_left_step_by_step(
    world, reviewer, client
):
    review = _assign(world, reviewer)
    client.force_login(reviewer)
    client.post(f"/peer-reviews/{review.pk}/step/0/", {"how-case_files": "on"})
    first_of_p1 = review.scores.get(indicator__code="1.1")
    client.post(f"/peer-reviews/{review.pk}/step/1/", {f"s{first_of_p1.indicator_id}-rating": "na"})
    text = page_text(client.get(f"/peer-reviews/{review.pk}/"))
    assert "Start now" not in text
    assert "P1. People have a right to a home In progress 3 of 4 still to answer" in text
    assert "P2. Flexible support is provided for as long as it is needed Not started" in text
    assert "29 questions still to answer" in text
    assert "Continue your review" in text and "Send my review" not in text
    assert "Check your answers" not in text and "1.2 Do people have a proper tenancy" not in text


def test_when_every_question_is_answered_the_reviewer_checks_the_answers_then_sends(
    world, reviewer, client
):
    review = _assign(world, reviewer)
    _score_all(review, reviewer, 3)
    client.force_login(reviewer)
    text = page_text(client.get(f"/peer-reviews/{review.pk}/"))
    assert "still to answer" not in text
    assert "Check your answers" in text
    assert "1.2 Do people have a proper tenancy, with the same rights as any other tenant? " in text
    assert text.index("3: Mostly in place") < text.index("Send my review")


def test_a_reviewer_reads_each_indicator_in_plain_words_and_can_say_they_could_not_tell(
    world, reviewer, client
):
    review = _assign(world, reviewer)
    client.force_login(reviewer)
    text = page_text(client.get(f"/peer-reviews/{review.pk}/step/1/"))
    assert "1.4 Can people choose where they live, with their own front door" in text
    assert "self-contained and scattered" not in text
    assert "target time from referral" not in text
    assert text.count("I could not tell") == 4


def test_staff_read_the_frameworks_own_words_on_the_review(world, reviewer, client):
    review = _assign(world, reviewer)
    client.force_login(world.manager)
    text = page_text(client.get(f"/peer-reviews/{review.pk}/"))
    assert "Start now" not in text
    assert "1.4 Homes are ordinary, self-contained and scattered in the community." in text
    assert "Can people choose where they live" not in text


def test_review_time_is_about_two_minutes_a_question_rounded_up_to_five():
    from fidelity.peer_review.selectors import review_minutes

    assert [review_minutes(question_count=n) for n in (1, 4, 7, 30)] == [10, 10, 15, 60]
