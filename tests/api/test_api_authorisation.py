"""Who sees what through the API: every endpoint asked by every role, with a token.

A token sees exactly what its person sees on the pages: each row names, per role, the objects
the endpoint lists; the other pilot's objects are never listed and answer 404 one by one.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.utils import timezone

from fidelity.frameworks.models import Framework, FrameworkVersion
from partners.models import ApiToken
from tests.api.conftest import token_client

ROLES = [
    "own_leader",
    "other_leader",
    "facilitator",
    "reviewer",
    "manager",
    "other_manager",
    "administrator",
]
IN_PILOT = {"own_leader", "other_leader", "facilitator", "reviewer", "manager"}


def _only(table: dict[str, Callable]) -> Callable:
    """Per role, the objects it sees (a function of the world); roles not named see none."""
    return lambda w: {
        role: {o.pk for o in table[role](w)} if role in table else set() for role in ROLES
    }


def _in_pilot(ours: Callable, theirs: Callable) -> Callable:
    return _only({**dict.fromkeys(IN_PILOT, ours), "other_manager": theirs})


STRUCTURE_SEERS = ("manager", "facilitator")

ENDPOINTS: dict[str, tuple[Callable, Callable]] = {
    # endpoint: (who sees which objects, an object of the other pilot)
    "pilots": (_in_pilot(lambda w: [w.pilot], lambda w: [w.other_pilot]), lambda w: w.other_pilot),
    "zones": (
        _only(
            {
                **dict.fromkeys(STRUCTURE_SEERS, lambda w: [w.bolton.zone, w.bury.zone]),
                "own_leader": lambda w: [w.bolton.zone],
                "other_leader": lambda w: [w.wigan.zone],
                "other_manager": lambda w: [w.other_team.local_authorities.get().zone],
            }
        ),
        lambda w: w.other_team.local_authorities.get().zone,
    ),
    "local-authorities": (
        _only(
            {
                **dict.fromkeys(STRUCTURE_SEERS, lambda w: [w.bolton, w.wigan, w.bury]),
                "own_leader": lambda w: [w.bolton],
                "other_leader": lambda w: [w.wigan],
                "other_manager": lambda w: list(w.other_team.local_authorities.all()),
            }
        ),
        lambda w: w.other_team.local_authorities.get(),
    ),
    "organisations": (
        _only(
            {
                **dict.fromkeys(
                    STRUCTURE_SEERS,
                    lambda w: [w.bolton_team.organisation, w.bury_team.organisation],
                ),
                "own_leader": lambda w: [w.bolton_team.organisation],
                "other_leader": lambda w: [w.wigan_team.organisation],
                "other_manager": lambda w: [w.other_team.organisation],
            }
        ),
        lambda w: w.other_team.organisation,
    ),
    "teams": (
        _only(
            {
                "manager": lambda w: [w.bolton_team, w.wigan_team, w.bury_team],
                "own_leader": lambda w: [w.bolton_team],
                "other_leader": lambda w: [w.wigan_team],
                "other_manager": lambda w: [w.other_team],
            }
        ),
        lambda w: w.other_team,
    ),
    "returns": (
        _only(
            {
                "manager": lambda w: [w.draft_return, w.submitted_return],
                "own_leader": lambda w: [w.draft_return, w.submitted_return],
                "other_manager": lambda w: [w.other_return],
            }
        ),
        lambda w: w.other_return,
    ),
    "improvement-actions": (
        _only(
            {
                "manager": lambda w: [w.improvement_action],
                "own_leader": lambda w: [w.improvement_action],
                "other_manager": lambda w: [w.other_improvement_action],
            }
        ),
        lambda w: w.other_improvement_action,
    ),
    "forum-challenges": (
        _in_pilot(lambda w: [w.challenge], lambda w: [w.other_challenge]),
        lambda w: w.other_challenge,
    ),
    "forum-actions": (
        _in_pilot(lambda w: [w.action], lambda w: [w.other_action]),
        lambda w: w.other_action,
    ),
    "reports": (
        _only(
            {
                "manager": lambda w: [
                    w.report,
                    w.wigan_report,
                    w.north_report,
                    w.northern_lights_report,
                ],
                "own_leader": lambda w: [w.report],
                "other_leader": lambda w: [w.report, w.wigan_report],
                "other_manager": lambda w: [w.other_report],
            }
        ),
        lambda w: w.other_report,
    ),
}


def _listed(client, endpoint: str) -> set[int]:
    response = client.get(f"/api/v1/{endpoint}/", {"page_size": 500})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["results"])
    return {row["id"] for row in body["results"]}


@pytest.mark.parametrize("endpoint", list(ENDPOINTS))
def test_each_role_lists_what_it_sees_on_the_pages_and_nothing_of_another_pilot(
    api_world, endpoint
):
    seen, theirs = ENDPOINTS[endpoint]
    expected = seen(api_world)
    users = api_world.users()
    for role in ROLES:
        client = token_client(users[role])
        assert _listed(client, endpoint) == expected[role], role
        for pk in expected[role]:
            assert client.get(f"/api/v1/{endpoint}/{pk}/").status_code == 200, role
        if role in IN_PILOT:
            assert client.get(f"/api/v1/{endpoint}/{theirs(api_world).pk}/").status_code == 404


@pytest.mark.parametrize("endpoint", [*ENDPOINTS, "figures", "quarters", "frameworks"])
@pytest.mark.parametrize("token", ["none", "expired", "revoked"])
def test_every_endpoint_refuses_a_missing_expired_or_revoked_token(api_world, endpoint, token):
    client = token_client(None if token == "none" else api_world.manager)
    if token == "expired":
        ApiToken.objects.update(expires=timezone.now())
    if token == "revoked":
        ApiToken.objects.update(revoked=timezone.now())
    response = client.get(f"/api/v1/{endpoint}/")
    assert response.status_code == 401
    assert response.has_header("WWW-Authenticate")


def test_a_team_leaders_token_never_sees_another_team(api_world):
    client = token_client(api_world.lead_bolton)
    assert _listed(client, "teams") == {api_world.bolton_team.pk}
    assert _listed(client, "local-authorities") == {api_world.bolton.pk}
    for team in (api_world.wigan_team, api_world.bury_team, api_world.other_team):
        assert client.get(f"/api/v1/teams/{team.pk}/").status_code == 404
        assert client.get("/api/v1/returns/", {"team": team.pk}).json()["count"] == 0
        assert (
            client.get("/api/v1/teams/", {"pilot": team.organisation.pilot_id}).json()["count"] <= 1
        )
    assert client.get("/api/v1/figures/").status_code == 404


@pytest.mark.parametrize("endpoint", ["figures", "quarters"])
def test_figures_and_quarters_are_for_the_managers_of_the_pilot(api_world, endpoint):
    users = api_world.users()
    for role in ROLES:
        response = token_client(users[role]).get(f"/api/v1/{endpoint}/")
        expected = 200 if role in ("manager", "other_manager") else 404
        assert response.status_code == expected, role
    other = token_client(api_world.other_manager)
    assert other.get(f"/api/v1/{endpoint}/", {"pilot": api_world.pilot.pk}).status_code == 404


def test_frameworks_are_those_of_the_pilots_one_sees(api_world):
    for role, user in api_world.users().items():
        if user is None:
            continue
        listed = _listed(token_client(user), "frameworks")
        assert (len(listed) == 1) == (role != "administrator"), role


def test_evidence_is_in_a_return_for_those_who_open_it(api_world):
    qa_return = api_world.submitted_return
    qa_return.scores.update(evidence="Invented evidence")
    for role in ("manager", "own_leader"):
        body = token_client(api_world.users()[role]).get(f"/api/v1/returns/{qa_return.pk}/").json()
        assert {s["evidence"] for s in body["scores"]} == {"Invented evidence"}
        assert body["status"] == "submitted" and body["section_scores"]
    for role in ("other_leader", "facilitator", "reviewer", "other_manager"):
        response = token_client(api_world.users()[role]).get(f"/api/v1/returns/{qa_return.pk}/")
        assert response.status_code == 404, role


def test_a_local_authority_carries_its_ons_gss_code(api_world):
    api_world.bolton.gss_code = "E08000001"
    api_world.bolton.save()
    client = token_client(api_world.lead_bolton)
    body = client.get(f"/api/v1/local-authorities/{api_world.bolton.pk}/").json()
    assert body["gss_code"] == "E08000001"


def test_a_framework_comes_as_its_fhir_questionnaire_to_those_who_see_it(api_world):
    from fhir.resources.R4B.questionnaire import Questionnaire

    client = token_client(api_world.lead_bolton)
    (framework,) = client.get("/api/v1/frameworks/").json()["results"]
    response = client.get(f"/api/v1/frameworks/{framework['id']}/questionnaire/")

    questionnaire = Questionnaire.model_validate(response.json())
    assert f"{questionnaire.url}|{questionnaire.version}" == framework["questionnaire"]
    assert len(questionnaire.item) == len(framework["sections"])
    # A framework version no pilot of theirs uses is not theirs to read.
    stranger = FrameworkVersion.objects.create(
        framework=Framework.objects.create(name="Another network's framework"), number=1
    )
    assert client.get(f"/api/v1/frameworks/{stranger.pk}/questionnaire/").status_code == 404
