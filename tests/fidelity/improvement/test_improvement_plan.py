"""Improvement plans: low scores need an action or a reason; open actions carry forward."""

import io

import pytest
from openpyxl import load_workbook

from common.quarters import Quarter
from fidelity.errors import SubmitError
from fidelity.improvement.models import ActionStatus, ImprovementAction
from fidelity.improvement.selectors import improvement_actions_carried, improvement_actions_overdue
from fidelity.improvement.services import improvement_plan_save
from fidelity.returns.services import return_open, return_save_draft, return_submit
from tests.fidelity.factories import GOOD_FIGURES, page_text, score_values, use_default_framework

Q = Quarter(2025, 2)


def _low_draft(world, quarter=Q):
    use_default_framework(world.pilot)
    draft = return_open(team=world.bolton_team, quarter=quarter, user=world.lead_bolton)
    return return_save_draft(
        qa_return=draft,
        user=world.lead_bolton,
        lock_version=draft.lock_version,
        figures=GOOD_FIGURES,
        scores=score_values(draft, 3, i1_1=2, i2_1=1),
    )


def _indicator_id(qa_return, code):
    return qa_return.scores.get(indicator__code=code).indicator_id


def _plan(world, draft):
    return improvement_plan_save(
        qa_return=draft,
        user=world.lead_bolton,
        plans={
            _indicator_id(draft, "1.1"): {
                "what": "Remove the readiness checklist from referrals",
                "owner": "Team leader",
                "target": Q.index + 1,
            },
            _indicator_id(draft, "2.1"): {
                "no_action": True,
                "no_action_reason": "Commissioner has already agreed open-ended funding.",
            },
        },
    )


def test_a_return_with_low_scores_cannot_be_submitted_without_actions_or_reasons(world):
    draft = _low_draft(world)
    with pytest.raises(SubmitError) as error:
        return_submit(qa_return=draft, user=world.lead_bolton)
    assert "improvement 1.1" in error.value.errors
    assert "improvement 2.1" in error.value.errors


def test_an_action_without_an_owner_still_blocks_submission(world):
    draft = _low_draft(world)
    improvement_plan_save(
        qa_return=draft,
        user=world.lead_bolton,
        plans={_indicator_id(draft, "1.1"): {"what": "Something", "target": Q.index}},
    )
    with pytest.raises(SubmitError) as error:
        return_submit(qa_return=draft, user=world.lead_bolton)
    assert "improvement 1.1" in error.value.errors


def test_a_return_with_an_action_or_reason_for_each_low_score_can_be_submitted(world):
    draft = _low_draft(world)
    _plan(world, draft)
    submitted = return_submit(qa_return=draft, user=world.lead_bolton)
    assert submitted.status == "submitted"


def test_last_quarters_open_actions_are_carried_into_the_next_return(world):
    draft = _low_draft(world)
    _plan(world, draft)
    return_submit(qa_return=draft, user=world.lead_bolton)
    nxt = return_open(team=world.bolton_team, quarter=Q.next(), user=world.lead_bolton)
    carried = list(improvement_actions_carried(qa_return=nxt))
    assert [a.indicator.code for a in carried] == ["1.1"]  # the "no action" one is not carried


def test_a_carried_action_must_be_updated_before_the_next_return_is_submitted(world):
    draft = _low_draft(world)
    _plan(world, draft)
    return_submit(qa_return=draft, user=world.lead_bolton)
    nxt = return_open(team=world.bolton_team, quarter=Q.next(), user=world.lead_bolton)
    nxt = return_save_draft(
        qa_return=nxt,
        user=world.lead_bolton,
        lock_version=nxt.lock_version,
        figures=GOOD_FIGURES,
        scores=score_values(nxt, 3),
    )
    with pytest.raises(SubmitError) as error:
        return_submit(qa_return=nxt, user=world.lead_bolton)
    assert any(key.startswith("carried action") for key in error.value.errors)
    action = ImprovementAction.objects.get(indicator__code="1.1")
    improvement_plan_save(
        qa_return=nxt,
        user=world.lead_bolton,
        plans={},
        updates={action.pk: {"status": "dropped", "update_note": ""}},
    )
    with pytest.raises(SubmitError):  # dropped needs a reason
        return_submit(qa_return=nxt, user=world.lead_bolton)
    improvement_plan_save(
        qa_return=nxt,
        user=world.lead_bolton,
        plans={},
        updates={action.pk: {"status": "done", "update_note": "Checklist removed in May."}},
    )
    assert return_submit(qa_return=nxt, user=world.lead_bolton).status == "submitted"
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.updated_on_id == nxt.pk


def test_an_action_past_its_target_quarter_is_overdue(world):
    draft = _low_draft(world)
    _plan(world, draft)
    return_submit(qa_return=draft, user=world.lead_bolton)
    today = Q.next().next().start
    overdue = improvement_actions_overdue(pilot=world.pilot, today=today)
    assert [a.indicator.code for a in overdue] == ["1.1"]
    assert not improvement_actions_overdue(pilot=world.pilot, today=Q.next().start).exists()


def test_the_manager_sees_the_actions_on_the_review_screen(world, client):
    draft = _low_draft(world)
    _plan(world, draft)
    return_submit(qa_return=draft, user=world.lead_bolton)
    client.force_login(world.manager)
    text = page_text(client.get(f"/returns/{draft.pk}/"))
    assert "Remove the readiness checklist from referrals" in text
    assert "No action, because: Commissioner has already agreed" in text


def test_the_dashboard_panel_counts_open_actions_per_principle_and_la(world, client):
    draft = _low_draft(world)
    _plan(world, draft)
    return_submit(qa_return=draft, user=world.lead_bolton)
    client.force_login(world.manager)
    html = client.get("/dashboard/_improvement/").content.decode()
    # The target (the quarter after Q) ended long before today, so the action is overdue.
    assert "P1 in Bolton: 1 open, 1 overdue" in html
    assert "P2 in Bolton" not in html  # "no action" is not an open action


def test_open_actions_export_as_csv_and_xlsx(world, client):
    draft = _low_draft(world)
    _plan(world, draft)
    return_submit(qa_return=draft, user=world.lead_bolton)
    client.force_login(world.manager)
    csv_text = client.get("/improvement/export.csv").content.decode()
    assert "Remove the readiness checklist from referrals" in csv_text
    xlsx = client.get("/improvement/export.xlsx")
    assert xlsx.content[:2] == b"PK"


def test_the_export_writes_a_typed_formula_as_text_and_dates_as_dates(world, client):
    draft = _low_draft(world)
    _plan(world, draft)
    return_submit(qa_return=draft, user=world.lead_bolton)
    ImprovementAction.objects.filter(indicator__code="1.1").update(what='=HYPERLINK("http://x")')
    client.force_login(world.manager)
    sheet = load_workbook(io.BytesIO(client.get("/improvement/export.xlsx").content)).active
    headers = [cell.value for cell in sheet[1]]
    row = {header: cell for header, cell in zip(headers, sheet[2], strict=True)}
    assert row["What will change"].value == '\'=HYPERLINK("http://x")'
    assert row["What will change"].data_type == "s"
    assert row["Target quarter ends"].value.date() == Quarter(2025, 3).end
    assert row["Target quarter ends"].number_format == "d mmm yyyy"
    assert row["Last updated"].is_date


def test_a_team_leader_cannot_open_another_teams_improvement_plan(world, client):
    draft = _low_draft(world)
    client.force_login(world.lead_wigan)
    assert client.get(f"/returns/{draft.pk}/improvement/").status_code == 404


def test_the_team_leader_records_an_action_on_the_improvement_plan_page(world, client):
    draft = _low_draft(world)
    client.force_login(world.lead_bolton)
    page = page_text(client.get(f"/returns/{draft.pk}/improvement/"))
    assert "1.1" in page and "scored 2" in page
    i11, i21 = _indicator_id(draft, "1.1"), _indicator_id(draft, "2.1")
    response = client.post(
        f"/returns/{draft.pk}/improvement/",
        {
            f"plan-{i11}-plan": "action",
            f"plan-{i11}-what": "Weekly check-ins on housing offers",
            f"plan-{i11}-owner": "Senior worker",
            f"plan-{i11}-target": str(Q.index + 1),
            f"plan-{i21}-plan": "no_action",
            f"plan-{i21}-no_action_reason": "Already fixed after the audit.",
        },
    )
    assert response.status_code == 302
    action = ImprovementAction.objects.get(indicator_id=i11)
    assert (action.owner, action.target_quarter_index) == ("Senior worker", Q.index + 1)
    assert ImprovementAction.objects.get(indicator_id=i21).no_action


def _carried(world, count=3):
    """A submitted earlier return with `count` open actions, and this quarter's draft."""
    earlier = _low_draft(world)
    _plan(world, earlier)
    earlier = return_submit(qa_return=earlier, user=world.lead_bolton)
    for code in ("3.1", "4.1", "5.1")[: count - 1]:
        indicator = earlier.scores.get(indicator__code=code).indicator
        ImprovementAction.objects.create(
            qa_return=earlier,
            team=world.bolton_team,
            indicator=indicator,
            principle_code=indicator.principle.code,
            what=f"Action on {code}",
            owner="Team leader",
        )
    draft = return_open(team=world.bolton_team, quarter=Q.next(), user=world.lead_bolton)
    return draft, list(improvement_actions_carried(qa_return=draft))


def test_the_carried_actions_are_one_table_with_a_status_per_row(world, client):
    draft, carried = _carried(world)
    client.force_login(world.lead_bolton)
    page = client.get(f"/returns/{draft.pk}/improvement/").content.decode()
    assert page.count('class="carried-row improvement-update"') == len(carried) == 3
    for action in carried:
        assert f'<select name="update-{action.pk}-status"' in page
    # No note box is asked for until a row is dropped (the CSS hides the unneeded ones).
    assert "update-note-box mt-1 needed" not in page
    assert "Mark the rest (3 not answered) as still in progress" in page


def test_mark_the_rest_as_still_in_progress_sets_only_the_unanswered_rows(world, client):
    draft, carried = _carried(world)
    first, second, third = carried
    client.force_login(world.lead_bolton)
    response = client.post(
        f"/returns/{draft.pk}/improvement/",
        {
            f"update-{first.pk}-status": "done",
            f"update-{second.pk}-status": "dropped",
            f"update-{second.pk}-update_note": "Merged into another action.",
            "rest_in_progress": "1",
        },
    )
    assert response.status_code == 302
    assert response.url == f"/returns/{draft.pk}/improvement/"
    statuses = {
        a.pk: (a.status, a.updated_on_id) for a in ImprovementAction.objects.filter(team=draft.team)
    }
    assert statuses[first.pk] == ("done", draft.pk)
    assert statuses[second.pk] == ("dropped", draft.pk)
    assert statuses[third.pk] == ("in_progress", draft.pk)
    page = client.get(f"/returns/{draft.pk}/improvement/").content.decode()
    assert "Mark the rest" not in page
    assert "update-note-box mt-1 needed" in page  # the dropped row's note stays in view


def test_a_new_action_names_its_indicator_in_a_label_that_reads_well(world, client):
    draft = _low_draft(world)
    client.force_login(world.lead_bolton)
    page = page_text(client.get(f"/returns/{draft.pk}/improvement/"))
    text = draft.scores.get(indicator__code="1.1").indicator.text
    assert f"Indicator 1.1 (scored 2): {text}" in page
    assert ".: scored" not in page
