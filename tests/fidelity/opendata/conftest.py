"""A pilot with a quarter to publish: zone West (Bolton, Wigan) and zone North (Bury), today
1 August 2026, so the default quarter is 2026-27 Q1 (April to June 2026, due 20 July)."""

from __future__ import annotations

import datetime

import pytest

from fidelity.returns.models import ReturnStatus
from partners.models import LocalAuthority
from tests.fidelity.factories import make_return, use_default_framework

BOLTON = {
    "people_supported": 12,
    "new_referrals": 3,
    "people_housed": 2,
    "tenancies_sustained": 10,
    "tenancies_ended": 2,
    "ended_planned_move": 1,
    "ended_unknown": 1,
}
WIGAN = {
    "people_supported": 20,
    "new_referrals": 6,
    "people_housed": 8,
    "tenancies_sustained": 15,
    "tenancies_ended": 6,
    "ended_planned_move": 6,
    "ended_unknown": 0,
}
BURY = {
    "people_supported": 9,
    "new_referrals": 7,
    "people_housed": 5,
    "tenancies_sustained": 8,
    "tenancies_ended": 3,
    "ended_planned_move": 0,
    "ended_unknown": 3,
}


@pytest.fixture
def pack_world(world, today_is):
    today_is(datetime.date(2026, 8, 1))
    use_default_framework(world.pilot)
    use_default_framework(world.other_pilot)
    for la, code in (
        (world.bolton, "E08000001"),
        (world.bury, "E08000002"),
        (world.wigan, "E08000010"),
    ):
        la.gss_code = code
        la.save()
    approved, submitted = ReturnStatus.APPROVED, ReturnStatus.SUBMITTED
    make_return(world.bolton_team, 2025, 4, status=approved, fill=2, **BOLTON)
    make_return(
        world.bolton_team, 2026, 1, status=approved, scores={"P1": [4, 4, 3]}, fill=3, **BOLTON
    )
    make_return(world.wigan_team, 2026, 1, status=submitted, fill=2, **WIGAN)
    make_return(world.bury_team, 2026, 1, status=approved, fill=4, **BURY)
    make_return(world.other_team, 2026, 1, status=approved, fill=1)
    assert LocalAuthority.objects.filter(gss_code="E08000001").exists()
    return world
