"""Pilot managers see every team's return for a quarter with its status, and act on it."""

import datetime

import pytest
from django.utils import timezone

from common.quarters import Quarter
from fidelity.returns.models import ReturnStatus
from fidelity.returns.selectors import quarter_return_statuses
from tests.fidelity.factories import fill_return, make_return, page_text, use_default_framework


@pytest.fixture
def quarter(world):
    use_default_framework(world.pilot)
    return Quarter(2025, 1)


def test_every_team_is_listed_with_its_status(world, quarter):
    make_return(world.bolton_team, 2025, 1, status=ReturnStatus.SUBMITTED)
    make_return(world.wigan_team, 2025, 1, status=ReturnStatus.APPROVED)
    statuses = {
        s.team.name: s.status for s in quarter_return_statuses(pilot=world.pilot, quarter=quarter)
    }
    # The quarter's deadline has passed, so a team without a return is overdue.
    assert statuses == {"HF Bolton": "submitted", "HF Wigan": "approved", "HF Bury": "overdue"}


def test_a_draft_past_its_deadline_is_overdue(world, quarter):
    make_return(world.bury_team, 2025, 1, status=ReturnStatus.DRAFT)
    statuses = {
        s.team.name: s.status for s in quarter_return_statuses(pilot=world.pilot, quarter=quarter)
    }
    assert statuses["HF Bury"] == "overdue"


def test_a_quarter_before_its_deadline_shows_not_started_and_draft(world):
    use_default_framework(world.pilot)
    current = Quarter.containing(timezone.localdate(), world.pilot.quarter_convention)
    make_return(world.bolton_team, current.year, current.number, status=ReturnStatus.DRAFT)
    statuses = {
        s.team.name: s.status for s in quarter_return_statuses(pilot=world.pilot, quarter=current)
    }
    assert statuses["HF Bolton"] == "draft"
    assert statuses["HF Wigan"] == "not_started"


def test_the_review_page_shows_the_quarter_asked_for(client, world, quarter):
    make_return(world.bolton_team, 2025, 1, status=ReturnStatus.SUBMITTED)
    client.force_login(world.manager)
    text = page_text(client.get("/returns/review/?quarter=2025-q1"))
    assert "Returns for 2025-26 Q1" in text
    assert "Submitted" in text and "Overdue" in text
    assert "HF Elsewhere" not in text


def test_a_bad_quarter_falls_back_to_this_quarter_with_a_message(client, world, quarter):
    client.force_login(world.manager)
    response = client.get("/returns/review/?quarter=nonsense")
    assert response.status_code == 200
    assert "That quarter was not recognised" in page_text(response)


def test_a_team_leader_has_no_review_page(client, world):
    client.force_login(world.lead_bolton)
    assert client.get("/returns/review/").status_code == 404


def test_manager_sends_back_with_a_comment_from_the_review_screen(client, world, quarter):
    submitted = make_return(world.bolton_team, 2025, 1, status=ReturnStatus.SUBMITTED)
    client.force_login(world.manager)
    response = client.post(
        f"/returns/{submitted.pk}/review/",
        {
            "action": "send_back",
            "send_back-comment": "Evidence for P4 is thin.",
            "send_back-due": timezone.localdate().isoformat(),
        },
        follow=True,
    )
    submitted.refresh_from_db()
    assert submitted.status == ReturnStatus.RETURNED
    assert submitted.deadline == timezone.localdate()
    assert "Evidence for P4 is thin." in page_text(response)


def test_sending_back_without_a_comment_is_refused_with_a_message(client, world, quarter):
    submitted = make_return(world.bolton_team, 2025, 1, status=ReturnStatus.SUBMITTED)
    client.force_login(world.manager)
    response = client.post(f"/returns/{submitted.pk}/review/", {"action": "send_back"}, follow=True)
    assert "Say what needs to change" in page_text(response)
    submitted.refresh_from_db()
    assert submitted.status == ReturnStatus.SUBMITTED


def test_approving_a_draft_from_the_review_screen_is_refused_with_a_message(client, world, quarter):
    draft = make_return(world.bolton_team, 2025, 1, status=ReturnStatus.DRAFT)
    client.force_login(world.manager)
    response = client.post(f"/returns/{draft.pk}/review/", {"action": "approve"}, follow=True)
    assert "Only a submitted return can be approved; this one is draft." in page_text(response)


def test_home_panel_tells_a_team_leader_this_quarters_status_and_comment(client, world):
    use_default_framework(world.pilot)
    from fidelity.returns.services import return_open, return_send_back, return_submit

    current = Quarter.containing(timezone.localdate(), world.pilot.quarter_convention)
    draft = return_open(team=world.bolton_team, quarter=current, user=world.lead_bolton)
    fill_return(draft, world.lead_bolton)
    return_send_back(
        qa_return=return_submit(qa_return=draft, user=world.lead_bolton),
        user=world.manager,
        comment="Please add the peer review.",
    )
    client.force_login(world.lead_bolton)
    text = page_text(client.get("/returns/_home/"))
    assert f"Make the changes asked for on the {current.label} return by" in text
    assert "Please add the peer review." in text


def test_home_panel_tells_a_manager_what_waits(client, world, quarter):
    make_return(world.bolton_team, 2025, 1, status=ReturnStatus.SUBMITTED)
    client.force_login(world.manager)
    text = page_text(client.get("/returns/_home/"))
    assert "1 return waiting for review" in text


def test_home_panel_is_empty_for_a_facilitator(client, world):
    client.force_login(world.facilitator)
    assert client.get("/returns/_home/").content.decode().strip() == ""


def test_review_list_uses_few_queries(client, world, quarter, django_assert_max_num_queries):
    for team in (world.bolton_team, world.wigan_team, world.bury_team):
        make_return(team, 2025, 1, status=ReturnStatus.SUBMITTED)
    client.force_login(world.manager)
    with django_assert_max_num_queries(12):
        client.get("/returns/review/?quarter=2025-q1")


def test_deadline_is_twenty_days_after_the_quarter(world, quarter):
    assert quarter.deadline(world.pilot.return_deadline_days) == datetime.date(2025, 7, 20)


def test_the_team_page_fragment_lists_the_teams_returns(client, world, quarter):
    make_return(world.bolton_team, 2025, 1, status=ReturnStatus.APPROVED)
    client.force_login(world.lead_bolton)
    text = page_text(client.get(f"/returns/_team/{world.bolton_team.pk}/"))
    assert "2025-26 Q1 Approved" in text
    assert client.get(f"/returns/_team/{world.wigan_team.pk}/").status_code == 404
