import os
from dataclasses import dataclass

import pytest
from django.utils import timezone

from config.celery import app as celery_app
from partners.models import LocalAuthority, Pilot, Team, User

from . import factories


def _broker_of_this_test_process() -> None:
    """Under pytest-xdist each test process sends its Celery tasks to a Redis database of its own
    (gw0 keeps the configured one, gw1 the one before it, ...), so a worker started by one
    process never takes another's tasks. Celery reads CELERY_BROKER_URL from the environment when
    it first connects, which is after this runs."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    url = os.environ.get("CELERY_BROKER_URL", "")
    if worker.startswith("gw") and url.startswith("redis://"):
        base, _, database = url.rpartition("/")
        number = int(database) if database.isdigit() else 0
        os.environ["CELERY_BROKER_URL"] = f"{base}/{(number - int(worker[2:])) % 16}"


_broker_of_this_test_process()


@pytest.fixture
def eager_celery():
    """Celery tasks run in-process for this test, as in the demo."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield celery_app
    celery_app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@dataclass
class PilotWorld:
    """Two pilots; the first with two zones, three LAs and three teams, each with a leader."""

    pilot: Pilot
    other_pilot: Pilot
    bolton: LocalAuthority
    wigan: LocalAuthority
    bury: LocalAuthority
    bolton_team: Team
    wigan_team: Team
    bury_team: Team
    other_team: Team
    lead_bolton: User
    lead_wigan: User
    lead_bury: User
    manager: User
    other_manager: User
    facilitator: User
    lead_other: User


@pytest.fixture
def world(db) -> PilotWorld:
    pilot = factories.PilotFactory(name="Test pilot")
    other_pilot = factories.PilotFactory(name="Another pilot")
    west = factories.ZoneFactory(pilot=pilot, name="West")
    north = factories.ZoneFactory(pilot=pilot, name="North")
    bolton = factories.LocalAuthorityFactory(zone=west, name="Bolton")
    wigan = factories.LocalAuthorityFactory(zone=west, name="Wigan")
    bury = factories.LocalAuthorityFactory(zone=north, name="Bury")
    elsewhere = factories.LocalAuthorityFactory(
        zone=factories.ZoneFactory(pilot=other_pilot), name="Elsewhere"
    )
    org = factories.OrganisationFactory(pilot=pilot, name="Red Rose Support")
    org2 = factories.OrganisationFactory(pilot=pilot, name="Northern Lights")
    other_org = factories.OrganisationFactory(pilot=other_pilot, name="Far Away Trust")
    bolton_team = factories.TeamFactory(
        organisation=org, name="HF Bolton", local_authorities=[bolton]
    )
    wigan_team = factories.TeamFactory(organisation=org, name="HF Wigan", local_authorities=[wigan])
    bury_team = factories.TeamFactory(organisation=org2, name="HF Bury", local_authorities=[bury])
    other_team = factories.TeamFactory(
        organisation=other_org, name="HF Elsewhere", local_authorities=[elsewhere]
    )
    return PilotWorld(
        pilot=pilot,
        other_pilot=other_pilot,
        bolton=bolton,
        wigan=wigan,
        bury=bury,
        bolton_team=bolton_team,
        wigan_team=wigan_team,
        bury_team=bury_team,
        other_team=other_team,
        lead_bolton=factories.team_leader(bolton_team, "lead-bolton"),
        lead_wigan=factories.team_leader(wigan_team, "lead-wigan"),
        lead_bury=factories.team_leader(bury_team, "lead-bury"),
        manager=factories.manager(pilot, "manager"),
        other_manager=factories.manager(other_pilot, "other-manager"),
        facilitator=factories.facilitator(pilot, "facilitator"),
        lead_other=factories.team_leader(other_team, "lead-elsewhere"),
    )


@pytest.fixture
def today_is(monkeypatch):
    """`today_is(day)`: `timezone.localdate()` answers `day` from then on (for services, forms
    and selectors); asked about a given datetime it answers as before. Gives back `day`."""
    real = timezone.localdate

    def set_today(day):
        def localdate(value=None, timezone=None):
            return day if value is None else real(value, timezone)

        monkeypatch.setattr("django.utils.timezone.localdate", localdate)
        return day

    return set_today
