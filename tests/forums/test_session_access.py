import pytest
from django.urls import reverse

from tests import factories

from .factories import make_session


@pytest.fixture
def draft(world):
    return make_session(world.pilot, published=False)


@pytest.fixture
def published(world):
    return make_session(world.pilot, published=True)


def _open(client, user, session):
    client.force_login(user)
    return client.get(reverse("forums:session_detail", args=[session.pk]))


def test_team_leader_cannot_see_a_draft_session(client, world, draft):
    assert _open(client, world.lead_bolton, draft).status_code == 404


def test_another_pilots_facilitator_cannot_see_a_draft_session(client, world, draft):
    stranger = factories.facilitator(world.other_pilot, "other-facilitator")
    assert _open(client, stranger, draft).status_code == 404


def test_another_pilots_facilitator_cannot_see_a_published_session(client, world, published):
    stranger = factories.facilitator(world.other_pilot, "other-facilitator")
    assert _open(client, stranger, published).status_code == 404


def test_facilitator_and_manager_see_a_draft_session(client, world, draft):
    assert _open(client, world.facilitator, draft).status_code == 200
    assert _open(client, world.manager, draft).status_code == 200


def test_team_leader_reads_a_published_session_without_the_entry_forms(client, world, published):
    response = _open(client, world.lead_bolton, published)
    assert response.status_code == 200
    assert b"Add a challenge" not in response.content


def test_team_leader_cannot_add_notes_to_a_published_session(client, world, published):
    client.force_login(world.lead_bolton)
    response = client.post(
        reverse("forums:note_add", args=[published.pk, "challenge"]),
        {"text": "Anything", "principle_code": "P1", "local_authorities": [world.bolton.pk]},
    )
    assert response.status_code == 404
    assert not published.challenges.exists()


def test_team_leader_cannot_publish_a_draft(client, world, draft):
    client.force_login(world.lead_bolton)
    assert client.get(reverse("forums:session_publish", args=[draft.pk])).status_code == 404
    response = client.post(reverse("forums:session_publish", args=[draft.pk]))
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_forum_index_lists_drafts_only_to_facilitators(client, world, draft, published):
    client.force_login(world.lead_bolton)
    listed = client.get(reverse("forums:index")).context["series"]
    assert [s.pk for sessions in listed.values() for s in sessions] == [published.pk]
    client.force_login(world.facilitator)
    listed = client.get(reverse("forums:index")).context["series"]
    assert {s.pk for sessions in listed.values() for s in sessions} == {draft.pk, published.pk}
