from partners import access


def test_team_leader_sees_only_their_own_team(world):
    assert list(access.teams_visible_to(world.lead_bolton)) == [world.bolton_team]


def test_team_leader_edits_only_their_own_team(world):
    assert list(access.teams_editable_by(world.lead_bolton)) == [world.bolton_team]


def test_manager_sees_every_team_in_their_pilot_and_none_elsewhere(world):
    teams = set(access.teams_visible_to(world.manager))
    assert teams == {world.bolton_team, world.wigan_team, world.bury_team}


def test_manager_edits_no_team_return(world):
    assert not access.teams_editable_by(world.manager).exists()


def test_facilitator_sees_no_team_but_every_local_authority_of_their_pilot(world):
    assert not access.teams_visible_to(world.facilitator).exists()
    las = set(access.local_authorities_visible_to(world.facilitator))
    assert las == {world.bolton, world.wigan, world.bury}


def test_team_leader_sees_only_their_teams_local_authority(world):
    assert list(access.local_authorities_visible_to(world.lead_bolton)) == [world.bolton]


def test_nobody_sees_another_pilot(world):
    for user in (world.manager, world.facilitator, world.lead_bolton):
        assert world.other_pilot not in access.pilots_visible_to(user)
    assert list(access.pilots_visible_to(world.other_manager)) == [world.other_pilot]


def test_anonymous_sees_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not access.pilots_visible_to(anonymous).exists()
    assert not access.teams_visible_to(anonymous).exists()
    assert not access.local_authorities_visible_to(anonymous).exists()


def test_person_with_several_roles_sees_the_union(world):
    from partners.models import Role

    from ..factories import assign

    assign(world.lead_bolton, Role.FACILITATOR, world.pilot)
    assert list(access.teams_visible_to(world.lead_bolton)) == [world.bolton_team]
    assert set(access.local_authorities_visible_to(world.lead_bolton)) == {
        world.bolton,
        world.wigan,
        world.bury,
    }
