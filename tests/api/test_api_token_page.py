"""Each person makes, sees and revokes their own API tokens on their account page."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from partners.api_tokens import api_token_check, api_token_create
from partners.models import ApiToken, SecurityEvent, SecurityEventKind
from partners.privacy import person_data
from tests import factories

pytestmark = pytest.mark.django_db

PAGE = "/accounts/api-tokens/"


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_new_token_is_shown_once_and_works(world):
    client = _client(world.lead_bolton)
    response = client.post(
        PAGE, {"create": "1", "name": "Bolton analyst", "days": "30", "scope": "read"}
    )
    page = response.content.decode()
    secret = re.search(r"hfqa_[0-9a-f]{12}_[\w-]+", page).group(0)
    assert api_token_check(secret=secret).user == world.lead_bolton
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.API_TOKEN_CREATED).count() == 1
    again = client.get(PAGE).content.decode()
    assert "Bolton analyst" in again and secret not in again


def test_a_name_is_needed_and_what_was_typed_stays(world):
    response = _client(world.manager).post(PAGE, {"create": "1", "name": "", "days": "400"})
    page = response.content.decode()
    assert "This field is required" in page
    assert "at most 365" in page.lower() or "less than or equal to 365" in page
    assert 'value="400"' in page
    assert not ApiToken.objects.exists()


def test_the_page_lists_only_ones_own_tokens_and_revokes_them(world):
    mine = api_token_create(user=world.manager, name="Mine")
    theirs = api_token_create(user=world.other_manager, name="Theirs")
    client = _client(world.manager)
    page = client.get(PAGE).content.decode()
    assert "Mine" in page and "Theirs" not in page
    client.post(PAGE, {"revoke": str(theirs.token.pk)})
    assert api_token_check(secret=theirs.secret) is not None
    client.post(PAGE, {"revoke": str(mine.token.pk)})
    assert api_token_check(secret=mine.secret) is None
    assert "revoked" in client.get(PAGE).content.decode()
    for junk in ("abc", "-1", "99999999999999999999999", ""):
        assert client.post(PAGE, {"revoke": junk}).status_code == 302


def test_signed_out_people_are_sent_to_sign_in(db):
    assert Client().get(PAGE).status_code == 302


def test_a_subject_access_export_lists_tokens_without_their_hash(world):
    api_token_create(user=world.manager, name="Power BI")
    (token,) = person_data(user=world.manager)["records"]["partners.apitoken"]
    assert token["fields"]["name"] == "Power BI"
    assert "hashed_key" not in token["fields"]


def test_an_administrator_sees_tokens_without_their_hash_and_revokes_one(client, world):
    new = api_token_create(user=world.manager, name="Power BI")
    administrator = factories.UserFactory(is_staff=True, is_superuser=True)
    client.force_login(administrator)
    changelist = client.get(reverse("admin:partners_apitoken_changelist"))
    assert "Power BI" in changelist.content.decode()
    assert new.token.hashed_key not in changelist.content.decode()
    detail = client.get(reverse("admin:partners_apitoken_change", args=[new.token.pk]))
    assert new.token.hashed_key not in detail.content.decode()
    client.post(
        reverse("admin:partners_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [new.token.pk]},
    )
    assert api_token_check(secret=new.secret) is None
    event = SecurityEvent.objects.get(kind=SecurityEventKind.API_TOKEN_REVOKED)
    assert event.user == administrator and "manager" in event.detail
