"""Only a live personal token opens the API; each call is in the security trail."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from partners.api_tokens import api_token_check, api_token_create, api_token_revoke
from partners.models import ApiToken, SecurityEvent, SecurityEventKind

pytestmark = pytest.mark.django_db

PILOTS = "/api/v1/pilots/"


def _bearer(secret: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def _is_refused(response) -> None:
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "Bearer" in response.json()["detail"]


def test_a_live_token_reads_as_its_person_and_the_call_is_a_security_event(world):
    new = api_token_create(user=world.manager, name="Power BI")
    response = _bearer(new.secret).get(PILOTS)
    assert response.status_code == 200
    assert [p["name"] for p in response.json()["results"]] == ["Test pilot"]
    event = SecurityEvent.objects.get(kind=SecurityEventKind.API_CALL)
    assert (event.user, event.path) == (world.manager, PILOTS)
    assert ApiToken.objects.get().last_used is not None


def test_the_token_is_stored_only_as_a_hash(world):
    new = api_token_create(user=world.manager, name="Power BI")
    stored = ApiToken.objects.get()
    assert new.secret.startswith(f"hfqa_{stored.prefix}_")
    assert new.secret not in (stored.hashed_key, stored.prefix)
    assert len(stored.hashed_key) == 64
    assert stored.expires.date() == (timezone.now() + datetime.timedelta(days=365)).date()


@pytest.mark.parametrize(
    "header",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Token abc",
        "Basic bWFuYWdlcjpwYXNzd29yZA==",
        "Bearer hfqa_",
        "Bearer hfqa_nope_nope",
        "Bearer not-a-token",
        "Bearer hfqa_" + "a" * 500,
        "Bearer 🏠",
    ],
)
def test_no_valid_token_is_401_and_recorded(world, header):
    client = APIClient()
    if header is not None:
        client.credentials(HTTP_AUTHORIZATION=header)
    _is_refused(client.get(PILOTS))
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.API_REJECTED).count() == 1
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.API_CALL).exists()


def test_a_wrong_secret_with_a_real_prefix_is_401(world):
    new = api_token_create(user=world.manager, name="Power BI")
    _is_refused(_bearer(new.secret[:-2] + "xx").get(PILOTS))


def test_an_expired_token_is_401(world):
    new = api_token_create(user=world.manager, name="Power BI", days=1)
    ApiToken.objects.update(expires=timezone.now() - datetime.timedelta(seconds=1))
    _is_refused(_bearer(new.secret).get(PILOTS))


def test_a_revoked_token_is_401(world):
    new = api_token_create(user=world.manager, name="Power BI")
    assert api_token_revoke(user=world.manager, pk=new.token.pk)
    _is_refused(_bearer(new.secret).get(PILOTS))


def test_nobody_revokes_another_persons_token(world):
    new = api_token_create(user=world.manager, name="Power BI")
    assert not api_token_revoke(user=world.other_manager, pk=new.token.pk)
    assert api_token_check(secret=new.secret) == new.token


def test_a_deactivated_persons_token_is_401(world):
    new = api_token_create(user=world.manager, name="Power BI")
    world.manager.is_active = False
    world.manager.save()
    _is_refused(_bearer(new.secret).get(PILOTS))


def test_a_signed_in_session_does_not_open_the_api(world):
    client = Client()
    client.force_login(world.manager)
    response = client.get(PILOTS)
    assert response.status_code == 401


def test_create_api_token_prints_a_working_token_on_its_last_line(world, capsys):
    call_command("create_api_token", "manager", "--name", "Warehouse", "--days", "30")
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    token = api_token_check(secret=secret)
    assert token is not None and token.name == "Warehouse" and token.user == world.manager
    assert _bearer(secret).get(PILOTS).status_code == 200
