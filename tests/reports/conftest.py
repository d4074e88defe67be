"""Fixtures for report tests: scored returns in the test pilot, and Celery run in-process; for
handbook tests, that pilot on a fixed day and its handbook built by the service.

CI sets CELERY_BROKER_URL for the whole suite, so tests that expect a report built without a
worker force eager mode here; the worker tests turn it off again and start a real worker.
"""

import datetime
import os
from contextlib import contextmanager

import pytest
from django.apps import apps as django_apps
from kombu import pools as kombu_pools

from config.celery import app as celery_app
from fidelity.frameworks import framework_data
from fidelity.returns.models import ReturnStatus
from forums.services import action_add
from partners.models import Role
from reports.handbook.models import Handbook
from reports.handbook.services import handbook_build, handbook_request
from tests import factories
from tests.fidelity.factories import make_return, use_default_framework
from tests.forums.factories import make_session, raise_challenge


@pytest.fixture
def scored_world(world):
    """Two quarters of returns: 2026-27 Q1 and Q2 (the one reported on).

    In Q2 Bolton scores 4 everywhere, Wigan 3 except P7 (1s), Bury's return is still a draft;
    a published forum in Q2 raised a P7 challenge from Wigan and Bolton, with an action.
    """
    framework_data.load(django_apps)  # a transactional test before this one flushed it
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 1, fill=3)
    make_return(world.wigan_team, 2026, 1, fill=3)
    make_return(
        world.bolton_team,
        2026,
        2,
        fill=4,
        people_supported=12,
        tenancies_sustained=10,
        tenancies_ended=3,
        ended_unknown=1,
        ended_planned_move=2,
        staff_fte=2,
    )
    make_return(
        world.wigan_team,
        2026,
        2,
        fill=3,
        scores={"P7": [1, 1, 1, 1, 1, 1]},
        status=ReturnStatus.APPROVED,
        people_supported=8,
        tenancies_sustained=7,
        tenancies_ended=1,
        ended_unknown=1,
        staff_fte=1,
    )
    make_return(world.bury_team, 2026, 2, status=ReturnStatus.DRAFT, fill=2)
    forum = make_session(world.pilot, principle_code="P7", date=datetime.date(2026, 8, 12))
    challenge = raise_challenge(
        forum, "Abstinence still expected by one hostel landlord", world.wigan, world.bolton
    )
    action_add(
        session=forum,
        what="Meet the landlord about harm reduction",
        owner="Red Rose Support",
        due_date=datetime.date(2026, 10, 31),
        challenge=challenge,
    )
    earlier = make_session(world.pilot, principle_code="P7", date=datetime.date(2026, 5, 2))
    raise_challenge(earlier, "A challenge from the quarter before", world.bury)
    return world


# 2026-27 Q2 ended on 30 September and its returns were due on 20 October: on this day it is the
# dashboard's default quarter, so a handbook of all of the test pilot runs 2026-27 Q1 to Q2.
A_DAY_IN_NOVEMBER = datetime.date(2026, 11, 2)


@pytest.fixture
def handbook_world(scored_world, today_is):
    """`scored_world` on A_DAY_IN_NOVEMBER, with a co-production reviewer in the test pilot."""
    today_is(A_DAY_IN_NOVEMBER)
    scored_world.reviewer = factories.UserFactory(username="reviewer")
    factories.assign(scored_world.reviewer, Role.REVIEWER, scored_world.pilot)
    return scored_world


@pytest.fixture
def build_handbook(handbook_world):
    """`build_handbook(first=None, last=None, user=None)`: requests the test pilot's handbook and
    builds it in this process, as the worker would; gives it back reloaded."""

    def build(first=None, last=None, user=None) -> Handbook:
        handbook = handbook_request(pilot=handbook_world.pilot, first=first, last=last, user=user)
        handbook_build(handbook_id=handbook.pk)
        handbook.refresh_from_db()
        return handbook

    return build


@pytest.fixture
def quick_render(monkeypatch):
    """For tests of the handbook's lifecycle: laid out in no time."""

    def html(content, *, built_on, variant):
        return "<!doctype html><html><body><p>A quick handbook</p></body></html>"

    def pdf(content, *, built_on):
        return b"%PDF-1.7 quick", 1

    monkeypatch.setattr("reports.handbook.services.handbook_html", html)
    monkeypatch.setattr("reports.handbook.services.handbook_pdf", pdf)


@contextmanager
def celery_broker(url: str):
    """Points the Celery app at `url` with eager mode off, then restores it.

    The read and write URLs are set too: they win over the CELERY_BROKER_URL environment
    variable, which Celery otherwise prefers to any configured broker_url.
    """
    conf = celery_app.conf
    keys = ["broker_url", "broker_read_url", "broker_write_url", "task_always_eager"]
    saved = {key: conf.get(key) for key in keys}
    conf.update(broker_url=url, broker_read_url=url, broker_write_url=url, task_always_eager=False)
    _reset_pools()
    try:
        yield celery_app
    finally:
        conf.update(saved)
        _reset_pools()


def _reset_pools() -> None:
    """Forget broker connections made for the previous URL (kombu keeps them in a registry)."""
    kombu_pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def broker_url_for_tests() -> str:
    return os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/15"
