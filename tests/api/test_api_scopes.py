"""Token scopes: every endpoint the API registers, asked by each role with a token of each
scope. A `read` token opens everything its person sees; a `figures` token only the structure,
frameworks, quarters, figures, published forum material and reports (with their PDFs), and gets
403 elsewhere. Either way the objects are only those the person sees on the pages.

The matrix lists the endpoints by hand; a test checks it against the URL patterns registered
under /api/v1/, so an endpoint added without its row fails here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.utils import timezone

from fidelity.frameworks.selectors import current_framework_version
from fidelity.frameworks.services import framework_revise
from partners.models import ApiToken
from tests.api.conftest import token_client

READ, FIGURES = "read", "figures"
SCOPES = (READ, FIGURES)
ROLES = ("manager", "own_leader", "facilitator", "reviewer")
EVERYONE = frozenset(ROLES)
MANAGER = frozenset({"manager"})
TEAM = frozenset({"manager", "own_leader"})
STRUCTURE = frozenset({"manager", "own_leader", "facilitator"})
PUBLIC = {"schema/", "docs/"}  # the schema and its page hold no data and need no token


@dataclass(frozen=True)
class Entry:
    needs: str  # the scope the endpoint needs
    sees: frozenset[str]  # roles answered 200 by a token that opens it; the others get 404
    object: Callable | None = None  # what <id> names (an object of the roles' own pilot)


def _framework(w):
    return current_framework_version(pilot=w.pilot)


def _revised_framework(w):
    """A new version of the pilots' framework, which continues the one their returns use."""
    return framework_revise(version=_framework(w), notes="Revised for the crosswalk.")


MATRIX: dict[str, Entry] = {
    "pilots/": Entry(FIGURES, EVERYONE),
    "pilots/<id>/": Entry(FIGURES, EVERYONE, lambda w: w.pilot),
    "zones/": Entry(FIGURES, EVERYONE),
    "zones/<id>/": Entry(FIGURES, STRUCTURE, lambda w: w.bolton.zone),
    "local-authorities/": Entry(FIGURES, EVERYONE),
    "local-authorities/<id>/": Entry(FIGURES, STRUCTURE, lambda w: w.bolton),
    "organisations/": Entry(FIGURES, EVERYONE),
    "organisations/<id>/": Entry(FIGURES, STRUCTURE, lambda w: w.bolton_team.organisation),
    "teams/": Entry(FIGURES, EVERYONE),
    "teams/<id>/": Entry(FIGURES, TEAM, lambda w: w.bolton_team),
    "frameworks/": Entry(FIGURES, EVERYONE),
    "frameworks/<id>/": Entry(FIGURES, EVERYONE, _framework),
    "frameworks/<id>/questionnaire/": Entry(FIGURES, EVERYONE, _framework),
    "frameworks/<id>/crosswalk/": Entry(FIGURES, EVERYONE, _revised_framework),
    "quarters/": Entry(FIGURES, MANAGER),
    "figures/": Entry(FIGURES, MANAGER),
    "returns/": Entry(READ, EVERYONE),
    "returns/<id>/": Entry(READ, TEAM, lambda w: w.submitted_return),
    "improvement-actions/": Entry(READ, EVERYONE),
    "improvement-actions/<id>/": Entry(READ, TEAM, lambda w: w.improvement_action),
    "forum-challenges/": Entry(FIGURES, EVERYONE),
    "forum-challenges/<id>/": Entry(FIGURES, EVERYONE, lambda w: w.challenge),
    "forum-actions/": Entry(FIGURES, EVERYONE),
    "forum-actions/<id>/": Entry(FIGURES, EVERYONE, lambda w: w.action),
    "reports/": Entry(FIGURES, EVERYONE),
    "reports/<id>/": Entry(FIGURES, TEAM, lambda w: w.report),
    "reports/<id>/pdf/": Entry(FIGURES, TEAM, lambda w: w.report),
}


def _registered() -> set[str]:
    """The routes mounted under /api/v1/, as the matrix spells them."""
    (api,) = [
        p
        for p in get_resolver().url_patterns
        if isinstance(p, URLResolver) and str(p.pattern) == "api/v1/"
    ]
    routes = set()
    for pattern in api.url_patterns:
        route = str(pattern.pattern).removeprefix("^").removesuffix("$")
        routes.add(re.sub(r"\(\?P<\w+>[^)]*\)", "<id>", route))
    return routes


def _url(world, endpoint: str) -> str:
    entry = MATRIX[endpoint]
    path = (
        endpoint if entry.object is None else endpoint.replace("<id>", str(entry.object(world).pk))
    )
    return f"/api/v1/{path}"


def _expected(endpoint: str, scope: str, role: str) -> int:
    entry = MATRIX[endpoint]
    if entry.needs == READ and scope == FIGURES:
        return 403
    return 200 if role in entry.sees else 404


def _body(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _users(world) -> dict:
    return {role: world.users()[role] for role in ROLES}


def test_the_matrix_has_a_row_for_every_endpoint_the_api_registers():
    assert set(MATRIX) | PUBLIC == _registered()


@pytest.mark.parametrize("endpoint", list(MATRIX))
def test_each_scope_and_role_gets_what_the_matrix_says(api_world, endpoint):
    answers = {}
    for role, user in _users(api_world).items():
        for scope in SCOPES:
            response = token_client(user, scope=scope).get(_url(api_world, endpoint))
            answers[role, scope] = response.status_code
            if response.status_code == 403:
                assert "'read'" in response.json()["detail"], (role, scope)
    expected = {(role, scope): _expected(endpoint, scope, role) for role, scope in answers}
    assert answers == expected


@pytest.mark.parametrize("endpoint", [e for e, entry in MATRIX.items() if entry.needs == FIGURES])
def test_a_figures_token_sees_exactly_what_a_read_token_of_the_same_person_sees(
    api_world, endpoint
):
    url = _url(api_world, endpoint)
    for role, user in _users(api_world).items():
        read = token_client(user, scope=READ).get(url, {"page_size": 500})
        figures = token_client(user, scope=FIGURES).get(url, {"page_size": 500})
        assert (figures.status_code, _body(figures)) == (read.status_code, _body(read)), role


@pytest.mark.parametrize("scope", SCOPES)
def test_a_team_leaders_token_of_either_scope_never_sees_another_team(api_world, scope):
    client = token_client(api_world.lead_bolton, scope=scope)
    others = (api_world.wigan_team, api_world.bury_team, api_world.other_team)

    def listed(endpoint: str, **query) -> set[int]:
        body = client.get(f"/api/v1/{endpoint}/", {"page_size": 500, **query}).json()
        return {row["id"] for row in body["results"]}

    assert listed("teams") == {api_world.bolton_team.pk}
    assert listed("local-authorities") == {api_world.bolton.pk}
    assert listed("reports") == {api_world.report.pk}
    for team in others:
        assert client.get(f"/api/v1/teams/{team.pk}/").status_code == 404
        assert not listed("teams", pilot=team.organisation.pilot_id) - {api_world.bolton_team.pk}
    for report in (api_world.wigan_report, api_world.north_report, api_world.other_report):
        assert client.get(f"/api/v1/reports/{report.pk}/pdf/").status_code == 404
    assert client.get("/api/v1/figures/").status_code == 404
    returns = client.get("/api/v1/returns/", {"page_size": 500})
    if scope == READ:
        teams = {row["team"] for row in returns.json()["results"]}
        assert teams == {api_world.bolton_team.pk}
    else:
        assert returns.status_code == 403


@pytest.mark.parametrize("endpoint", list(MATRIX))
def test_every_endpoint_refuses_an_expired_or_revoked_token_of_either_scope(api_world, endpoint):
    url = _url(api_world, endpoint)
    for scope in SCOPES:
        for state in ("expired", "revoked"):
            client = token_client(api_world.manager, scope=scope)
            token = ApiToken.objects.latest("pk")
            setattr(token, "expires" if state == "expired" else "revoked", timezone.now())
            token.save()
            response = client.get(url)
            assert response.status_code == 401, (scope, state)
            assert response["WWW-Authenticate"].startswith("Bearer"), (scope, state)


def test_tokens_made_before_scopes_read_everything(api_world):
    """A token with the default scope (as every token made before scopes) opens every endpoint."""
    client = token_client(api_world.manager)
    assert ApiToken.objects.get().scope == READ
    assert client.get("/api/v1/returns/").status_code == 200


def test_the_token_page_offers_the_scopes_and_lists_each_tokens(world):
    client = Client()
    client.force_login(world.manager)
    page = client.get("/accounts/api-tokens/").content.decode()
    assert "Figures and structure only" in page and "Everything you can see" in page
    assert re.search(r'<input[^>]*value="read"[^>]*checked', page)
    response = client.post(
        "/accounts/api-tokens/",
        {"create": "1", "name": "Dashboard tool", "days": "30", "scope": FIGURES},
    )
    secret = re.search(r"hfqa_[0-9a-f]{12}_[\w-]+", response.content.decode()).group(0)
    assert ApiToken.objects.get(name="Dashboard tool").scope == FIGURES
    assert "Figures and structure only" in client.get("/accounts/api-tokens/").content.decode()
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/figures/").status_code == 200
    assert api.get("/api/v1/returns/").status_code == 403
    # A scope that is not one is an error next to the field, and what was typed stays.
    response = client.post(
        "/accounts/api-tokens/", {"create": "1", "name": "Kept", "days": "30", "scope": "all"}
    )
    assert "Select a valid choice" in response.content.decode()
    assert 'value="Kept"' in response.content.decode()
    assert not ApiToken.objects.filter(name="Kept").exists()


def test_create_api_token_makes_a_token_of_the_scope_asked(world, capsys):
    call_command("create_api_token", "manager", "--scope", "figures", "--name", "Warehouse")
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    assert ApiToken.objects.get(name="Warehouse").scope == FIGURES
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/pilots/").status_code == 200
    assert api.get("/api/v1/improvement-actions/").status_code == 403


def test_the_admin_lists_each_tokens_scope(client, world):
    from tests import factories

    token_client(world.manager, scope=FIGURES)
    client.force_login(factories.UserFactory(is_staff=True, is_superuser=True))
    page = client.get("/admin/partners/apitoken/").content.decode()
    assert "Figures and structure only" in page
    assert client.get("/admin/partners/apitoken/", {"scope__exact": FIGURES}).status_code == 200


def test_the_schema_describes_the_scopes_and_which_opens_each_operation(db):
    schema = Client().get("/api/v1/schema/", {"format": "json"}).json()
    described = schema["components"]["securitySchemes"]["bearerAuth"]["description"]
    assert "'figures'" in described and "'read'" in described
    for endpoint, entry in MATRIX.items():
        path = "/api/v1/" + endpoint.replace("<id>", "{id}")
        opens = "read or figures" if entry.needs == FIGURES else "read"
        description = schema["paths"][path]["get"]["description"]
        assert description.endswith(f"Token scope: {opens}."), endpoint
    page = Client().get("/api/v1/docs/").content.decode()
    assert "figures and structure only" in page and "Token scope: read or figures." in page
