import pytest
from django.urls import reverse

from ..factories import PASSWORD


def _login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_pages_need_login(client, world):
    for url in (reverse("home"), reverse("partners:team_list")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_login_page_password_reset_and_healthz_are_open(client, db):
    assert client.get(reverse("login")).status_code == 200
    assert client.get(reverse("password_reset")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200


def test_correct_password_signs_in(client, world):
    response = _login(client, "lead-bolton", PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_wrong_password_shows_a_clear_message(client, world):
    response = _login(client, "lead-bolton", "not-the-password")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_repeated_wrong_passwords_lock_the_account(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "lead-bolton", "not-the-password")
    response = _login(client, "lead-bolton", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_logout_signs_out(client, world):
    client.force_login(world.lead_bolton)
    client.post(reverse("logout"))
    assert client.get(reverse("home")).status_code == 302


def test_password_reset_sends_an_email(client, world, mailoutbox):
    response = client.post(reverse("password_reset"), {"email": world.lead_bolton.email})
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    assert "reset" in mailoutbox[0].body.lower()


def test_password_change_rejects_a_short_password_next_to_the_field(client, world):
    client.force_login(world.lead_bolton)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert "This password is too short" in response.content.decode()


@pytest.mark.parametrize("path", ["/accounts/signup/", "/accounts/register/"])
def test_there_is_no_self_sign_up(client, db, path):
    assert client.get(path).status_code in (302, 404)


def test_an_absurdly_long_username_gets_the_usual_answer(client, world):
    response = _login(client, "x" * 1000, "not-the-password")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode() or (
        "at most 150 characters" in response.content.decode()
    )
