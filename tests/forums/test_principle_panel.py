import datetime

from django.urls import reverse

from tests import factories

from .factories import make_session, raise_challenge


def _panel(client, code="P4", **params):
    return client.get(reverse("forums:principle_challenges", args=[code]), params)


def test_dashboard_panel_lists_the_latest_five_published_challenges_with_a_link_to_more(
    client, world
):
    for day in range(1, 8):
        session = make_session(world.pilot, principle_code="P4", date=datetime.date(2026, 5, day))
        raise_challenge(session, f"Choice challenge from day {day}", world.bolton)
    client.force_login(world.manager)

    response = _panel(client)

    shown = [c.text for c in response.context["challenges"]]
    assert shown == [f"Choice challenge from day {d}" for d in (7, 6, 5, 4, 3)]
    assert b"More forum challenges about P4" in response.content
    assert b"<html" not in response.content


def test_panel_leaves_out_drafts_other_principles_and_other_pilots(client, world):
    raise_challenge(make_session(world.pilot, principle_code="P4"), "Published P4", world.bolton)
    raise_challenge(
        make_session(world.pilot, principle_code="P4", published=False), "Draft P4", world.bolton
    )
    raise_challenge(make_session(world.pilot, principle_code="P5"), "Published P5", world.bolton)
    raise_challenge(make_session(world.other_pilot, principle_code="P4"), "Elsewhere P4")
    client.force_login(world.lead_bolton)

    response = _panel(client)

    assert [c.text for c in response.context["challenges"]] == ["Published P4"]
    assert b"More forum challenges" not in response.content


def test_panel_narrows_to_a_quarter(client, world):
    raise_challenge(
        make_session(world.pilot, principle_code="P4", date=datetime.date(2026, 5, 1)),
        "In Q1",
        world.bolton,
    )
    raise_challenge(
        make_session(world.pilot, principle_code="P4", date=datetime.date(2026, 8, 1)),
        "In Q2",
        world.bolton,
    )
    client.force_login(world.manager)

    assert [c.text for c in _panel(client, quarter="2026-q1").context["challenges"]] == ["In Q1"]
    assert len(_panel(client, quarter="not-a-quarter").context["challenges"]) == 2


def test_someone_with_no_role_in_a_pilot_gets_404(client, world):
    client.force_login(factories.UserFactory(username="nobody"))
    assert _panel(client).status_code == 404
