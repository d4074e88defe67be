"""The dashboard filter form: what a manager picks becomes the scope every panel reads."""

from common.quarters import Quarter
from fidelity.dashboards.figures import Scope
from fidelity.dashboards.filters import DashboardFilter
from partners.models import LocalAuthority, Organisation

QUARTERS = [Quarter(2026, 2), Quarter(2026, 1)]


def _filter(world, data):
    return DashboardFilter(
        data,
        pilot=world.pilot,
        local_authorities=list(
            LocalAuthority.objects.filter(zone__pilot=world.pilot).select_related("zone")
        ),
        organisations=list(Organisation.objects.filter(pilot=world.pilot)),
        quarters=QUARTERS,
        default_quarter=QUARTERS[0],
    )


def test_no_filter_is_the_whole_pilot_and_the_default_quarter(world):
    filters = _filter(world, None)
    assert filters.scope().is_whole_pilot
    assert filters.quarter_value(QUARTERS[0]) == Quarter(2026, 2)
    assert filters.since_value() is None


def test_zone_and_organisation_combine_into_one_scope(world):
    data = {
        "zone": [str(world.bolton.zone_id)],
        "organisation": [str(world.bury_team.organisation_id)],
    }
    filters = _filter(world, data)
    assert filters.scope() == Scope(
        zones=(world.bolton.zone_id,), organisations=(world.bury_team.organisation_id,)
    )
    # Zone West holds no Northern Lights team: the combination is empty, not an error.
    assert list(filters.qs) == []
    assert list(filters.scope().team_queryset(world.pilot)) == []


def test_several_las_keep_every_team_serving_any_of_them(world):
    filters = _filter(world, {"la": [str(world.bolton.pk), str(world.bury.pk)]})
    expected = {world.bolton_team, world.bury_team}
    assert set(filters.qs) == expected
    assert set(filters.scope().team_queryset(world.pilot)) == expected


def test_another_pilots_la_is_refused_and_the_rest_kept(world):
    elsewhere = world.other_team.local_authorities.get()
    filters = _filter(world, {"la": [str(elsewhere.pk)], "quarter": "2026-q1"})
    assert "la" in filters.form.errors
    assert filters.scope().is_whole_pilot
    assert filters.quarter_value(QUARTERS[0]) == Quarter(2026, 1)


def test_quarter_range_picks_where_trends_start(world):
    filters = _filter(world, {"since": "2026-q1", "quarter": "2026-q2"})
    assert filters.since_value() == Quarter(2026, 1)


def test_approved_only_leaves_provisional_returns_out_of_the_scope(world):
    assert not _filter(world, None).scope().approved_only
    assert _filter(world, {"approved": "on"}).scope().approved_only


def test_each_quarter_choice_starts_with_its_default_once(world):
    fields = _filter(world, None).form.fields
    assert list(fields["quarter"].choices)[0] == ("", "2026-27 Q2 (latest past its deadline)")
    assert [label for value, label in fields["quarter"].choices if value == ""] == [
        "2026-27 Q2 (latest past its deadline)"
    ]
    assert [label for value, label in fields["since"].choices if value == ""] == ["Last 8 quarters"]
