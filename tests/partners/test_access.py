import pytest

from partners import access


def test_team_leader_sees_only_their_own_team(world):
    assert list(access.teams_visible_to(user=world.lead_bolton)) == [world.bolton_team]


def test_team_leader_edits_only_their_own_team(world):
    assert list(access.teams_editable_by(user=world.lead_bolton)) == [world.bolton_team]


def test_manager_sees_every_team_in_their_pilot_and_none_elsewhere(world):
    teams = set(access.teams_visible_to(user=world.manager))
    assert teams == {world.bolton_team, world.wigan_team, world.bury_team}


def test_manager_edits_no_team_return(world):
    assert not access.teams_editable_by(user=world.manager).exists()


def test_facilitator_sees_no_team_but_the_forum_material_of_their_pilot(world):
    assert not access.teams_visible_to(user=world.facilitator).exists()
    assert list(access.pilots_facilitated_by(user=world.facilitator)) == [world.pilot]


def test_nobody_sees_another_pilot(world):
    for user in (world.manager, world.facilitator, world.lead_bolton):
        assert world.other_pilot not in access.pilots_visible_to(user=user)
    assert list(access.pilots_visible_to(user=world.other_manager)) == [world.other_pilot]


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not access.pilots_visible_to(user=anonymous).exists()
    assert not access.teams_visible_to(user=anonymous).exists()


def test_person_with_several_roles_sees_the_union(world):
    from partners.models import Role

    from ..factories import assign

    assign(world.lead_bolton, Role.FACILITATOR, world.pilot)
    assert list(access.teams_visible_to(user=world.lead_bolton)) == [world.bolton_team]
    assert list(access.pilots_facilitated_by(user=world.lead_bolton)) == [world.pilot]


# --- Which pilot is this manager looking at (?pilot=) -----------------------------------------


JUNK = ["", None, "abc", "-1", "0", "1e9", "1.5", " ", "9" * 40, str(2**63), "1; drop table", "²"]


@pytest.mark.parametrize("requested", JUNK)
def test_pilot_in_view_falls_back_to_the_first_pilot_on_junk(world, requested):
    chosen = access.pilot_in_view(user=world.manager, requested=requested)
    assert chosen == world.pilot


def test_pilot_in_view_chooses_the_pilot_asked_for_among_those_managed(world):
    from partners.models import Role

    from ..factories import PilotFactory, assign

    second = PilotFactory(name="Zed pilot")
    assign(world.manager, Role.PILOT_MANAGER, second)
    assert access.pilot_in_view(user=world.manager, requested=str(second.pk)) == second
    assert access.pilot_in_view(user=world.manager, requested=str(world.pilot.pk)) == world.pilot


def test_pilot_in_view_never_chooses_another_pilot(world):
    requested = str(world.other_pilot.pk)
    assert access.pilot_in_view(user=world.manager, requested=requested) == world.pilot
    assert access.pilot_in_view(user=world.manager, requested=requested, fall_back=False) is None


def test_pilot_in_view_without_fall_back_still_opens_the_first_when_none_is_asked_for(world):
    assert access.pilot_in_view(user=world.manager, requested=None, fall_back=False) == world.pilot
    assert access.pilot_in_view(user=world.manager, requested="abc", fall_back=False) is None


def test_pilot_in_view_chooses_only_among_the_candidates_given(world):
    facilitated = access.pilots_facilitated_by(user=world.facilitator)
    assert access.pilot_in_view(user=world.facilitator, requested=None) is None
    chosen = access.pilot_in_view(user=world.facilitator, requested=None, pilots=facilitated)
    assert chosen == world.pilot


def test_pilot_in_view_is_none_for_someone_who_manages_no_pilot(world):
    from django.contrib.auth.models import AnonymousUser

    assert access.pilot_in_view(user=world.lead_bolton, requested=str(world.pilot.pk)) is None
    assert access.pilot_in_view(user=AnonymousUser(), requested="1") is None
