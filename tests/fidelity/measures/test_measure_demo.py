"""The demo pilot's measures: added once, with values within their rules, to that pilot only."""

from fidelity.measures.demo import seed_measures
from fidelity.measures.models import MeasureValue, PilotMeasure
from fidelity.returns.models import ReturnStatus
from fidelity.returns.services import return_submit_errors
from partners.demo import GREATER_MANCHESTER
from tests.fidelity.factories import make_return, use_default_framework


def test_the_demo_pilots_returns_get_valid_values_once(world):
    world.pilot.slug = GREATER_MANCHESTER.slug
    world.pilot.save()
    use_default_framework(world.pilot)
    counted = make_return(
        world.bolton_team,
        2026,
        1,
        status=ReturnStatus.APPROVED,
        people_supported=1,
        tenancies_sustained=1,
        tenancies_ended=0,
        staff_fte=1,
    )
    draft = make_return(world.wigan_team, 2026, 2, status=ReturnStatus.DRAFT)

    assert seed_measures(world.pilot) == "4 demo measure values added"
    assert seed_measures(world.pilot) == ""
    assert PilotMeasure.objects.filter(pilot=world.pilot).count() == 3
    assert return_submit_errors(qa_return=counted) == {}
    assert MeasureValue.objects.filter(qa_return=draft).count() == 1


def test_another_pilot_gets_no_demo_measures(world):
    assert seed_measures(world.other_pilot) == ""
    assert not PilotMeasure.objects.exists()
