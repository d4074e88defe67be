"""The security settings that production relies on, checked as the browser sees them."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse


def test_the_content_security_policy_allows_no_inline_script(client, db):
    policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy


def test_pages_cannot_be_framed_and_say_what_they_share(client, db):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "geolocation=()" in response["Permissions-Policy"]


def test_sessions_end_after_a_working_day_or_when_the_browser_closes():
    assert settings.SESSION_COOKIE_AGE <= 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY


@pytest.mark.parametrize("password", ["short1", "password123", "12345678901234"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_five_failed_sign_ins_lock_the_account(client, world):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "lead-bolton", "password": "wrong"})
    response = client.post(
        reverse("login"), {"username": "lead-bolton", "password": "correct-horse-battery"}
    )
    assert response.status_code == 429 or response.status_code == 403
    assert "_auth_user_id" not in client.session
