"""The return as a task list: one short page per section, saved with "Save and continue" with
anything filled in; "Check your answers" lists every problem at once, each linked to its field,
and is the only place to submit; nothing typed is lost."""

import pytest

from common.quarters import Quarter
from fidelity.returns.models import QAActivity, ReturnStatus
from fidelity.returns.services import return_open
from tests.fidelity.factories import form_data, page_text, post_sections, use_default_framework


@pytest.fixture
def draft(world):
    use_default_framework(world.pilot)
    return return_open(team=world.bolton_team, quarter=Quarter(2025, 4), user=world.lead_bolton)


@pytest.fixture
def lead(client, world):
    client.force_login(world.lead_bolton)
    return client


def _section(qa_return, slug):
    return f"/returns/{qa_return.pk}/section/{slug}/"


def _check(qa_return):
    return f"/returns/{qa_return.pk}/check/"


def _post(client, qa_return, slug, data, button="continue"):
    qa_return.refresh_from_db()
    return client.post(
        _section(qa_return, slug),
        {**data, "lock_version": str(qa_return.lock_version), button: "1"},
    )


def _submit(client, qa_return):
    qa_return.refresh_from_db()
    return client.post(
        f"/returns/{qa_return.pk}/submit/", {"lock_version": str(qa_return.lock_version)}
    )


def test_the_task_list_names_every_section_with_its_status(lead, draft):
    page = page_text(lead.get(f"/returns/{draft.pk}/tasks/"))
    for title in ("P1. ", "P7. ", "QA activities", "Caseload figures", "Improvement plan"):
        assert title in page
    assert "You have completed 1 of 10 sections" in page  # the plan has nothing to do yet
    assert page.count("Not started") == 9


def test_each_section_page_says_which_section_it_is_and_where_it_stands(lead, draft):
    page = page_text(lead.get(_section(draft, "p2")))
    assert "Section 2 of 10" in page
    caseload = page_text(lead.get(_section(draft, "caseload")))
    assert "Section 9 of 10" in caseload
    assert "Caseload figures for the quarter" in caseload


def test_the_old_single_page_address_leads_to_the_task_list(lead, draft):
    response = lead.get(f"/returns/{draft.pk}/edit/")
    assert response.status_code == 302
    assert response.url == f"/returns/{draft.pk}/tasks/"


def test_a_principle_page_shows_only_its_own_indicators(lead, draft):
    page = lead.get(_section(draft, "p2")).content.decode()
    assert 'id="indicator-2.1"' in page
    assert 'id="indicator-1.1"' not in page
    assert "Fully in place" in page and "Not assessed this quarter" in page
    assert "Submit for review" not in page


def test_an_unknown_section_is_404(lead, draft):
    assert lead.get(_section(draft, "p99")).status_code == 404


def test_save_and_continue_keeps_a_partly_filled_section_and_goes_to_the_next(lead, draft):
    data = form_data(draft, rating="", **{"score-1.1-rating": "4"})
    response = _post(lead, draft, "p1", data)
    assert response.status_code == 302
    assert response.url == _section(draft, "p2")
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.DRAFT
    assert draft.scores.get(indicator__code="1.1").score == 4
    assert draft.scores.get(indicator__code="1.2").score is None
    assert "In progress" in page_text(lead.get(f"/returns/{draft.pk}/tasks/"))


def test_save_and_return_goes_to_the_task_list(lead, draft):
    response = _post(lead, draft, "caseload", form_data(draft), button="tasks")
    assert response.url == f"/returns/{draft.pk}/tasks/"


def test_the_last_section_leads_to_check_your_answers(lead, draft):
    post_sections(lead, draft, form_data(draft))
    response = lead.post(f"/returns/{draft.pk}/improvement/", {"continue": "1"})
    assert response.url == _check(draft)


def test_a_missing_score_is_listed_on_check_your_answers_and_the_rest_kept(lead, draft):
    data = form_data(draft, **{"score-2.2-rating": "", "score-2.3-evidence": "Typed evidence"})
    post_sections(lead, draft, data)
    response = _submit(lead, draft)
    page = response.content.decode()
    assert "Indicator 2.2: Choose a score, or mark it not assessed and say why." in page
    assert "1 thing needs fixing" in page
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.DRAFT
    assert draft.scores.get(indicator__code="2.3").evidence == "Typed evidence"


def test_not_assessed_needs_a_reason(lead, draft):
    post_sections(lead, draft, form_data(draft, **{"score-1.1-rating": "na"}))
    page = lead.get(_check(draft)).content.decode()
    assert "Say why this indicator was not assessed." in page
    assert "Has problems" in page


def test_not_assessed_with_a_reason_can_be_submitted(lead, draft):
    data = form_data(
        draft, **{"score-1.1-rating": "na", "score-1.1-not_assessed_reason": "No audit"}
    )
    post_sections(lead, draft, data)
    response = _submit(lead, draft)
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.SUBMITTED
    row = draft.scores.get(indicator__code="1.1")
    assert (row.score, row.not_assessed, row.not_assessed_reason) == (None, True, "No audit")


def test_negative_figures_are_refused_even_in_a_draft_and_nothing_typed_is_lost(lead, draft):
    data = form_data(draft, **{"caseload-people_supported": "-3"})
    response = _post(lead, draft, "caseload", data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter 0 or more." in page
    assert 'value="-3"' in page
    assert 'href="#id_caseload-people_supported"' in page
    draft.refresh_from_db()
    assert draft.people_supported is None


def test_sustained_above_supported_is_refused_at_submit(lead, draft):
    post_sections(lead, draft, form_data(draft, **{"caseload-tenancies_sustained": "30"}))
    page = _submit(lead, draft).content.decode()
    assert "Tenancies sustained (30) cannot be more than the people supported (12)." in page


def test_end_reasons_must_add_up_to_tenancies_ended(lead, draft):
    post_sections(lead, draft, form_data(draft, **{"caseload-tenancies_ended": "5"}))
    page = _submit(lead, draft).content.decode()
    assert "The reasons tenancies ended add up to 2, but 5 tenancies ended." in page
    draft.refresh_from_db()
    assert draft.status == ReturnStatus.DRAFT


def test_a_high_caseload_is_a_warning_not_a_block(lead, draft):
    _post(lead, draft, "caseload", form_data(draft, **{"caseload-staff_fte": "1"}))
    assert "above the target of 7.0" in lead.get(_section(draft, "caseload")).content.decode()
    post_sections(lead, draft, form_data(draft, **{"caseload-staff_fte": "1"}))
    assert _submit(lead, draft).status_code == 302
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
    assert _post(lead, draft, "activities", data).status_code == 302
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
    page = _post(lead, draft, "activities", data).content.decode()
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
    assert _post(lead, draft, "activities", data).status_code == 302
    assert not QAActivity.objects.exists()


def test_the_pages_of_an_approved_return_redirect_with_a_message(lead, world):
    from tests.fidelity.factories import make_return

    use_default_framework(world.pilot)
    approved = make_return(world.bolton_team, 2025, 1, status=ReturnStatus.APPROVED)
    response = lead.post(_section(approved, "caseload"), {"continue": "1"}, follow=True)
    assert "approved and locked" in response.content.decode()
    response = lead.get(f"/returns/{approved.pk}/edit/", follow=True)
    assert "approved and locked" in response.content.decode()


def test_check_your_answers_links_each_problem_to_its_field(lead, draft):
    data = form_data(draft, **{"caseload-tenancies_ended": "5", "score-1.1-rating": ""})
    post_sections(lead, draft, data)
    page = lead.get(_check(draft)).content.decode()
    assert f'href="{_section(draft, "caseload")}?from=check#id_caseload-tenancies_ended"' in page
    assert f'href="{_section(draft, "p1")}?from=check#id_score-1.1-rating_0"' in page


def test_coming_from_check_your_answers_shows_the_problem_next_to_its_field(lead, draft):
    post_sections(lead, draft, form_data(draft, **{"score-1.1-rating": "na"}))
    page = lead.get(_section(draft, "p1") + "?from=check").content.decode()
    assert "Say why this indicator was not assessed." in page
    draft.refresh_from_db()
    response = lead.post(
        _section(draft, "p1") + "?from=check",
        {**form_data(draft), "lock_version": str(draft.lock_version), "continue": "1"},
    )
    # Saved from Check your answers: back to it, not on to the next section.
    assert response.status_code == 302
    assert response.url == _check(draft)


def test_submit_is_on_check_your_answers_only(lead, draft):
    assert "Submit for review" in lead.get(_check(draft)).content.decode()
    assert "Submit for review" not in lead.get(f"/returns/{draft.pk}/tasks/").content.decode()
