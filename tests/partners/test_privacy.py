"""A person's data rights: the subject access export, deactivating a leaver, and the public
privacy notice and accessibility statement."""

import datetime as dt
import json

from django.contrib.sessions.models import Session
from django.urls import reverse

from fidelity.returns.models import QAReturn, ReturnStatus
from partners.models import SecurityEvent, SecurityEventKind

from ..factories import PASSWORD
from ..fidelity.factories import fill_return, make_return, use_default_framework


def _admin_action(client, admin_user, action, users):
    client.force_login(admin_user)
    return client.post(
        reverse("admin:partners_user_changelist"),
        {"action": action, "_selected_action": [u.pk for u in users]},
    )


def test_subject_access_export_holds_the_persons_account_records_and_failed_sign_ins(
    client, world, admin_user
):
    use_default_framework(world.pilot)
    draft = make_return(world.bolton_team, 2026, 1, status=ReturnStatus.DRAFT)
    fill_return(draft, world.lead_bolton)
    client.post(reverse("login"), {"username": "lead-bolton", "password": "wrong"})

    response = _admin_action(client, admin_user, "export_person_data", [world.lead_bolton])

    assert response["Content-Type"] == "application/json"
    assert "subject-access-lead-bolton.json" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["fields"]["username"] == "lead-bolton"
    assert "password" not in data["account"]["fields"]
    assert PASSWORD not in response.content.decode()
    records = data["records"]
    assert [r["fields"]["role"] for r in records["partners.roleassignment"]] == ["team_leader"]
    # Who changed the return is change history tied to the person, found without naming it.
    assert records["fidelity.historicalqareturn"][0]["fields"]["id"] == draft.pk
    failures = [
        r for r in records["partners.securityevent"] if r["fields"]["kind"] == "login_failed"
    ]
    assert len(failures) == 1
    assert all(r["fields"]["username"] == "lead-bolton" for r in records["partners.securityevent"])
    assert SecurityEvent.objects.filter(
        kind=SecurityEventKind.SUBJECT_ACCESS, user=admin_user
    ).exists()


def test_subject_access_export_is_for_one_person_at_a_time(client, world, admin_user):
    response = _admin_action(
        client, admin_user, "export_person_data", [world.lead_bolton, world.lead_wigan]
    )
    assert response.status_code == 302
    assert not SecurityEvent.objects.filter(kind=SecurityEventKind.SUBJECT_ACCESS).exists()


def test_a_deactivated_leaver_is_signed_out_and_their_records_stay(client, world, admin_user):
    use_default_framework(world.pilot)
    their_return = make_return(world.bolton_team, 2026, 1, status=ReturnStatus.DRAFT)
    client.post(reverse("login"), {"username": "lead-bolton", "password": PASSWORD})
    assert client.get(reverse("home")).status_code == 200
    leaver_sessions = Session.objects.count()

    admin = type(client)()
    _admin_action(admin, admin_user, "deactivate_leavers", [world.lead_bolton])

    world.lead_bolton.refresh_from_db()
    assert not world.lead_bolton.is_active
    assert Session.objects.count() == leaver_sessions  # theirs ended, the admin's began
    assert client.get(reverse("home")).status_code == 302
    assert QAReturn.objects.filter(pk=their_return.pk).exists()
    assert world.lead_bolton.role_assignments.exists()
    event = SecurityEvent.objects.get(kind=SecurityEventKind.DEACTIVATED)
    assert "1 session(s) ended" in event.detail


def test_unticking_active_on_the_persons_page_also_ends_their_sessions(client, world, admin_user):
    client.post(reverse("login"), {"username": "lead-bolton", "password": PASSWORD})
    their_session = client.session.session_key
    admin = type(client)()
    admin.force_login(admin_user)
    page = reverse("admin:partners_user_change", args=[world.lead_bolton.pk])
    form = admin.get(page).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "is_active"}
    data.update(
        {
            "date_joined_0": world.lead_bolton.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": world.lead_bolton.date_joined.strftime("%H:%M:%S"),
            "role_assignments-TOTAL_FORMS": "0",
            "role_assignments-INITIAL_FORMS": "0",
        }
    )
    data.pop("date_joined", None)
    data.pop("last_login", None)
    data.pop("groups", None)
    data.pop("user_permissions", None)
    response = admin.post(page, data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    assert not Session.objects.filter(session_key=their_session).exists()
    assert SecurityEvent.objects.filter(kind=SecurityEventKind.DEACTIVATED).exists()


def test_privacy_notice_is_public_and_prints_each_pilots_contact_and_the_retention_periods(
    client, world, settings
):
    world.pilot.data_controller = "Greater Manchester Combined Authority"
    world.pilot.privacy_contact = "privacy@example.org"
    world.pilot.save()
    settings.RETENTION_DAYS = {**settings.RETENTION_DAYS, "security_events": 400}

    response = client.get(reverse("privacy"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "Greater Manchester Combined Authority" in text
    assert "mailto:privacy@example.org" in text
    assert "400 days" in text


def test_accessibility_statement_is_public_and_names_the_pilots_contact_and_review_date(
    client, world
):
    world.pilot.accessibility_contact = "access@example.org"
    world.pilot.accessibility_reviewed = dt.date(2026, 11, 2)
    world.pilot.save()

    response = client.get(reverse("accessibility"))

    assert response.status_code == 200
    text = response.content.decode()
    assert "mailto:access@example.org" in text
    assert "2 November 2026" in text
    assert "Enforcement procedure" in text


def test_a_signed_in_person_sees_only_their_own_pilots_contacts(client, world):
    world.other_pilot.privacy_contact = "other@example.org"
    world.other_pilot.save()
    client.force_login(world.lead_bolton)
    assert "other@example.org" not in client.get(reverse("privacy")).content.decode()


def test_subject_access_export_leaves_out_two_factor_secrets(client, world, admin_user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.create(user=world.manager, name="Authenticator app")

    response = _admin_action(client, admin_user, "export_person_data", [world.manager])

    devices = json.loads(response.content)["records"]["otp_totp.totpdevice"]
    assert [d["fields"]["name"] for d in devices] == ["Authenticator app"]
    assert device.key not in response.content.decode()
