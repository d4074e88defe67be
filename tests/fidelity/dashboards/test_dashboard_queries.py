"""The dashboards run a fixed, small number of queries whatever the size of the pilot."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from common.quarters import Quarter
from fidelity.frameworks.selectors import current_framework_version
from fidelity.measures.models import MeasureValue, PilotMeasure
from fidelity.returns.models import PrincipleScore, QAReturn, ReturnStatus
from partners.models import LocalAuthority, Organisation, Team, Zone
from tests import factories
from tests.fidelity.factories import use_default_framework

pytestmark = pytest.mark.django_db

# The pilot dashboard: session, user, the person's roles with their pilots (which the navigation
# shares), the scored quarters, the filters' LAs and organisations, the framework's principles
# and bands, then the figures: the teams in scope with their LAs (every heat map's groups), their
# counted returns' statuses and scores, means over the trend window, the counted returns by
# quarter (completeness and caseload), the returns status. The budget is 15.
# One of them reads the pilot's own measures (names, kinds, order): the caseload query needs their
# ids to join their values, which it then sums with the standard figures (no query per measure).
# The measures cannot ride in an earlier query on both SQLite and PostgreSQL: that needs rows
# gathered into a list, which Django 5.2 aggregates only on PostgreSQL.
PILOT_QUERIES = 15
# The panels alone (the filter form's htmx request): the same.
PANELS_QUERIES = 15
# An LA's page: no pilot picker or filter form, but the LA and the scored quarters.
LA_QUERIES = 15
# The team dashboard reads the figures twice, for the team and for the whole pilot (the measures
# once, for both).
TEAM_QUERIES = 21
LAST = Quarter(2026, 2)


def build_pilot(pilot, *, las: int, quarters: int) -> list[Team]:
    """`las` local authorities in four zones, one team each, every team scored every quarter."""
    use_default_framework(pilot)
    version = current_framework_version(pilot=pilot)
    principles = list(version.principles.all())
    zones = Zone.objects.bulk_create(Zone(pilot=pilot, name=f"Zone {z}") for z in range(4))
    authorities = LocalAuthority.objects.bulk_create(
        LocalAuthority(zone=zones[i % 4], name=f"Borough {i}", slug=f"borough-{i}")
        for i in range(las)
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(pilot=pilot, name=f"Partner {o}") for o in range(11)
    )
    teams = Team.objects.bulk_create(
        Team(organisation=organisations[i % 11], name=f"Team {i}") for i in range(las)
    )
    Team.local_authorities.through.objects.bulk_create(
        Team.local_authorities.through(team_id=t.pk, localauthority_id=la.pk)
        for t, la in zip(teams, authorities, strict=True)
    )
    returns = []
    for q in LAST.back(quarters):
        for i, team in enumerate(teams):
            returns.append(
                QAReturn(
                    team=team,
                    framework_version=version,
                    year=q.year,
                    quarter=q.number,
                    quarter_index=q.index,
                    deadline=q.deadline(),
                    status=ReturnStatus.APPROVED if i % 3 else ReturnStatus.SUBMITTED,
                    submitted_at=timezone.make_aware(
                        datetime.datetime.combine(q.end, datetime.time(12))
                    ),
                    people_supported=6 + i % 3,
                    tenancies_sustained=5,
                    tenancies_ended=1,
                    ended_unknown=i % 2,
                    staff_fte=Decimal("1.0"),
                    overall_score=Decimal("3.00"),
                )
            )
    QAReturn.objects.bulk_create(returns)
    PrincipleScore.objects.bulk_create(
        PrincipleScore(
            qa_return=r,
            principle=p,
            principle_code=p.code,
            team_id=r.team_id,
            pilot=pilot,
            quarter_index=r.quarter_index,
            score=Decimal(1 + (r.quarter_index + n + r.team_id) % 4),
            scored_count=4,
            not_assessed_count=n % 2,
        )
        for r in returns
        for n, p in enumerate(principles)
    )
    return teams


@pytest.mark.parametrize(("las", "quarters"), [(10, 6), (40, 20)])
def test_pilot_dashboard_query_count_does_not_grow_with_the_pilot(
    client, django_assert_num_queries, las, quarters
):
    pilot = factories.PilotFactory()
    build_pilot(pilot, las=las, quarters=quarters)
    client.force_login(factories.manager(pilot))
    with django_assert_num_queries(PILOT_QUERIES):
        response = client.get(reverse("fidelity:dashboard"), {"since": LAST.back(quarters)[0].slug})
    assert response.status_code == 200
    assert f"Borough {las - 1}" in response.content.decode()


@pytest.mark.parametrize(("las", "quarters"), [(10, 6), (40, 20)])
def test_filtered_dashboard_query_count_does_not_grow_with_the_pilot(
    client, django_assert_num_queries, las, quarters
):
    pilot = factories.PilotFactory()
    teams = build_pilot(pilot, las=las, quarters=quarters)
    client.force_login(factories.manager(pilot))
    zone = teams[0].local_authorities.get().zone_id
    organisation = teams[0].organisation_id
    with django_assert_num_queries(PANELS_QUERIES):
        response = client.get(
            reverse("fidelity:dashboard"),
            {"zone": zone, "organisation": organisation, "quarter": LAST.slug},
            HTTP_HX_REQUEST="true",
        )
    assert response.status_code == 200
    assert "Team 0" in response.content.decode()


@pytest.mark.parametrize(("las", "quarters"), [(10, 6), (40, 20)])
def test_team_dashboard_query_count_does_not_grow_with_the_pilot(
    client, django_assert_num_queries, las, quarters
):
    pilot = factories.PilotFactory()
    teams = build_pilot(pilot, las=las, quarters=quarters)
    leader = factories.team_leader(teams[0])
    client.force_login(leader)
    with django_assert_num_queries(TEAM_QUERIES):
        response = client.get(reverse("fidelity:team_dashboard", args=[teams[0].pk]))
    assert response.status_code == 200
    assert "Team 0: team dashboard" in response.content.decode()


@pytest.mark.parametrize(("las", "quarters"), [(10, 6), (40, 20)])
def test_la_drill_down_query_count_does_not_grow_with_the_pilot(
    client, django_assert_num_queries, las, quarters
):
    pilot = factories.PilotFactory()
    teams = build_pilot(pilot, las=las, quarters=quarters)
    client.force_login(factories.manager(pilot))
    la = teams[0].local_authorities.get()
    with django_assert_num_queries(LA_QUERIES):
        response = client.get(reverse("fidelity:la_dashboard", args=[la.pk]))
    assert response.status_code == 200
    assert "Team 0" in response.content.decode()


# Served from the cache: session, user, and the person's roles with their pilots (and the data
# version that keys the cache). Nothing of the figures.
CACHED_QUERIES = 3


def test_a_dashboard_served_from_the_cache_reads_only_the_manager_and_their_pilots(
    client, django_assert_num_queries
):
    pilot = factories.PilotFactory()
    build_pilot(pilot, las=10, quarters=6)
    client.force_login(factories.manager(pilot))
    client.get(reverse("fidelity:dashboard"))
    with django_assert_num_queries(CACHED_QUERIES):
        cached = client.get(reverse("fidelity:dashboard"))
    assert cached.status_code == 200
    assert 'id="heatmap-la"' in cached.content.decode()
    assert "Borough 9" in cached.content.decode()


def test_a_pilots_own_measures_add_no_query_however_many(client, django_assert_num_queries):
    pilot = factories.PilotFactory()
    teams = build_pilot(pilot, las=10, quarters=6)
    measures = PilotMeasure.objects.bulk_create(
        PilotMeasure(pilot=pilot, name=f"Measure {n}", position=n) for n in range(4)
    )
    MeasureValue.objects.bulk_create(
        MeasureValue(qa_return=r, measure=m, value=n + 1)
        for r in QAReturn.objects.filter(team__organisation__pilot=pilot)
        for n, m in enumerate(measures)
    )
    client.force_login(factories.manager(pilot))
    with django_assert_num_queries(PILOT_QUERIES):
        response = client.get(reverse("fidelity:dashboard"), {"quarter": LAST.slug})
    assert "Measure 3" in response.content.decode()
    client.force_login(factories.team_leader(teams[0]))
    with django_assert_num_queries(TEAM_QUERIES):
        response = client.get(reverse("fidelity:team_dashboard", args=[teams[0].pk]))
    assert "Measure 3" in response.content.decode()
