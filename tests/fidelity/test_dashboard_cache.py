"""The dashboard's panels are cached, but a saved change to a return shows at once."""

from django.urls import reverse

from fidelity.models import ReturnStatus
from fidelity.services import return_store_scores

from .factories import make_return, use_default_framework


def _dashboard(client):
    page = client.get(reverse("fidelity:dashboard"), {"quarter": "2026-q2"}).content.decode()
    return page.split('<div id="dashboard-panels">', 1)[1]


def test_a_repeated_dashboard_request_is_served_from_the_cache(
    client, world, django_assert_max_num_queries
):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, fill=3)
    client.force_login(world.manager)
    first = _dashboard(client)
    with django_assert_max_num_queries(8):
        assert _dashboard(client) == first


def test_a_submitted_return_shows_at_once_despite_the_cache(client, world):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, fill=3)
    draft = make_return(world.wigan_team, 2026, 2, fill=1, status=ReturnStatus.DRAFT)
    client.force_login(world.manager)
    assert "Wigan" in _dashboard(client)
    before = _dashboard(client)
    draft.status = ReturnStatus.SUBMITTED
    draft.save()
    return_store_scores(qa_return=draft)
    after = _dashboard(client)
    assert after != before
    assert "2.00" in after
