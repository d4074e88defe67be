"""A pilot with a story to tell: four quarters of returns, forums whose challenges came back
across local authorities, good practice, a completed improvement action and a peer review.

Every text here is invented. Quarters: 2025-26 Q3 to 2026-27 Q2 (the handbook's period).
"""

import datetime

import pytest
from django.apps import apps as django_apps

from common.quarters import Quarter
from fidelity.frameworks import framework_data
from fidelity.frameworks.models import Indicator
from fidelity.improvement.models import ActionStatus, ImprovementAction
from fidelity.peer_review.services import (
    peer_review_assign,
    peer_review_save,
    peer_review_submit,
)
from fidelity.returns.models import ReturnStatus
from forums.services import action_add, good_practice_add, shared_challenge_confirm
from partners.models import Role
from tests import factories as base
from tests.fidelity.factories import make_return, use_default_framework
from tests.forums.factories import make_session, raise_challenge

FIRST, LAST = Quarter(2025, 3), Quarter(2026, 2)
QUARTERS = [FIRST, Quarter(2025, 4), Quarter(2026, 1), LAST]

FOREWORD = "We set out to house people first.\n\nThis is what we learned <b>along the way</b>."
LESSONS = "Keep caseloads small.\nKeep going.\n\nAsk people what they want."


@pytest.fixture
def story(world):
    framework_data.load(django_apps)  # a transactional test before this one flushed it
    use_default_framework(world.pilot)
    # Bolton climbs from 2 to 4 in P1; Wigan's harm reduction (P7) is low, then mends after an
    # action; Bury misses a quarter and leaves one return as a draft.
    for step, quarter in enumerate(QUARTERS):
        make_return(
            world.bolton_team,
            quarter.year,
            quarter.number,
            fill=3,
            scores={"P1": [min(2 + step, 4)] * 5},
            status=ReturnStatus.APPROVED,
        )
    wigan = {
        q: make_return(
            world.wigan_team,
            q.year,
            q.number,
            fill=3,
            scores={"P7": [value] * 6},
            status=ReturnStatus.APPROVED if n < 3 else ReturnStatus.SUBMITTED,
        )
        for n, (q, value) in enumerate(zip(QUARTERS, [1, 2, 3, 3], strict=True))
    }
    make_return(world.bury_team, 2025, 3, fill=2, status=ReturnStatus.APPROVED)
    make_return(world.bury_team, 2026, 1, fill=3)
    make_return(world.bury_team, 2026, 2, fill=1, status=ReturnStatus.DRAFT)

    first_return = wigan[FIRST]
    p7_indicator = Indicator.objects.filter(
        principle=first_return.framework_version.principles.get(code="P7")
    ).first()
    ImprovementAction.objects.create(
        qa_return=first_return,
        team=world.wigan_team,
        indicator=p7_indicator,
        principle_code="P7",
        what="Harm reduction training for the whole team",
        owner="Team leader",
        target_quarter_index=FIRST.index + 1,
        status=ActionStatus.DONE,
        update_note="Abstinence conditions dropped from every support plan",
        updated_on=wigan[QUARTERS[1]],
    )
    ImprovementAction.objects.create(
        qa_return=wigan[QUARTERS[1]],
        team=world.wigan_team,
        indicator=p7_indicator,
        principle_code="P7",
        what="An action still open",
        owner="Team leader",
        target_quarter_index=LAST.index + 2,
    )

    autumn = make_session(world.pilot, principle_code="P7", date=datetime.date(2025, 11, 4))
    spring = make_session(world.pilot, principle_code="P7", date=datetime.date(2026, 5, 12))
    first_time = raise_challenge(
        autumn, "Hostel landlord expects abstinence", world.wigan, themes=("Landlords",)
    )
    second_time = raise_challenge(spring, "Landlord wants people sober first", world.bolton)
    shared_challenge_confirm(
        pilot=world.pilot,
        challenges=[first_time, second_time],
        title="Landlords still expect abstinence",
        user=world.facilitator,
    )
    action_add(
        session=spring,
        what="Meet the landlords' forum about harm reduction",
        owner="Red Rose Support",
        status="done",
        challenge=second_time,
    )
    raise_challenge(spring, "Needle exchange closes early on Fridays", world.bury)
    good_practice_add(
        session=spring,
        text="Naloxone kits carried by every worker",
        principle_code="P7",
        organisation=world.bolton_team.organisation,
    )
    tenancy = make_session(world.pilot, principle_code="P1", date=datetime.date(2026, 2, 3))
    good_practice_add(
        session=tenancy, text="Ordinary secure tenancies from day one", principle_code="P1"
    )
    draft = make_session(
        world.pilot, principle_code="P7", date=datetime.date(2026, 6, 1), published=False
    )
    raise_challenge(draft, "A draft challenge nobody has checked", world.wigan, world.bury)
    good_practice_add(session=draft, text="A draft example", principle_code="P7")
    before = make_session(world.pilot, principle_code="P7", date=datetime.date(2025, 3, 1))
    raise_challenge(before, "A challenge from before the period", world.wigan, world.bury)

    reviewer = base.UserFactory(username="panel-member")
    base.assign(reviewer, Role.REVIEWER, world.pilot)
    review = peer_review_assign(
        team=world.wigan_team, quarter=QUARTERS[2], reviewer=reviewer, user=world.manager
    )
    scores = {}
    for row in review.scores.select_related("indicator__principle"):
        code = row.indicator.principle.code
        evidence = ""
        if row.indicator == p7_indicator:
            evidence = "People told us workers never judged their drinking."
        elif code == "P2" and not scores.get("p2-done"):
            evidence = "Ring the client on 07700 900123 to check."
        scores[row.indicator_id] = {"score": 2 if code == "P2" else 3, "evidence": evidence}
        if code == "P2":
            scores["p2-done"] = True
    scores.pop("p2-done", None)
    peer_review_save(review=review, user=reviewer, scores=scores)
    peer_review_submit(review=review, user=reviewer)
    world.reviewer = reviewer
    return world
