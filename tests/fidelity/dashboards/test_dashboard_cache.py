"""The dashboard's panels are cached, but a saved change to the pilot's data shows at once.

The cache key holds the pilot's data version, which moves after each commit that touches the
pilot's returns, teams, LAs, zones or organisations (fidelity.dashboards.data_version). Tests run inside a
transaction that never commits, so they run the after-commit callbacks by hand.
"""

import uuid

import environ
import pytest
import redis
from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from django.urls import reverse

from fidelity.dashboards.models import PilotDataVersion
from fidelity.returns.models import ReturnStatus
from fidelity.returns.services import return_send_back, return_store_scores
from partners.models import Pilot
from tests import factories
from tests.fidelity.factories import fill_return, make_return, use_default_framework

# A database of its own: the broker uses others (CI: 15 and below, one per test process).
REDIS_CACHE_URL = "redis://127.0.0.1:6379/12"


def _dashboard(client):
    page = client.get(reverse("fidelity:dashboard"), {"quarter": "2026-q2"}).content.decode()
    return page.split('<div id="dashboard-panels">', 1)[1]


def _number(pilot: Pilot) -> int:
    return PilotDataVersion.objects.get(pilot=pilot).number


def test_a_repeated_dashboard_request_is_served_from_the_cache(
    client, world, django_assert_max_num_queries
):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, fill=3)
    client.force_login(world.manager)
    first = _dashboard(client)
    with django_assert_max_num_queries(6):
        assert _dashboard(client) == first


@pytest.fixture
def redis_cache(settings):
    """The default cache on the Redis this machine and CI run, configured from a CACHE_URL the
    way config/settings.py reads it, under a key prefix of this test's own (several test
    processes share the database); the test's keys are deleted afterwards."""
    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {**environ.Env.cache_url_config(REDIS_CACHE_URL), "KEY_PREFIX": prefix}
    }
    client = redis.Redis.from_url(REDIS_CACHE_URL)
    yield lambda: sorted(k.decode() for k in client.scan_iter(f"{prefix}:*"))
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_the_dashboard_is_cached_in_redis_as_production_configures_it(
    client, world, redis_cache, django_assert_max_num_queries
):
    assert isinstance(caches["default"], RedisCache)
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, fill=3)
    client.force_login(world.manager)
    assert redis_cache() == []
    first = _dashboard(client)
    [key] = redis_cache()
    assert "fidelity:dashboard-panels:" in key
    with django_assert_max_num_queries(6):
        assert _dashboard(client) == first
    assert redis_cache() == [key]


def test_a_submitted_return_shows_at_once_despite_the_cache(
    client, world, django_capture_on_commit_callbacks
):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, fill=3)
    draft = make_return(world.wigan_team, 2026, 2, fill=1, status=ReturnStatus.DRAFT)
    client.force_login(world.manager)
    assert "Wigan" in _dashboard(client)
    before = _dashboard(client)
    with django_capture_on_commit_callbacks(execute=True):
        draft.status = ReturnStatus.SUBMITTED
        draft.save()
        return_store_scores(qa_return=draft)
    after = _dashboard(client)
    assert after != before
    assert "2.00" in after


def test_a_renamed_local_authority_shows_at_once(client, world, django_capture_on_commit_callbacks):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, fill=3)
    client.force_login(world.manager)
    assert "Bolton" in _dashboard(client)
    with django_capture_on_commit_callbacks(execute=True):
        world.bolton.name = "Boltonshire"
        world.bolton.save()
    assert "Boltonshire" in _dashboard(client)


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda w: make_return(w.bolton_team, 2026, 2, fill=2), id="return opened"),
        pytest.param(lambda w: w.bolton_team.local_authorities.add(w.wigan), id="team serves LA"),
        pytest.param(lambda w: w.wigan_team.local_authorities.clear(), id="team leaves its LAs"),
        pytest.param(lambda w: w.wigan.teams.remove(w.wigan_team), id="LA loses a team"),
        pytest.param(
            lambda w: factories.TeamFactory(organisation=w.bolton_team.organisation),
            id="team added",
        ),
        pytest.param(lambda w: w.bury_team.delete(), id="team deleted"),
        pytest.param(lambda w: factories.ZoneFactory(pilot=w.pilot), id="zone added"),
    ],
)
def test_each_change_to_the_pilots_data_moves_its_version_and_no_other(
    world, django_capture_on_commit_callbacks, change
):
    use_default_framework(world.pilot)
    before, other_before = _number(world.pilot), _number(world.other_pilot)
    with django_capture_on_commit_callbacks(execute=True):
        change(world)
    assert _number(world.pilot) != before
    assert _number(world.other_pilot) == other_before


def test_nothing_moves_until_the_transaction_commits(world, django_capture_on_commit_callbacks):
    before = _number(world.pilot)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        world.bolton.save()
    assert _number(world.pilot) == before
    assert len(callbacks) == 1


def test_a_pilot_without_a_data_version_is_shown_but_never_cached(client, world):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, fill=3)
    PilotDataVersion.objects.filter(pilot=world.pilot).delete()
    client.force_login(world.manager)
    first = _dashboard(client)
    assert "Bolton" in first
    world.bolton.name = "Boltonshire"
    world.bolton.save()  # no commit in a test: only an uncached page can show this
    assert "Boltonshire" in _dashboard(client)


def test_saving_a_draft_leaves_the_data_version_and_the_cached_page(
    client, world, django_capture_on_commit_callbacks
):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, fill=3)
    with django_capture_on_commit_callbacks(execute=True):
        draft = make_return(world.wigan_team, 2026, 2, fill=None, status=ReturnStatus.DRAFT)
    number = _number(world.pilot)
    with django_capture_on_commit_callbacks(execute=True):
        fill_return(draft, world.lead_wigan, 2)
    assert _number(world.pilot) == number


def test_sending_a_return_back_moves_the_data_version_and_it_stops_counting(
    client, world, django_capture_on_commit_callbacks
):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, fill=3)
    submitted = make_return(world.wigan_team, 2026, 2, fill=1)
    client.force_login(world.manager)
    assert "1.00" in _dashboard(client)
    number = _number(world.pilot)
    with django_capture_on_commit_callbacks(execute=True):
        return_send_back(
            qa_return=submitted, user=world.manager, comment="Evidence for P3, please."
        )
    assert _number(world.pilot) != number
    after = _dashboard(client)
    assert "1.00" not in after
    assert "1 of 3 teams" in after


def test_the_dashboard_still_opens_when_its_cache_is_down(client, world, settings):
    # A Redis that does not answer (a closed port): the page is rendered afresh, not a 500.
    settings.CACHES = {"default": environ.Env.cache_url_config("redis://127.0.0.1:1/0")}
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, fill=3)
    client.force_login(world.manager)
    response = client.get(reverse("fidelity:dashboard"), {"quarter": "2026-q2"})
    assert response.status_code == 200
    assert "3.00" in response.content.decode()
