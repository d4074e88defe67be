import html

import pytest
from django.urls import reverse

from forums.models import Challenge, SessionStatus, Theme

from .factories import make_session

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def session(world):
    Theme.objects.create(pilot=world.pilot, name="Landlord practice")
    Theme.objects.create(pilot=world.pilot, name="Housing supply")
    return make_session(world.pilot, published=False)


@pytest.fixture
def facilitator_client(client, world):
    client.force_login(world.facilitator)
    return client


def _add(client, session, kind, data):
    return client.post(reverse("forums:note_add", args=[session.pk, kind]), data, **HTMX)


def test_facilitator_adds_a_challenge_as_a_row_without_a_page_reload(
    facilitator_client, world, session
):
    response = _add(
        facilitator_client,
        session,
        "challenge",
        {
            "text": "Landlords ask for proof of tenancy readiness",
            "principle_code": "P1",
            "themes": "Landlord practice, housing supply",
            "local_authorities": [world.bolton.pk, world.wigan.pk],
        },
    )
    assert response.status_code == 200
    assert b'id="challenge-section"' in response.content
    assert b"<html" not in response.content
    assert b"Landlords ask for proof of tenancy readiness" in response.content
    challenge = Challenge.objects.get(session=session)
    assert {t.name for t in challenge.themes.all()} == {"Landlord practice", "Housing supply"}
    assert set(challenge.local_authorities.all()) == {world.bolton, world.wigan}


def test_adding_a_challenge_refreshes_the_action_forms_challenge_choices(
    facilitator_client, world, session
):
    response = _add(
        facilitator_client,
        session,
        "challenge",
        {"text": "Long waits", "principle_code": "P1", "local_authorities": [world.bury.pk]},
    )
    assert b'id="action-section"' in response.content
    assert b'hx-swap-oob="true"' in response.content


def _challenge_with_themes(world, themes: str, **extra) -> dict:
    return {
        "text": "Waits for one-bed flats",
        "principle_code": "P1",
        "themes": themes,
        "local_authorities": [world.bolton.pk],
        **extra,
    }


def _text(response) -> str:
    return html.unescape(response.content.decode())


def test_a_new_theme_is_not_added_until_the_facilitator_confirms_it_and_nothing_is_lost(
    facilitator_client, world, session
):
    response = _add(
        facilitator_client,
        session,
        "challenge",
        _challenge_with_themes(world, "Landlord practice, Arrears"),
    )
    text = _text(response)
    assert "Not in this pilot's theme list yet: ‘Arrears’." in text
    assert "Add the theme ‘Arrears’ to this pilot's list" in text
    assert 'name="confirm_new_themes"' in text
    assert "Waits for one-bed flats" in text and 'value="Landlord practice, Arrears"' in text
    assert not Challenge.objects.exists()
    assert not Theme.objects.filter(name="Arrears").exists()


def test_a_confirmed_new_theme_joins_the_pilots_list_and_tags_the_challenge(
    facilitator_client, world, session
):
    _add(
        facilitator_client,
        session,
        "challenge",
        _challenge_with_themes(
            world, "Landlord practice, landlords, arrears", confirm_new_themes="landlords, arrears"
        ),
    )
    challenge = Challenge.objects.get(session=session)
    assert {t.name for t in challenge.themes.all()} == {
        "Landlord practice",
        "landlords",
        "arrears",
    }
    assert set(Theme.objects.filter(pilot=world.pilot).values_list("name", flat=True)) == {
        "Landlord practice",
        "Housing supply",
        "landlords",
        "arrears",
    }


def test_a_tick_adds_only_the_themes_the_facilitator_was_asked_about(
    facilitator_client, world, session
):
    response = _add(
        facilitator_client,
        session,
        "challenge",
        _challenge_with_themes(world, "Arrears, Evictions", confirm_new_themes="Arrears"),
    )
    assert "Add the themes ‘Arrears’ and ‘Evictions’ to this pilot's list" in _text(response)
    assert not Challenge.objects.exists()
    assert Theme.objects.filter(pilot=world.pilot).count() == 2


def test_a_theme_typed_in_other_capitals_is_the_one_in_the_list(facilitator_client, world, session):
    _add(facilitator_client, session, "challenge", _challenge_with_themes(world, "HOUSING supply"))
    challenge = Challenge.objects.get(session=session)
    assert [t.name for t in challenge.themes.all()] == ["Housing supply"]
    assert Theme.objects.filter(pilot=world.pilot).count() == 2


def test_a_new_theme_that_is_too_long_is_refused_next_to_the_field(
    facilitator_client, world, session
):
    long_name = "Landlords " * 9
    response = _add(
        facilitator_client,
        session,
        "challenge",
        _challenge_with_themes(world, long_name, confirm_new_themes=long_name.strip()),
    )
    text = _text(response)
    assert "is too long for a theme: use 80 characters or fewer (it has 89)." in text
    assert 'name="confirm_new_themes"' not in text
    assert not Challenge.objects.exists()
    assert Theme.objects.filter(pilot=world.pilot).count() == 2


def test_a_challenge_needs_someone_who_raised_it(facilitator_client, session):
    response = _add(facilitator_client, session, "challenge", {"text": "X", "principle_code": ""})
    assert b"Tick at least one local authority or organisation." in response.content
    assert not Challenge.objects.exists()


def test_text_with_a_phone_number_is_not_saved_until_confirmed(facilitator_client, world, session):
    data = {
        "text": "Tenant keeps ringing from 07700 900123 about repairs",
        "principle_code": "P3",
        "local_authorities": [world.bolton.pk],
    }
    response = _add(facilitator_client, session, "challenge", data)
    assert not Challenge.objects.exists()
    assert b'<mark class="privacy-hit">07700 900123' in response.content
    assert b"Tenant keeps ringing from 07700 900123 about repairs</textarea>" in response.content
    assert b'name="privacy_confirmed"' in response.content

    _add(facilitator_client, session, "challenge", {**data, "privacy_confirmed": "on"})
    assert Challenge.objects.get().text == data["text"]


def test_an_action_owner_that_looks_like_an_email_is_caught(facilitator_client, session):
    response = _add(
        facilitator_client,
        session,
        "action",
        {"what": "Write to the landlord", "owner": "jo@example.org", "status": "open"},
    )
    assert b"personal details (email address)" in response.content
    assert not session.actions.exists()


def test_an_action_takes_the_principle_of_its_linked_challenge(facilitator_client, world, session):
    _add(
        facilitator_client,
        session,
        "challenge",
        {"text": "Rent chasing", "principle_code": "P3", "local_authorities": [world.bury.pk]},
    )
    challenge = Challenge.objects.get()
    _add(
        facilitator_client,
        session,
        "action",
        {
            "what": "Agree who contacts tenants about arrears",
            "owner": "Pilot manager",
            "due_date": "2026-09-30",
            "status": "open",
            "challenge": challenge.pk,
        },
    )
    action = session.actions.get()
    assert (action.challenge, action.principle_code) == (challenge, "P3")


def test_good_practice_and_attendance_are_added_as_rows(facilitator_client, world, session):
    _add(
        facilitator_client,
        session,
        "good_practice",
        {"text": "Joint visits with the mental health nurse", "principle_code": "P7"},
    )
    _add(facilitator_client, session, "attendance", {"who": f"la-{world.bolton.pk}", "count": 3})
    assert session.good_practice.get().principle_code == "P7"
    assert session.attendance.get().count == 3


def test_without_htmx_a_saved_row_returns_to_the_session_page(facilitator_client, world, session):
    response = facilitator_client.post(
        reverse("forums:note_add", args=[session.pk, "good_practice"]),
        {"text": "Weekly café drop-in", "principle_code": "P5"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#good_practice-section")


def test_theme_suggestions_keep_the_themes_already_typed(facilitator_client, session):
    response = facilitator_client.get(
        reverse("forums:theme_options"), {"themes": "Landlord practice, hous"}
    )
    assert response.content.decode().strip() == (
        '<option value="Landlord practice, Housing supply"></option>'
    )


def test_publishing_first_asks_on_a_page_who_will_see_the_record(
    facilitator_client, world, session
):
    response = facilitator_client.get(reverse("forums:session_publish", args=[session.pk]))
    text = _text(response)
    assert "Publish this forum record?" in text
    assert "Who will see it" in text and "Everyone with a role in" in text
    assert 'method="post"' in text
    session.refresh_from_db()
    assert session.status == SessionStatus.DRAFT


def test_the_session_page_links_to_the_publish_question_without_a_script_dialog(
    facilitator_client, session
):
    text = _text(facilitator_client.get(reverse("forums:session_detail", args=[session.pk])))
    publish_url = reverse("forums:session_publish", args=[session.pk])
    assert f'<a href="{publish_url}" class="btn btn-success">Publish notes</a>' in text
    assert 'data-confirm="Publish' not in text


def test_a_draft_is_published_when_the_notes_are_ready(facilitator_client, world, session):
    response = facilitator_client.post(reverse("forums:session_publish", args=[session.pk]))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.status == SessionStatus.PUBLISHED
    assert session.published_by == world.facilitator


def test_a_row_is_removed_from_the_notes(facilitator_client, world, session):
    _add(
        facilitator_client,
        session,
        "challenge",
        {"text": "Typo row", "principle_code": "P1", "local_authorities": [world.bury.pk]},
    )
    challenge = Challenge.objects.get()
    facilitator_client.post(
        reverse("forums:note_delete", args=[session.pk, "challenge", challenge.pk]), **HTMX
    )
    assert not Challenge.objects.exists()
