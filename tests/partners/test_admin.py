from django.urls import reverse

from ..factories import UserFactory


def test_team_leader_cannot_open_the_admin(client, world):
    client.force_login(world.lead_bolton)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert client.get(reverse("admin:partners_team_changelist")).status_code == 302


def test_manager_cannot_open_the_admin(client, world):
    client.force_login(world.manager)
    assert client.get(reverse("admin:index")).status_code == 302


def test_staff_flag_alone_does_not_open_the_admin(client, db):
    client.force_login(UserFactory(is_staff=True))
    assert client.get(reverse("admin:index")).status_code == 302


def test_administrator_uses_the_admin_with_filters_search_and_inlines(client, world):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    changelist = client.get(reverse("admin:partners_team_changelist"), {"q": "Bolton"})
    assert changelist.status_code == 200
    assert "HF Bolton" in changelist.content.decode()
    assert "HF Bury" not in changelist.content.decode()
    zone = world.bolton.zone
    change = client.get(reverse("admin:partners_zone_change", args=[zone.pk]))
    assert change.status_code == 200
    assert "Bolton" in change.content.decode()
    for name in ("pilot", "organisation", "roleassignment", "localauthority", "user"):
        assert client.get(reverse(f"admin:partners_{name}_changelist")).status_code == 200
