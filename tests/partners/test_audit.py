from django.urls import reverse

from partners.audit import record_event
from partners.models import SecurityEvent, SecurityEventKind

from ..factories import PASSWORD, UserFactory


def _kinds():
    return list(SecurityEvent.objects.order_by("at", "pk").values_list("kind", "username"))


def test_sign_in_and_sign_out_are_recorded(client, world):
    client.post(reverse("login"), {"username": "lead-bolton", "password": PASSWORD})
    client.post(reverse("logout"))
    assert _kinds() == [
        (SecurityEventKind.LOGIN, "lead-bolton"),
        (SecurityEventKind.LOGOUT, "lead-bolton"),
    ]


def test_failed_sign_in_and_lockout_are_recorded_with_the_typed_username(client, world, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "lead-bolton", "password": "wrong"})
    kinds = [kind for kind, _ in _kinds()]
    assert kinds.count(SecurityEventKind.LOGIN_FAILED) == settings.AXES_FAILURE_LIMIT
    assert SecurityEventKind.LOCKED_OUT in kinds
    assert {username for _, username in _kinds()} == {"lead-bolton"}


def test_opening_another_teams_page_is_recorded_as_a_denial(client, world):
    client.force_login(world.lead_bolton)
    client.get(reverse("partners:team_detail", args=[world.wigan_team.pk]))
    event = SecurityEvent.objects.get(kind=SecurityEventKind.PERMISSION_DENIED)
    assert event.user == world.lead_bolton
    assert event.path == reverse("partners:team_detail", args=[world.wigan_team.pk])


def test_a_mistyped_address_is_not_a_denial(client, world):
    client.force_login(world.lead_bolton)
    client.get("/no-such-page/")
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.PERMISSION_DENIED).exists()


def test_exports_are_recorded_by_the_service(rf, world):
    request = rf.get("/returns/1/export.csv")
    request.user = world.manager
    record_event(kind=SecurityEventKind.EXPORT, request=request, detail="return 1 as CSV")
    event = SecurityEvent.objects.get()
    assert (event.user, event.detail, event.ip_address) == (
        world.manager,
        "return 1 as CSV",
        "127.0.0.1",
    )


def test_administrators_read_the_trail_but_cannot_change_it(client, world):
    record_event(kind=SecurityEventKind.LOGIN, user=world.manager)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    assert client.get(reverse("admin:partners_securityevent_changelist")).status_code == 200
    event = SecurityEvent.objects.first()
    response = client.get(reverse("admin:partners_securityevent_change", args=[event.pk]))
    assert response.status_code == 200
    assert "Save" not in response.content.decode()
    assert client.get(reverse("admin:partners_securityevent_add")).status_code == 403
