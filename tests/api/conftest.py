"""The API tests' world is the security tests' (two pilots, every role, one object of each kind
in each), and a client per person that sends a fresh token of theirs."""

from __future__ import annotations

import datetime

import pytest
from rest_framework.test import APIClient

from fidelity.improvement.models import ImprovementAction
from fidelity.returns.models import QAReturn, ReturnStatus
from partners.api_tokens import api_token_create
from tests.fidelity.factories import make_return, use_default_framework
from tests.forums.factories import raise_challenge
from tests.security.conftest import secure_world  # noqa: F401 (a fixture)


def token_client(user, **create) -> APIClient:
    client = APIClient()
    if user is not None:
        secret = api_token_create(user=user, name="test", **create).secret
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def api_as():
    """`api_as(user)`: a client calling the API with a token of `user` (None: no token)."""
    return token_client


def _action(qa_return: QAReturn) -> ImprovementAction:
    score = qa_return.scores.select_related("indicator__principle").first()
    return ImprovementAction.objects.create(
        qa_return=qa_return,
        team=qa_return.team,
        indicator=score.indicator,
        principle_code=score.indicator.principle.code,
        what="Invented action",
    )


@pytest.fixture
def api_world(secure_world):  # noqa: F811 (the fixture imported above)
    """The security world, with an improvement action in each pilot and a draft forum's challenge."""
    secure_world.improvement_action = _action(secure_world.submitted_return)
    secure_world.other_improvement_action = _action(secure_world.other_return)
    # A draft session's challenge is the facilitators' working note: never in the API.
    raise_challenge(secure_world.draft_session, "Draft challenge", secure_world.bolton)
    return secure_world


@pytest.fixture
def scored_world(world, today_is):
    """Three teams over two quarters: approved, provisional (submitted), a draft and a return
    sent back (neither counts), and a late quarter's return; today 2026-08-01, so the default
    quarter is 2026-q1 (April to June 2026, due 20 July)."""
    today_is(datetime.date(2026, 8, 1))
    use_default_framework(world.pilot)
    use_default_framework(world.other_pilot)
    approved, submitted = ReturnStatus.APPROVED, ReturnStatus.SUBMITTED
    make_return(world.bolton_team, 2025, 4, status=approved, scores={"P1": [2, 2, 3, 1]}, fill=3)
    make_return(world.bolton_team, 2026, 1, status=approved, scores={"P1": [4, 4, 3]}, fill=2)
    make_return(world.wigan_team, 2025, 4, status=approved, fill=4)
    make_return(world.wigan_team, 2026, 1, status=submitted, scores={"P7": [1, 2]}, fill=3)
    make_return(world.bury_team, 2025, 4, status=submitted, fill=1)
    make_return(world.bury_team, 2026, 1, status=ReturnStatus.DRAFT, fill=4)
    make_return(world.bury_team, 2026, 2, status=submitted, fill=4)
    make_return(world.other_team, 2026, 1, status=approved, fill=1)
    return world
