"""The schema validates, the docs page lists every endpoint without script, calls are rate
limited per token, and no query string makes a 500."""

from __future__ import annotations

import pytest
from django.test import Client
from openapi_spec_validator import validate

from partners.api_tokens import TokenRateThrottle
from tests.api.conftest import token_client

ENDPOINTS = [
    "pilots",
    "zones",
    "local-authorities",
    "organisations",
    "teams",
    "frameworks",
    "quarters",
    "returns",
    "improvement-actions",
    "figures",
    "forum-challenges",
    "forum-actions",
    "reports",
]


@pytest.fixture
def schema(db) -> dict:
    response = Client().get("/api/v1/schema/", {"format": "json"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi+json")
    return response.json()


def test_the_schema_is_valid_openapi_3_and_covers_every_endpoint(schema):
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert {f"/api/v1/{name}/" for name in ENDPOINTS} <= set(schema["paths"])
    figures = schema["paths"]["/api/v1/figures/"]["get"]
    assert {p["name"] for p in figures["parameters"]} == {"by", "pilot", "quarter"}
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    (pk,) = schema["paths"]["/api/v1/returns/{id}/"]["get"]["parameters"]
    assert pk["schema"]["type"] == "integer"


def test_the_docs_page_lists_the_endpoints_and_needs_no_script(db):
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    for name in ENDPOINTS:
        assert f"/api/v1/{name}/" in page
    assert "<script>" not in page and "cdn" not in page.lower()
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


def test_a_token_over_its_rate_gets_429_with_retry_after(world, monkeypatch):
    monkeypatch.setattr(TokenRateThrottle, "THROTTLE_RATES", {"token": "3/minute"})
    client = token_client(world.manager)
    assert [client.get("/api/v1/pilots/").status_code for _ in range(3)] == [200] * 3
    response = client.get("/api/v1/pilots/")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    assert "throttled" in response.json()["detail"].lower()
    # Another person's token has its own allowance.
    assert token_client(world.other_manager).get("/api/v1/pilots/").status_code == 200


QUERIES = [
    {"quarter": "nonsense"},
    {"quarter": "2026-q9"},
    {"quarter": "99999-q1"},
    {"quarter": "0000-q1"},
    {"quarter": "１２３４-q1"},
    {"by": "xyz"},
    {"by": ""},
    {"page": "-1"},
    {"page": "0"},
    {"page": "abc"},
    {"page": "99999999999999999999999"},
    {"page_size": "-5"},
    {"page_size": "10000000000"},
    {"pilot": "-1"},
    {"pilot": "1e9"},
    {"pilot": "99999999999999999999999"},
    {"pilot": "٣"},
    {"team": "9223372036854775808"},
    {"pilot": "🏠", "quarter": "🏠", "by": "🏠", "page": "🏠"},
    {"format": "xml"},
    {"pilot": "\x00"},
]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_no_query_string_makes_a_500(world, endpoint):
    client = token_client(world.manager)
    for query in QUERIES:
        response = client.get(f"/api/v1/{endpoint}/", query)
        assert response.status_code in (200, 400, 404), (query, response.status_code)
        assert response["Content-Type"] == "application/json", query
    for pk in ("0", "-1", "99999999999999999999", "abc"):
        response = client.get(f"/api/v1/{endpoint}/{pk}/")
        assert response.status_code == 404, pk
