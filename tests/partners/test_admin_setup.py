"""An administrator sets a pilot up in the admin: choices say whose, numbers and slugs fill in."""

import datetime
import re

import pytest
from django.urls import reverse

from fidelity.frameworks.models import Framework, FrameworkVersion, Principle
from partners.admin_site import TECHNICAL_HEADING
from partners.models import Role, RoleAssignment

from ..factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no select {name}"
    return [label.strip() for label in re.findall(r"<option[^>]*>([^<]*)</option>", select[1])]


def test_the_la_form_names_each_zone_with_its_pilot(admin_client, world):
    html = admin_client.get(reverse("admin:partners_localauthority_add")).content.decode()
    zones = _options(html, "zone")
    assert "West (Test pilot)" in zones
    assert any(z.endswith("(Another pilot)") for z in zones)
    assert "West" not in zones


def test_a_team_leaders_team_choice_names_its_pilot(admin_client, world):
    html = admin_client.get(reverse("admin:partners_user_add")).content.decode()
    assert "HF Bolton (Test pilot)" in _options(html, "role_assignments-0-team")
    assert "HF Elsewhere (Another pilot)" in _options(html, "role_assignments-0-team")


def test_the_indicator_form_names_each_section_with_its_framework_and_version(admin_client, db):
    version = FrameworkVersion.objects.order_by("pk").first()
    principle = version.principles.get(code="P1")
    html = admin_client.get(reverse("admin:fidelity_indicator_add")).content.decode()
    sections = _options(html, "principle")
    expected = f"P1 ({version.framework.name} v{version.number}) {principle.title}"
    assert expected in sections
    assert str(principle) not in sections


def test_a_new_version_takes_the_next_number_without_typing_it(admin_client, db):
    framework = Framework.objects.create(name="Our own words")
    FrameworkVersion.objects.create(framework=framework, number=1)
    add = reverse("admin:fidelity_frameworkversion_add")
    assert 'name="number"' not in admin_client.get(add).content.decode()
    response = admin_client.post(
        add,
        {
            "framework": framework.pk,
            "notes": "Second go",
            "caseload_target_per_fte": "7.0",
            "section_word": "domain",
            "section_word_plural": "domains",
            "report_title": "Practice network fidelity report",
        }
        | _empty_inlines(),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(framework.versions.values_list("number", flat=True)) == [2, 1]


def _empty_inlines() -> dict[str, str]:
    data = {}
    for prefix in ("principles", "scale", "bands"):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data


def test_a_persons_roles_are_saved_on_the_persons_page(admin_client, world):
    person = UserFactory(username="newlead")
    url = reverse("admin:partners_user_change", args=[person.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "groups"}
    data |= {
        "username": "newlead",
        "date_joined_0": "2026-11-01",
        "date_joined_1": "10:00:00",
        "role_assignments-TOTAL_FORMS": "1",
        "role_assignments-INITIAL_FORMS": "0",
        "role_assignments-0-role": Role.TEAM_LEADER,
        "role_assignments-0-pilot": world.pilot.pk,
        "role_assignments-0-team": world.bolton_team.pk,
    }
    data.pop("last_login", None)
    data.pop("password", None)
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    role = RoleAssignment.objects.get(user=person)
    assert (role.role, role.team) == (Role.TEAM_LEADER, world.bolton_team)


def test_the_index_puts_set_up_first_and_technical_models_under_one_heading(admin_client, db):
    apps = admin_client.get(reverse("admin:index")).context["app_list"]
    names = [app["name"] for app in apps]
    assert names[0] == "Pilot structure and people"
    assert names[-1] == TECHNICAL_HEADING
    first = [m["object_name"] for m in apps[0]["models"]][:6]
    assert first == ["Pilot", "Zone", "LocalAuthority", "Organisation", "Team", "User"]
    technical = {m["object_name"] for m in apps[-1]["models"]}
    assert {"AccessAttempt", "SolarSchedule", "ClockedSchedule", "CrontabSchedule"} <= technical
    labels = [app["app_label"] for app in apps]
    assert "axes" not in labels and "django_celery_beat" not in labels


def test_a_principle_keeps_its_short_name_elsewhere(db):
    principle = Principle.objects.order_by("pk").first()
    assert str(principle) == f"{principle.code}. {principle.title}"


def test_a_teams_first_quarter_is_chosen_by_name_on_the_team_page(admin_client, world):
    from common.quarters import Quarter

    team = world.bury_team
    url = reverse("admin:partners_team_change", args=[team.pk])
    html = admin_client.get(url).content.decode()
    quarter = Quarter.containing(datetime.date.today()).next()
    assert quarter.long_label in _options(html, "start_quarter")
    response = admin_client.post(
        url,
        {
            "organisation": team.organisation.pk,
            "name": team.name,
            "local_authorities": [world.bury.pk],
            "is_active": "on",
            "start_quarter": str(quarter.index),
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    team.refresh_from_db()
    assert team.start_quarter == quarter.index
    changelist = admin_client.get(reverse("admin:partners_team_changelist")).content.decode()
    assert quarter.label in changelist
