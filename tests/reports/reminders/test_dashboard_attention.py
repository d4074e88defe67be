"""The pilot dashboard's "Needs attention" counts that come from the weekly digest's selectors:
returns waiting for review, overdue improvement actions and overdue forum actions."""

import datetime

import pytest
from django.apps import apps as django_apps
from django.urls import reverse
from django.utils import timezone

from common.quarters import Quarter
from fidelity.frameworks import framework_data
from fidelity.improvement.models import ImprovementAction
from fidelity.returns.models import ReturnStatus
from forums.services import action_add
from tests.fidelity.factories import make_return, use_default_framework
from tests.forums.factories import make_session

ATTENTION = reverse("reports:dashboard_attention")


@pytest.fixture
def busy_pilot(world):
    """Bolton's Q2 return waits for review; one improvement action and one forum action are
    overdue, one of each is not due yet; the other pilot has an overdue forum action too."""
    framework_data.load(django_apps)
    use_default_framework(world.pilot)
    use_default_framework(world.other_pilot)
    today = timezone.localdate()
    bolton_q2 = make_return(world.bolton_team, 2026, 2, status=ReturnStatus.SUBMITTED)
    make_return(world.wigan_team, 2026, 2, status=ReturnStatus.DRAFT)
    current = Quarter.containing(today, world.pilot.quarter_convention)
    indicators = list(bolton_q2.framework_version.principles.get(code="P2").indicators.all())
    for indicator, target in [(indicators[0], current.previous()), (indicators[1], current)]:
        ImprovementAction.objects.create(
            qa_return=bolton_q2,
            team=world.bolton_team,
            indicator=indicator,
            principle_code="P2",
            what="Cap caseloads",
            owner="Team leader",
            target_quarter_index=target.index,
        )
    session = make_session(world.pilot, principle_code="P2", date=today - datetime.timedelta(60))
    for days in (-1, 30):
        action_add(
            session=session,
            what="Agree a cap",
            owner="Red Rose",
            due_date=today + datetime.timedelta(days),
        )
    elsewhere = make_session(world.other_pilot, date=today - datetime.timedelta(60))
    action_add(
        session=elsewhere, what="Theirs", owner="Them", due_date=today - datetime.timedelta(5)
    )
    return world


def _counts(body: str) -> list[str]:
    return [part.split("</span>")[0] for part in body.split('class="attention-count">')[1:]]


def test_the_manager_sees_how_many_returns_wait_and_how_many_actions_are_overdue(
    client, busy_pilot
):
    client.force_login(busy_pilot.manager)
    response = client.get(ATTENTION)
    assert response.status_code == 200
    body = response.content.decode()
    assert _counts(body) == ["1", "1"]
    assert "1</span> return waiting for review" in body
    assert "1</span> overdue improvement action</a>" in body
    assert "and 1 overdue forum action</a>" in body
    assert f"{reverse('fidelity:review_list')}?pilot={busy_pilot.pilot.pk}" in body
    assert (
        f"{reverse('fidelity:improvement_list')}?pilot={busy_pilot.pilot.pk}&amp;overdue=1" in body
    )
    assert f"{reverse('forums:actions')}?overdue=1" in body
    # The actions item replaces the dashboard's placeholder out of band, in the same answer.
    assert 'id="attention-actions"' in body and 'hx-swap-oob="true"' in body


def test_another_pilots_manager_sees_their_own_pilot_and_never_this_one(client, busy_pilot):
    client.force_login(busy_pilot.other_manager)
    body = client.get(ATTENTION).content.decode()
    assert _counts(body) == ["0", "0"]
    assert "and 1 overdue forum action</a>" in body
    assert client.get(ATTENTION, {"pilot": busy_pilot.pilot.pk}).status_code == 404


@pytest.mark.parametrize("who", ["lead_bolton", "facilitator"])
def test_team_leaders_and_facilitators_get_nothing(client, busy_pilot, who):
    client.force_login(getattr(busy_pilot, who))
    assert client.get(ATTENTION).status_code == 404
