"""Two people editing the same draft: the second save is refused and told what differs."""

import pytest

from common.quarters import Quarter
from fidelity.returns.models import QAActivity
from fidelity.returns.services import ConflictError, return_open, return_save_draft
from tests import factories as base
from tests.fidelity.factories import (
    GOOD_FIGURES,
    form_data,
    page_text,
    score_values,
    use_default_framework,
)


@pytest.fixture
def draft(world):
    use_default_framework(world.pilot)
    return return_open(team=world.bolton_team, quarter=Quarter(2025, 3), user=world.lead_bolton)


@pytest.fixture
def second_leader(world):
    return base.team_leader(world.bolton_team, "deputy-bolton")


def test_a_save_based_on_an_older_version_is_refused_with_the_differences(
    world, draft, second_leader
):
    opened_at = draft.lock_version
    return_save_draft(
        qa_return=draft,
        user=second_leader,
        lock_version=opened_at,
        figures={"people_supported": 9},
        scores=score_values(draft, 4),
    )
    with pytest.raises(ConflictError) as error:
        return_save_draft(
            qa_return=draft,
            user=world.lead_bolton,
            lock_version=opened_at,
            figures={"people_supported": 12},
            scores=score_values(draft, 2),
        )
    changes = {c.label: (c.saved, c.yours) for c in error.value.changes}
    assert changes["People supported at quarter end"] == ("9", "12")
    assert changes["Indicator 1.1 score"] == ("4 Fully in place", "2 Partly in place")
    assert error.value.saved_by == "deputy-bolton"
    draft.refresh_from_db()
    assert draft.people_supported == 9


def test_a_save_with_the_current_version_succeeds_and_moves_the_version_on(world, draft):
    saved = return_save_draft(
        qa_return=draft, user=world.lead_bolton, lock_version=1, figures=GOOD_FIGURES, scores={}
    )
    assert saved.lock_version == 2


def test_the_form_shows_the_conflict_and_keeps_what_was_typed(client, world, draft, second_leader):
    data = form_data(draft, rating="2", **{"caseload-people_supported": "15"})
    return_save_draft(
        qa_return=draft,
        user=second_leader,
        lock_version=draft.lock_version,
        figures={"people_supported": 9},
        scores={},
    )
    client.force_login(world.lead_bolton)
    response = client.post(f"/returns/{draft.pk}/section/caseload/", {**data, "continue": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "deputy-bolton saved this return while you were editing it" in page
    assert 'name="caseload-people_supported" value="15"' in page
    assert 'name="lock_version" value="2"' in page
    draft.refresh_from_db()
    assert draft.people_supported == 9


def test_a_section_conflict_lists_only_that_sections_differences(
    client, world, draft, second_leader
):
    opened_at = draft.lock_version
    QAActivity.objects.create(
        qa_return=draft, kind="observation", date="2026-01-10", finding="Calm and warm."
    )
    return_save_draft(
        qa_return=draft,
        user=second_leader,
        lock_version=opened_at,
        figures={},
        scores=score_values(draft, 4),
    )
    client.force_login(world.lead_bolton)
    data = form_data(draft, rating="2")
    response = client.post(f"/returns/{draft.pk}/section/p1/", {**data, "continue": "1"})
    page = page_text(response)
    assert "Indicator 1.1 score 4 Fully in place 2 Partly in place" in page
    assert "Indicator 2.1" not in page  # another section's answers are not on this page
    assert "QA activities" not in page
    assert draft.scores.get(indicator__code="1.1").score == 4
