"""Who may see and change which return: 404 for anything a person may not see."""

import pytest

from fidelity.returns.models import ReturnStatus
from fidelity.returns.selectors import returns_visible_to
from tests.fidelity.factories import make_return, use_default_framework


@pytest.fixture
def returns(world):
    use_default_framework(world.pilot)
    use_default_framework(world.other_pilot)
    return {
        "bolton": make_return(world.bolton_team, 2025, 1, status=ReturnStatus.DRAFT),
        "wigan": make_return(world.wigan_team, 2025, 1),
        "other": make_return(world.other_team, 2025, 1),
    }


def test_a_team_leader_sees_only_their_own_teams_returns(world, returns):
    assert list(returns_visible_to(user=world.lead_bolton)) == [returns["bolton"]]


def test_a_manager_sees_every_return_in_their_pilot_only(world, returns):
    assert set(returns_visible_to(user=world.manager)) == {returns["bolton"], returns["wigan"]}


def test_a_facilitator_sees_no_returns(world, returns):
    assert not returns_visible_to(user=world.facilitator).exists()


@pytest.mark.parametrize("suffix", ["", "edit/", "export.csv/", "export.xlsx/"])
def test_a_team_leader_gets_404_for_another_teams_return(client, world, returns, suffix):
    client.force_login(world.lead_bolton)
    assert client.get(f"/returns/{returns['wigan'].pk}/{suffix}").status_code == 404


def test_a_team_leader_cannot_post_to_another_teams_return(client, world, returns):
    client.force_login(world.lead_wigan)
    response = client.post(f"/returns/{returns['bolton'].pk}/edit/", {"save": "1"})
    assert response.status_code == 404


@pytest.mark.parametrize("suffix", ["", "edit/", "export.csv/"])
def test_a_facilitator_gets_404_for_any_return(client, world, returns, suffix):
    client.force_login(world.facilitator)
    assert client.get(f"/returns/{returns['bolton'].pk}/{suffix}").status_code == 404


def test_a_facilitator_has_no_returns_list(client, world, returns):
    client.force_login(world.facilitator)
    assert client.get("/returns/").status_code == 404
    assert client.get("/returns/review/").status_code == 404


def test_a_manager_of_another_pilot_gets_404(client, world, returns):
    client.force_login(world.other_manager)
    assert client.get(f"/returns/{returns['wigan'].pk}/").status_code == 404
    response = client.post(f"/returns/{returns['wigan'].pk}/review/", {"action": "approve"})
    assert response.status_code == 404


def test_a_team_leader_cannot_review_their_own_return(client, world, returns):
    client.force_login(world.lead_wigan)
    response = client.post(
        f"/returns/{returns['wigan'].pk}/review/", {"action": "approve"}, follow=True
    )
    assert "Only a manager of this pilot can review returns." in response.content.decode()
    returns["wigan"].refresh_from_db()
    assert returns["wigan"].status == ReturnStatus.SUBMITTED


def test_a_manager_can_read_but_not_edit_a_draft(client, world, returns):
    client.force_login(world.manager)
    assert client.get(f"/returns/{returns['bolton'].pk}/").status_code == 200
    response = client.get(f"/returns/{returns['bolton'].pk}/edit/", follow=True)
    assert "Only the team&#x27;s leader can fill in its return." in response.content.decode()


def test_a_team_leader_cannot_start_another_teams_return(client, world):
    use_default_framework(world.pilot)
    client.force_login(world.lead_bolton)
    response = client.post("/returns/start/", {"team": world.wigan_team.pk, "quarter": "2025-q2"})
    assert response.status_code == 404
