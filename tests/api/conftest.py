"""The API tests' world is the security tests' (two pilots, every role, one object of each kind
in each), and a client per person that sends a fresh token of theirs."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from partners.api_tokens import api_token_create
from tests.security.conftest import secure_world  # noqa: F401 (a fixture)


def token_client(user, **create) -> APIClient:
    client = APIClient()
    if user is not None:
        secret = api_token_create(user=user, name="test", **create).secret
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


@pytest.fixture
def api_as():
    """`api_as(user)`: a client calling the API with a token of `user` (None: no token)."""
    return token_client
