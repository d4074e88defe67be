"""The second demo pilot, the practice network: fifteen councils with their GSS codes, its own
five-domain instrument and a history of returns and forums; and, with both demo pilots in one
database, neither pilot's people see anything of the other."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from fidelity.frameworks.selectors import current_framework_version
from fidelity.peer_review.models import PeerReview
from fidelity.returns.models import PrincipleScore, QAReturn, ReturnStatus
from forums.models import ForumSession, SessionStatus, SharedChallenge
from partners import access
from partners.demo import PRACTICE_NETWORK, seed_pilot
from partners.models import LocalAuthority, Pilot, Role, Team, User

NETWORK_CODES = {
    "Bradford": "E08000032",
    "Leeds": "E08000035",
    "Liverpool": "E08000012",
    "Newcastle upon Tyne": "E08000021",
    "Sheffield": "E08000039",
    "Birmingham": "E08000025",
    "Coventry": "E08000026",
    "Derby": "E06000015",
    "Leicester": "E06000016",
    "Nottingham": "E06000018",
    "Brighton and Hove": "E06000043",
    "Bristol": "E06000023",
    "Cornwall": "E06000052",
    "Norwich": "E07000148",
    "Plymouth": "E06000026",
}


@pytest.fixture
def network(db):
    return seed_pilot(password="demo-password-x", plan=PRACTICE_NETWORK).pilot


def test_the_network_has_fifteen_councils_in_three_regions_with_their_codes(network):
    assert network.name == "Practice network (demo)"
    assert sorted(network.zones.values_list("name", flat=True)) == [
        "Midlands",
        "North",
        "South and East",
    ]
    las = LocalAuthority.objects.filter(zone__pilot=network)
    assert dict(las.values_list("name", "gss_code")) == NETWORK_CODES
    assert network.organisations.count() == 7
    assert Team.objects.filter(organisation__pilot=network).count() == 15


def test_the_network_has_a_manager_a_facilitator_a_reviewer_and_a_leader_per_council(network):
    def holders(role):
        return set(
            User.objects.filter(
                role_assignments__pilot=network, role_assignments__role=role
            ).values_list("username", flat=True)
        )

    assert holders(Role.PILOT_MANAGER) == {"network-manager"}
    assert holders(Role.FACILITATOR) == {"network-facilitator"}
    assert holders(Role.REVIEWER) == {"network-reviewer"}
    assert len(holders(Role.TEAM_LEADER)) == 15
    leeds_lead = User.objects.get(username="lead-leeds")
    assert [t.name for t in access.teams_led_by(user=leeds_lead)] == ["Housing First Leeds"]
    assert User.objects.get(username="lead-newcastle-upon-tyne").check_password("demo-password-x")


def test_the_network_scores_on_its_own_five_domain_instrument(network):
    version = current_framework_version(pilot=network)
    assert version.framework.name == "Practice network review framework (demo)"
    assert (version.section_word, version.section_word_plural) == ("domain", "domains")
    assert version.report_title == "Practice network fidelity review"
    codes = list(version.principles.values_list("code", flat=True))
    assert codes == ["D1", "D2", "D3", "D4", "D5"]
    indicators = [i for p in version.principles.all() for i in p.indicators.all()]
    assert 20 <= len(indicators) <= 30
    assert all(i.plain_text for i in indicators)
    assert list(version.scale.values_list("label", flat=True)) == [
        "Not yet",
        "Emerging",
        "Established",
        "Embedded",
    ]
    assert list(version.bands.values_list("name", flat=True)) == [
        "Strong",
        "Developing",
        "Needs focus",
    ]


def test_the_network_has_returns_in_every_state_scored_by_domain(network):
    returns = QAReturn.objects.filter(team__organisation__pilot=network)
    assert set(returns.values_list("status", flat=True)) == set(ReturnStatus.values)
    assert returns.values("quarter_index").distinct().count() == 5  # four past and this one
    sent_back = returns.get(status=ReturnStatus.RETURNED)
    assert sent_back.team.name == "Housing First Plymouth"
    assert "evidence for D3" in sent_back.transitions.get(to_status="returned").comment
    stored = PrincipleScore.objects.filter(pilot=network)
    assert set(stored.values_list("principle_code", flat=True)) == {"D1", "D2", "D3", "D4", "D5"}
    reviews = PeerReview.objects.filter(team__organisation__pilot=network)
    assert reviews.count() == 3


def test_the_network_has_forum_sessions_on_its_domains(network):
    sessions = ForumSession.objects.filter(series__pilot=network)
    assert sorted(sessions.values_list("principle_code", flat=True)) == [
        "D1",
        "D2",
        "D3",
        "D4",
        "D5",
    ]
    assert sessions.filter(status=SessionStatus.PUBLISHED).count() == 4
    assert SharedChallenge.objects.filter(pilot=network).count() == 1


def test_the_network_dashboard_shows_its_councils_and_its_own_bands(client, network):
    client.force_login(User.objects.get(username="network-manager"))
    body = client.get(reverse("fidelity:dashboard")).content.decode()
    assert "Fidelity dashboard: Practice network (demo)" in body
    assert "Newcastle upon Tyne" in body
    assert "Strong from 3.2" in body and "Needs focus from 0.0" in body
    leeds = LocalAuthority.objects.get(name="Leeds")
    page = client.get(reverse("fidelity:la_dashboard", args=[leeds.pk])).content.decode()
    assert "ONS GSS code E08000035" in page


def test_managers_and_leaders_of_one_demo_pilot_see_nothing_of_the_other(client, db):
    call_command("seed_demo")
    gm = Pilot.objects.get(slug="gm-demo")
    network = Pilot.objects.get(slug="practice-network-demo")
    sides = {
        "manager": (gm, network, "Leeds", "Bolton"),
        "network-manager": (network, gm, "Bolton", "Leeds"),
    }
    for username, (own, other, other_la, own_la) in sides.items():
        user = User.objects.get(username=username)
        assert list(access.pilots_managed_by(user=user)) == [own]
        assert not access.teams_visible_to(user=user).filter(organisation__pilot=other).exists()
        client.force_login(user)
        la = LocalAuthority.objects.get(name=other_la)
        team = la.teams.get()
        qa_return = QAReturn.objects.filter(team=team).first()
        session = ForumSession.objects.filter(series__pilot=other).first()
        for url in (
            reverse("fidelity:la_dashboard", args=[la.pk]),
            reverse("fidelity:team_dashboard", args=[team.pk]),
            reverse("fidelity:return_detail", args=[qa_return.pk]),
            reverse("fidelity:return_tasks", args=[qa_return.pk]),
            reverse("forums:session_detail", args=[session.pk]),
        ):
            assert client.get(url).status_code == 404, (username, url)
        asked = client.get(reverse("fidelity:dashboard"), {"pilot": other.pk})
        assert asked.status_code == 404
        export = client.get(reverse("fidelity:dashboard_export", args=["heatmap-la", "csv"]))
        assert own_la in export.content.decode()
        assert other_la not in export.content.decode()
    leeds_lead = User.objects.get(username="lead-leeds")
    assert [t.name for t in access.teams_visible_to(user=leeds_lead)] == ["Housing First Leeds"]
    client.force_login(leeds_lead)
    bolton_return = QAReturn.objects.filter(team__name="Housing First Bolton").first()
    assert client.get(reverse("fidelity:return_detail", args=[bolton_return.pk])).status_code == 404
