from django.core.management import call_command

from fidelity.returns.models import IndicatorScore, PrincipleScore, QAReturn
from forums.models import Challenge, ForumSession
from partners.models import LocalAuthority, Pilot, Team


def _snapshot():
    return list(
        PrincipleScore.objects.order_by(
            "team__name", "quarter_index", "principle_code"
        ).values_list("team__name", "quarter_index", "principle_code", "score")
    )


def test_seed_scale_builds_the_requested_size(db):
    call_command("seed_scale", pilots=2, las=3, teams_per_la=2, quarters=4, sessions=5)
    assert Pilot.objects.filter(name__startswith="Scale pilot").count() == 2
    assert LocalAuthority.objects.count() == 6
    assert Team.objects.count() == 12
    assert QAReturn.objects.count() == 12 * 4
    assert IndicatorScore.objects.count() == 12 * 4 * 30
    assert PrincipleScore.objects.count() == 12 * 4 * 7
    assert ForumSession.objects.count() == 5
    assert Challenge.objects.filter(local_authorities__isnull=False).distinct().count() == 15


def test_seed_scale_is_deterministic_and_replaces_its_own_data(db):
    call_command("seed_scale", pilots=1, las=2, quarters=3, seed=7, sessions=0)
    first = _snapshot()
    call_command("seed_scale", pilots=1, las=2, quarters=3, seed=7, sessions=0)
    assert _snapshot() == first
    call_command("seed_scale", pilots=1, las=2, quarters=3, seed=8, sessions=0)
    assert _snapshot() != first
    assert Pilot.objects.count() == 1
