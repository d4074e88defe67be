"""Two-factor sign-in: required for managers and administrators when REQUIRE_2FA is on,
optional for everyone else, with recovery codes and a reset for a lost phone."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import SecurityEvent, SecurityEventKind

from ..factories import PASSWORD


@pytest.fixture
def required(settings):
    settings.REQUIRE_2FA = True


def _sign_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


def _code(user, steps_ahead: int = 0) -> str:
    """The code the person's app shows now, or `steps_ahead` 30-second steps later (a code is
    accepted once, and the app's next one is within django-otp's tolerance)."""
    device = TOTPDevice.objects.get(user=user)
    value = totp(device.bin_key, step=device.step, t0=device.t0, drift=steps_ahead)
    return f"{value:0{device.digits}d}"


def _wait_out_throttle(user):
    """Stands for the seconds a person waits after a wrong code (django-otp doubles the wait
    after each failure)."""
    TOTPDevice.objects.filter(user=user).update(throttling_failure_timestamp=None)


def _set_up(client, user) -> list[str]:
    client.get(reverse("two_factor_setup"))
    response = client.post(reverse("two_factor_setup"), {"code": _code(user)})
    return response.context["codes"]


def _events(kind):
    return SecurityEvent.objects.filter(kind=kind).count()


def test_a_manager_must_set_up_two_factor_before_seeing_anything(client, world, required):
    _sign_in(client, "manager")

    response = client.get(reverse("fidelity:dashboard"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_setup"))

    page = client.get(reverse("two_factor_setup"))
    assert "data:image/svg+xml" in page.context["qr_code"]
    wrong = client.post(reverse("two_factor_setup"), {"code": "000000"})
    assert "That code is not right" in wrong.context["form"].errors["code"][0]
    assert wrong.context["form"]["code"].value() == "000000"
    too_soon = client.post(reverse("two_factor_setup"), {"code": _code(world.manager)})
    assert "Too many wrong codes" in too_soon.context["form"].errors["code"][0]
    _wait_out_throttle(world.manager)

    codes = client.post(reverse("two_factor_setup"), {"code": _code(world.manager)}).context[
        "codes"
    ]
    assert len(codes) == 10
    assert client.get(reverse("fidelity:dashboard")).status_code == 200
    assert _events(SecurityEventKind.TWO_FACTOR_ENROLLED) == 1


def test_after_set_up_each_sign_in_asks_for_a_code_and_a_wrong_one_is_refused(
    client, world, required
):
    _sign_in(client, "manager")
    _set_up(client, world.manager)
    client.post(reverse("logout"))

    _sign_in(client, "manager")
    held = client.get(reverse("home"))
    assert held["Location"].startswith(reverse("two_factor_verify"))
    wrong = client.post(reverse("two_factor_verify"), {"code": "123456", "next": "/"})
    assert "That code is not right" in wrong.context["form"].errors["code"][0]
    assert _events(SecurityEventKind.TWO_FACTOR_FAILED) == 1
    assert client.get(reverse("home")).status_code == 302
    _wait_out_throttle(world.manager)

    right = client.post(
        reverse("two_factor_verify"), {"code": _code(world.manager, 1), "next": "/"}
    )
    assert right["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200


def test_a_recovery_code_signs_in_once(client, world, required):
    _sign_in(client, "manager")
    codes = _set_up(client, world.manager)
    for attempt in ("first", "second"):
        client.post(reverse("logout"))
        _sign_in(client, "manager")
        client.post(reverse("two_factor_verify"), {"code": codes[0]})
        status = client.get(reverse("home")).status_code
        assert status == (200 if attempt == "first" else 302)


def test_a_team_leader_may_sign_in_with_a_password_only_or_choose_two_factor(
    client, world, required
):
    _sign_in(client, "lead-bolton")
    assert client.get(reverse("home")).status_code == 200
    account = client.get(reverse("two_factor"))
    assert "Off." in account.content.decode()

    _set_up(client, world.lead_bolton)
    client.post(reverse("logout"))
    _sign_in(client, "lead-bolton")
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_verify"))


def test_with_two_factor_not_required_a_manager_signs_in_with_a_password(client, world, settings):
    settings.REQUIRE_2FA = False
    _sign_in(client, "manager")
    assert client.get(reverse("fidelity:dashboard")).status_code == 200


def test_the_admin_is_held_too_and_the_held_person_can_still_sign_out(
    client, world, required, admin_user
):
    client.post(reverse("login"), {"username": admin_user.username, "password": "password"})
    assert client.get("/admin/")["Location"].startswith(reverse("two_factor_setup"))
    assert client.post(reverse("logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_next_never_leads_off_the_site(client, world, required):
    _sign_in(client, "manager")
    _set_up(client, world.manager)
    client.post(reverse("logout"))
    _sign_in(client, "manager")
    response = client.post(
        reverse("two_factor_verify"),
        {"code": _code(world.manager, 1), "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_the_reset_command_removes_a_lost_device_and_is_a_security_event(
    client, world, required, capsys
):
    _sign_in(client, "manager")
    _set_up(client, world.manager)

    call_command("reset_two_factor", "manager")

    assert "Removed 2 two-factor device(s) of manager." in capsys.readouterr().out
    assert not TOTPDevice.objects.filter(user=world.manager).exists()
    assert _events(SecurityEventKind.TWO_FACTOR_RESET) == 1
    client.post(reverse("logout"))
    _sign_in(client, "manager")
    assert client.get(reverse("home"))["Location"].startswith(reverse("two_factor_setup"))
