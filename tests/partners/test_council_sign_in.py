"""Council sign-in, end to end against a real OpenID Connect provider running in a thread
(oidc-provider-mock): the browser's trip is played by Django's test client on our side and
`requests` at the provider, whose authorisation form is submitted with the person's subject."""

from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from oidc_provider_mock import run_server_in_thread

from partners import two_factor
from partners.models import SecurityEvent, SecurityEventKind, User

from ..factories import PASSWORD, UserFactory
from .test_settings import _manage

CLIENT_ID = "hf-qa"


@pytest.fixture(scope="module")
def provider():
    with run_server_in_thread() as server:
        yield f"http://localhost:{server.server_port}"


@pytest.fixture(scope="module")
def expiring_provider():
    """A provider whose ID tokens expired two minutes before they were issued (more than the
    clock skew we allow): stands for a token replayed, or held up, past its expiry."""
    with run_server_in_thread(access_token_max_age=timedelta(minutes=-2)) as server:
        yield f"http://localhost:{server.server_port}"


def _use(settings, url):
    settings.OIDC_ENABLED = True
    settings.AUTHENTICATION_BACKENDS = [
        *settings.AUTHENTICATION_BACKENDS,
        "partners.oidc.CouncilOIDCBackend",
    ]
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = "council-secret"  # noqa: S105 (test provider)
    settings.OIDC_OP_ISSUER = url
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{url}/oauth2/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{url}/oauth2/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{url}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{url}/jwks"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_RP_SCOPES = "openid email profile"
    settings.OIDC_USE_PKCE = True
    settings.OIDC_CREATE_USER = False
    settings.OIDC_TIMEOUT = 10
    # The mock signs with its one key and names none ("kid"); real providers name theirs.
    settings.OIDC_VERIFY_KID = False


@pytest.fixture
def council(settings, provider):
    _use(settings, provider)
    return provider


def _council_knows(provider, sub, **claims):
    requests.put(f"{provider}/users/{sub}", json=claims, timeout=5).raise_for_status()


def _sign_in_at_council(client, sub, *, next_url="", as_client=CLIENT_ID):
    """Our start page sends the browser to the provider; the person picks `sub` on its form; the
    provider sends the browser back to our callback, which is followed to the end. `as_client`
    has the provider issue the code to another application instead."""
    start = client.get(reverse("oidc_authentication_init"), {"next": next_url} if next_url else {})
    assert start.status_code == 302
    authorize = start["Location"].replace(f"client_id={CLIENT_ID}", f"client_id={as_client}")
    assert requests.get(authorize, timeout=5).status_code == 200
    answer = requests.post(authorize, data={"sub": sub}, allow_redirects=False, timeout=5)
    assert answer.status_code == 302, answer.text
    back = urlsplit(answer.headers["Location"])
    assert back.path == reverse("oidc_authentication_callback")
    return client.get(back.path, dict(parse_qsl(back.query)), follow=True)


def _signed_in(client):
    return SESSION_KEY in client.session


def _refusals():
    return SecurityEvent.objects.filter(kind=SecurityEventKind.LOGIN_FAILED)


def test_the_sign_in_page_offers_council_sign_in_only_when_it_is_on(client, settings, provider):
    assert "Sign in with your council account" not in client.get(reverse("login")).text
    _use(settings, provider)
    page = client.get(reverse("login"))
    assert f'href="{reverse("oidc_authentication_init")}"' in page.text
    assert "Sign in with your council account" in page.text


def test_when_off_the_council_pages_do_not_exist(client):
    assert client.get(reverse("oidc_authentication_init")).status_code == 404
    assert client.get(reverse("oidc_authentication_callback")).status_code == 404


def test_a_team_leader_with_a_verified_council_email_signs_in(client, world, council):
    world.lead_bolton.email = "Lead.Bolton@Bolton.gov.example"
    world.lead_bolton.save()
    _council_knows(council, "lb-1", email="lead.bolton@bolton.gov.example", email_verified=True)

    page = _sign_in_at_council(client, "lb-1", next_url=reverse("partners:team_list"))

    assert _signed_in(client)
    assert int(client.session[SESSION_KEY]) == world.lead_bolton.pk
    assert page.request["PATH_INFO"] == reverse("partners:team_list")
    login = SecurityEvent.objects.get(kind=SecurityEventKind.LOGIN)
    assert login.user == world.lead_bolton
    assert not _refusals().exists()


def test_a_next_address_on_another_site_is_ignored(client, world, council):
    _council_knows(council, "m-1", email=world.manager.email, email_verified=True)

    page = _sign_in_at_council(client, "m-1", next_url="https://elsewhere.example/")

    assert page.request["PATH_INFO"] == reverse("home")


def test_a_provider_that_cannot_be_reached_is_a_message_not_an_error(
    client, world, council, settings
):
    _council_knows(council, "m-1", email=world.manager.email, email_verified=True)
    settings.OIDC_OP_TOKEN_ENDPOINT = "http://127.0.0.1:9/oauth2/token"  # nothing listens

    page = _sign_in_at_council(client, "m-1")

    assert page.status_code == 200
    assert "did not work" in page.text
    assert not _signed_in(client)
    assert _refusals().get().detail.startswith("Council sign-in refused: token refused:")


def test_an_entra_account_whose_email_domain_the_council_owns_signs_in(client, world, council):
    """Microsoft Entra ID sends no `email_verified` for a tenant's own accounts; its optional
    `xms_edov` claim says the tenant owns the address's domain."""
    _council_knows(council, "m-1", email=world.manager.email, xms_edov=True)

    _sign_in_at_council(client, "m-1")

    assert int(client.session[SESSION_KEY]) == world.manager.pk


def test_a_token_for_another_application_is_refused(client, world, council, monkeypatch):
    """The provider hands back a genuine, signed ID token (with our nonce) whose audience is
    another application: the person signs in at the provider for "another-app", and the code
    is exchanged as that application."""
    from partners.oidc import CouncilOIDCBackend

    exchange = CouncilOIDCBackend.get_token
    monkeypatch.setattr(
        CouncilOIDCBackend,
        "get_token",
        lambda self, payload: exchange(self, {**payload, "client_id": "another-app"}),
    )
    _council_knows(council, "m-1", email=world.manager.email, email_verified=True)

    page = _sign_in_at_council(client, "m-1", as_client="another-app")

    assert not _signed_in(client)
    assert "Signing in with your council account did not work" in page.text
    assert (
        _refusals().get().detail == "Council sign-in refused: token refused: Audience doesn't match"
    )


def test_an_expired_token_is_refused(client, world, settings, expiring_provider):
    _use(settings, expiring_provider)
    _council_knows(expiring_provider, "m-1", email=world.manager.email, email_verified=True)

    page = _sign_in_at_council(client, "m-1")

    assert not _signed_in(client)
    assert "did not work" in page.text
    assert "expired" in _refusals().get().detail


def test_an_unknown_email_is_refused_and_no_account_is_made(client, world, council):
    _council_knows(council, "x-1", email="stranger@bolton.gov.example", email_verified=True)
    accounts = User.objects.count()

    page = _sign_in_at_council(client, "x-1")

    assert not _signed_in(client)
    assert User.objects.count() == accounts
    assert (
        "Your council account (stranger@bolton.gov.example) is not set up here. "
        "Ask your pilot manager." in page.text
    )
    refusal = _refusals().get()
    assert refusal.detail == "Council sign-in refused: unknown email"
    assert refusal.username == "stranger@bolton.gov.example"


def test_an_unverified_email_is_refused(client, world, council):
    _council_knows(council, "m-1", email=world.manager.email, email_verified=False)

    page = _sign_in_at_council(client, "m-1")

    assert not _signed_in(client)
    assert "has no verified email address" in page.text
    assert _refusals().get().detail == "Council sign-in refused: unverified email"


def test_an_email_the_provider_does_not_call_verified_is_refused(client, world, council):
    _council_knows(council, "m-1", email=world.manager.email)

    _sign_in_at_council(client, "m-1")

    assert not _signed_in(client)
    assert _refusals().get().detail == "Council sign-in refused: unverified email"


def test_an_account_with_no_role_is_refused(client, world, council):
    nobody = UserFactory(username="no-role", email="no.role@wigan.gov.example")
    _council_knows(council, "n-1", email="no.role@wigan.gov.example", email_verified=True)

    page = _sign_in_at_council(client, "n-1")

    assert not _signed_in(client)
    assert "(no.role@wigan.gov.example) is not set up here" in page.text
    refusal = _refusals().get()
    assert (refusal.detail, refusal.user) == ("Council sign-in refused: no role", nobody)


def test_a_deactivated_account_is_refused(client, world, council):
    world.manager.is_active = False
    world.manager.save()
    _council_knows(council, "m-1", email=world.manager.email, email_verified=True)

    _sign_in_at_council(client, "m-1")

    assert not _signed_in(client)
    assert _refusals().get().detail == "Council sign-in refused: unknown email"


def test_an_email_two_accounts_share_is_refused(client, world, council):
    UserFactory(username="twin", email=world.manager.email.upper())
    _council_knows(council, "m-1", email=world.manager.email, email_verified=True)

    _sign_in_at_council(client, "m-1")

    assert not _signed_in(client)
    assert "more than one account" in _refusals().get().detail


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"code": "abc"},
        {"code": "abc", "state": "made-up"},
        {"error": "access_denied", "state": "made-up"},
        {"error": "access_denied"},
    ],
)
def test_a_bad_callback_is_refused_with_a_message_never_an_error(client, world, council, query):
    page = client.get(reverse("oidc_authentication_callback"), query, follow=True)

    assert page.status_code == 200
    assert page.request["PATH_INFO"] == reverse("login")
    assert "council account" in page.text
    assert not _signed_in(client)
    assert _refusals().count() == 1


def test_a_state_is_used_once(client, world, council):
    _council_knows(council, "m-1", email=world.manager.email, email_verified=True)
    start = client.get(reverse("oidc_authentication_init"))
    answer = requests.post(start["Location"], data={"sub": "m-1"}, allow_redirects=False, timeout=5)
    back = urlsplit(answer.headers["Location"])
    client.get(back.path, dict(parse_qsl(back.query)))
    client.logout()

    client.get(back.path, dict(parse_qsl(back.query)))

    assert not _signed_in(client)
    assert _refusals().get().detail == "Council sign-in refused: unknown state or no code"


def test_refusals_do_not_lock_the_office_out_of_council_sign_in(client, world, council, settings):
    _council_knows(council, "x-1", email="stranger@bolton.gov.example", email_verified=True)
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        _sign_in_at_council(client, "x-1")
    _council_knows(council, "m-1", email=world.manager.email, email_verified=True)

    _sign_in_at_council(client, "m-1")

    assert _signed_in(client)


def test_an_account_locked_by_wrong_passwords_can_still_sign_in_at_the_council(
    client, world, council, settings
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "manager", "password": "wrong-password"})
    _council_knows(council, "m-1", email=world.manager.email, email_verified=True)

    _sign_in_at_council(client, "m-1")

    assert _signed_in(client)


def test_two_factor_is_still_asked_after_a_council_sign_in(client, world, council, settings):
    settings.REQUIRE_2FA = True
    _council_knows(council, "m-1", email=world.manager.email, email_verified=True)

    page = _sign_in_at_council(client, "m-1")

    assert client.session[two_factor.SESSION_KEY] == two_factor.SET_UP
    assert page.request["PATH_INFO"] == reverse("two_factor_setup")


def test_a_council_sign_in_can_count_as_the_second_factor(client, world, council, settings):
    settings.REQUIRE_2FA = True
    settings.OIDC_COUNTS_AS_TWO_FACTOR = True
    _council_knows(council, "m-1", email=world.manager.email, email_verified=True)

    page = _sign_in_at_council(client, "m-1")

    assert two_factor.SESSION_KEY not in client.session
    assert page.request["PATH_INFO"] == reverse("home")


def test_a_password_sign_in_still_asks_for_two_factor_when_council_counts(
    client, world, council, settings
):
    settings.REQUIRE_2FA = True
    settings.OIDC_COUNTS_AS_TWO_FACTOR = True

    client.post(reverse("login"), {"username": "manager", "password": PASSWORD})

    assert client.session.get(two_factor.SESSION_KEY) == two_factor.SET_UP


COUNCIL_ENV = {
    "OIDC_ENABLED": "true",
    "OIDC_RP_CLIENT_ID": CLIENT_ID,
    "OIDC_RP_CLIENT_SECRET": "council-secret",
    "OIDC_OP_ISSUER": "https://login.example.org/tenant/v2.0",
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://login.example.org/authorize",
    "OIDC_OP_TOKEN_ENDPOINT": "https://login.example.org/token",
    "OIDC_OP_USER_ENDPOINT": "https://login.example.org/userinfo",
    "OIDC_OP_JWKS_ENDPOINT": "https://login.example.org/keys",
}
PRINT_BACKENDS = "from django.conf import settings; print(settings.AUTHENTICATION_BACKENDS)"


def test_switched_on_by_the_environment_after_the_lockout_and_password_backends():
    result = _manage("shell", "-c", PRINT_BACKENDS, **COUNCIL_ENV)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == str(
        [
            "axes.backends.AxesStandaloneBackend",
            "django.contrib.auth.backends.ModelBackend",
            "partners.oidc.CouncilOIDCBackend",
        ]
    )


def test_switched_on_without_its_provider_settings_it_says_which_is_missing():
    env = {**COUNCIL_ENV}
    del env["OIDC_OP_ISSUER"]

    result = _manage("shell", "-c", PRINT_BACKENDS, **env)

    assert result.returncode != 0
    assert "OIDC_OP_ISSUER" in result.stderr
