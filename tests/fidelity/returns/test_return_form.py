"""The return form: save a draft with anything filled in; submit only a complete, consistent one,
with each problem next to its field and nothing typed lost."""

import pytest

from fidelity.returns.models import QAActivity, ReturnStatus
from fidelity.returns.quarters import Quarter
from fidelity.returns.services import return_open
from tests.fidelity.factories import form_data, page_text, use_default_framework


@pytest.fixture
def draft(world):
    use_default_framework(world.pilot)
    return return_open(team=world.bolton_team, quarter=Quarter(2025, 4), user=world.lead_bolton)


@pytest.fixture
def lead(client, world):
    client.force_login(world.lead_bolton)
    return client


def _url(qa_return):
    return f"/returns/{qa_return.pk}/edit/"


def test_the_form_is_sectioned_by_principle_with_progress(lead, draft):
    response = lead.get(_url(draft))
    page = response.content.decode()
    for position in range(1, 8):
        assert f'id="principle-P{position}"' in page
    assert "0 of 30 indicators scored" in page_text(response)
    assert "Fully in place" in page
    assert "Not assessed this quarter" in page


def test_save_draft_keeps_a_partly_filled_return(lead, draft):
    data = form_data(draft, rating="", **{"score-0-rating": "4", "caseload-people_supported": ""})
    response = lead.post(_url(draft), {**data, "save": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.DRAFT
    assert draft.scores.get(indicator__code="1.1").score == 4
    assert draft.people_supported is None
    assert "1 of 30 indicators scored" in page_text(lead.get(_url(draft)))


def test_submit_with_a_missing_score_shows_the_error_next_to_it_and_keeps_the_rest(lead, draft):
    data = form_data(draft, **{"score-3-rating": "", "score-5-evidence": "Typed evidence kept"})
    response = lead.post(_url(draft), {**data, "submit": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Choose a score, or mark it not assessed and say why." in page
    assert "Typed evidence kept" in page
    assert "1 thing needs fixing" in page
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.DRAFT
    assert draft.scores.get(indicator__code="2.2").evidence == "Typed evidence kept"


def test_not_assessed_needs_a_reason(lead, draft):
    data = form_data(draft, **{"score-0-rating": "na"})
    page = lead.post(_url(draft), {**data, "submit": "1"}).content.decode()
    assert "Say why this indicator was not assessed." in page


def test_not_assessed_with_a_reason_can_be_submitted(lead, draft):
    data = form_data(
        draft, **{"score-0-rating": "na", "score-0-not_assessed_reason": "No audit yet"}
    )
    response = lead.post(_url(draft), {**data, "submit": "1"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.SUBMITTED
    row = draft.scores.get(indicator__code="1.1")
    assert (row.score, row.not_assessed, row.not_assessed_reason) == (None, True, "No audit yet")


def test_negative_figures_are_refused_even_in_a_draft(lead, draft):
    data = form_data(draft, **{"caseload-people_supported": "-3"})
    page = lead.post(_url(draft), {**data, "save": "1"}).content.decode()
    assert "Enter 0 or more." in page
    assert 'value="-3"' in page
    draft.refresh_from_db()
    assert draft.people_supported is None


def test_sustained_above_supported_is_refused_at_submit(lead, draft):
    data = form_data(draft, **{"caseload-tenancies_sustained": "30"})
    page = lead.post(_url(draft), {**data, "submit": "1"}).content.decode()
    assert "Tenancies sustained (30) cannot be more than the people supported (12)." in page


def test_end_reasons_must_add_up_to_tenancies_ended(lead, draft):
    data = form_data(draft, **{"caseload-tenancies_ended": "5"})
    page = lead.post(_url(draft), {**data, "submit": "1"}).content.decode()
    assert "The reasons tenancies ended add up to 2, but 5 tenancies ended." in page
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.DRAFT


def test_a_high_caseload_is_a_warning_not_a_block(lead, draft):
    data = form_data(draft, **{"caseload-staff_fte": "1"})
    response = lead.post(_url(draft), {**data, "save": "1"}, follow=True)
    assert "above the target of 7.0" in response.content.decode()
    draft.refresh_from_db()
    response = lead.post(
        _url(draft), {**form_data(draft, **{"caseload-staff_fte": "1"}), "submit": "1"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.SUBMITTED


def test_an_activity_is_saved_with_its_count(lead, draft):
    data = form_data(
        draft,
        **{
            "activity-0-kind": "case_file_audit",
            "activity-0-date": "2026-01-15",
            "activity-0-count": "6",
            "activity-0-finding": "Plans use people's own words.",
        },
    )
    assert lead.post(_url(draft), {**data, "save": "1"}).status_code == 302
    activity = QAActivity.objects.get(qa_return=draft)
    assert (activity.kind, activity.count) == ("case_file_audit", 6)


def test_a_case_file_audit_needs_how_many_files(lead, draft):
    data = form_data(
        draft,
        **{
            "activity-0-kind": "case_file_audit",
            "activity-0-date": "2026-01-15",
            "activity-0-finding": "Fine",
        },
    )
    page = lead.post(_url(draft), {**data, "save": "1"}).content.decode()
    assert "Enter how many case files were audited." in page
    assert not QAActivity.objects.exists()


def test_an_activity_can_be_removed(lead, draft):
    activity = QAActivity.objects.create(
        qa_return=draft, kind="observation", date="2026-01-10", finding="Calm and warm."
    )
    data = form_data(
        draft,
        **{
            "activity-TOTAL_FORMS": "2",
            "activity-INITIAL_FORMS": "1",
            "activity-0-id": str(activity.pk),
            "activity-0-kind": "observation",
            "activity-0-date": "2026-01-10",
            "activity-0-finding": "Calm and warm.",
            "activity-0-DELETE": "on",
        },
    )
    assert lead.post(_url(draft), {**data, "save": "1"}).status_code == 302
    assert not QAActivity.objects.exists()


def test_the_edit_page_of_an_approved_return_redirects_with_a_message(lead, world):
    from tests.fidelity.factories import make_return

    use_default_framework(world.pilot)
    approved = make_return(world.bolton_team, 2025, 1, status=ReturnStatus.APPROVED)
    response = lead.post(_url(approved), {"save": "1"}, follow=True)
    assert "approved and locked" in response.content.decode()


def test_the_error_summary_links_to_each_field_to_fix(lead, draft):
    data = form_data(draft, **{"caseload-tenancies_ended": "5", "score-0-rating": ""})
    page = lead.post(_url(draft), {**data, "submit": "1"}).content.decode()
    assert 'href="#id_caseload-tenancies_ended"' in page
    assert 'href="#div_id_score-0-rating"' in page
