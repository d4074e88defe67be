"""Sign-in lockouts are per account and address: an attacker guessing one account's password is
stopped, a colleague at the next desk (same office address) is not, and the locked-out person
gets back in by resetting their password."""

import re

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from partners.audit import client_ip
from partners.models import SecurityEvent, SecurityEventKind

from ..factories import PASSWORD

OFFICE = "192.0.2.10"
PROXY = "10.0.0.1"
NEW_PASSWORD = "a-fresh-long-passphrase"


def _sign_in(client, username, password, **meta):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=OFFICE, **meta
    )


def _fail_until_locked(client, settings, username, **meta):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, username, "not-the-password", **meta)


def test_an_attacker_guessing_one_account_is_locked_out_of_it(client, world, settings):
    _fail_until_locked(client, settings, "lead-bolton")
    response = _sign_in(client, "lead-bolton", PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_colleague_at_the_same_address_still_signs_in(client, world, settings):
    _fail_until_locked(client, settings, "lead-bolton")
    response = _sign_in(client, "lead-wigan", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_the_same_account_from_another_address_is_not_locked(client, world, settings):
    _fail_until_locked(client, settings, "lead-bolton")
    response = client.post(
        reverse("login"),
        {"username": "lead-bolton", "password": PASSWORD},
        REMOTE_ADDR="198.51.100.20",
    )
    assert response.status_code == 302


def test_failures_for_a_name_that_does_not_exist_lock_nobody_real(client, world, settings):
    _fail_until_locked(client, settings, "no-such-person")
    assert _sign_in(client, "no-such-person", "still-wrong").status_code == 429
    assert _sign_in(client, "lead-bolton", PASSWORD).status_code == 302


def test_the_locked_page_says_how_long_in_words_and_offers_a_reset(client, world, settings):
    _fail_until_locked(client, settings, "lead-bolton")
    page = _sign_in(client, "lead-bolton", PASSWORD).content.decode()
    assert "paused for 15 minutes" in page
    assert "PT15M" not in page
    assert f'href="{reverse("password_reset")}"' in page


def test_a_password_reset_lifts_the_lockout(client, world, settings, mailoutbox):
    _fail_until_locked(client, settings, "lead-bolton")
    client.post(reverse("password_reset"), {"email": world.lead_bolton.email}, REMOTE_ADDR=OFFICE)
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+/)", mailoutbox[0].body).group(1)
    form_url = client.get(link, REMOTE_ADDR=OFFICE).url
    done = client.post(
        form_url,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        REMOTE_ADDR=OFFICE,
    )
    assert done.url == reverse("password_reset_complete")
    assert _sign_in(client, "lead-bolton", NEW_PASSWORD).status_code == 302


def test_behind_a_proxy_the_client_it_names_is_locked_whatever_the_client_adds(
    client, world, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("login"),
            {"username": "lead-bolton", "password": "not-the-password"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 100}, 198.51.100.7",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"198.51.100.7"}
    assert set(
        SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN_FAILED).values_list(
            "ip_address", flat=True
        )
    ) == {"198.51.100.7"}

    def sign_in_through_the_proxy(username, forwarded_for):
        return client.post(
            reverse("login"),
            {"username": username, "password": PASSWORD},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded_for,
        )

    assert (
        sign_in_through_the_proxy("lead-bolton", "203.0.113.250, 198.51.100.7").status_code == 429
    )
    assert sign_in_through_the_proxy("lead-bolton", "198.51.100.8").status_code == 302
    client.logout()
    assert sign_in_through_the_proxy("lead-wigan", "198.51.100.7").status_code == 302


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "expected"),
    [
        (0, "203.0.113.1, 198.51.100.7", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (1, "198.51.100.7", "198.51.100.7"),
        (1, "203.0.113.1, 198.51.100.7", "198.51.100.7"),
        (1, "203.0.113.1,198.51.100.7 ", "198.51.100.7"),
        (2, "203.0.113.1, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        (2, "198.51.100.7", "10.0.0.1"),
        (1, "203.0.113.1, not-an-address", "10.0.0.1"),
        (1, "2001:db8::7", "2001:db8::7"),
    ],
)
def test_the_client_address_is_counted_from_the_right_past_the_trusted_proxies(
    settings, proxies, forwarded_for, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded_for)
    assert client_ip(request) == expected
