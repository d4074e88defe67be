"""A team leader fills in this quarter's return as a spreadsheet: downloads the template,
uploads it, reads any problem by sheet and cell, previews the changes and confirms."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from fidelity.returns.models import QAReturn, ReturnStatus
from fidelity.returns.selectors import quarter_of_today
from fidelity.returns.services import return_open, return_save_draft
from tests.fidelity.factories import fill_return, make_return, page_text, score_values

from .spreadsheet_files import figure_row, fill, score_row, template, upload


@pytest.fixture
def quarter(world):
    return quarter_of_today(pilot=world.pilot)


@pytest.fixture
def leader(client, world):
    client.force_login(world.lead_bolton)
    return client


def _url(name, world, quarter):
    return reverse(f"fidelity:{name}", args=[world.bolton_team.pk, quarter.slug])


def _upload(client, world, quarter, workbook, name="return.xlsx"):
    return client.post(_url("spreadsheet_upload", world, quarter), {"file": upload(workbook, name)})


def test_template_holds_the_team_quarter_indicators_scale_dropdown_and_caseload(
    leader, world, quarter
):
    response = leader.get(_url("spreadsheet_template", world, quarter))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    scores, about = workbook["Scores"], workbook["About"]
    assert "HF Bolton" in scores["A1"].value and quarter.label in scores["A1"].value
    assert scores["A7"].value == "1.1" and scores["B7"].value
    dropdown = scores.data_validations.dataValidation[0]
    assert dropdown.type == "list"
    assert dropdown.formula1 == '"1,2,3,4,Not assessed"'
    assert "C7" in dropdown.sqref
    assert workbook["Caseload"]["A6"].value == "People supported at quarter end"
    assert about.protection.sheet
    assert about["B5"].value == str(world.bolton_team.pk)
    assert about["B7"].value == quarter.slug


def test_template_is_filled_in_with_the_draft_so_far(leader, world, quarter):
    draft = return_open(team=world.bolton_team, quarter=quarter, user=world.lead_bolton)
    fill_return(draft, world.lead_bolton, value=2)
    workbook = template(world.bolton_team, quarter)
    assert workbook["Scores"]["C7"].value == 2
    assert workbook["Caseload"].cell(figure_row(workbook, "people_supported"), 2).value == 12


def test_upload_shows_old_and_new_values_and_saves_nothing_before_confirming(
    leader, world, quarter
):
    workbook = fill(template(world.bolton_team, quarter), score=3, people_supported=9)
    workbook["Scores"]["C7"] = 4
    response = _upload(leader, world, quarter, workbook)
    assert response.status_code == 302
    assert response.url == _url("spreadsheet_preview", world, quarter)
    assert not QAReturn.objects.filter(team=world.bolton_team).exists()

    text = page_text(leader.get(response.url))
    assert "Indicator 1.1 score (blank) changes to 4 Fully in place" in text
    assert "Indicator 1.2 score (blank) changes to 3 Mostly in place" in text
    assert "People supported at quarter end (blank) changes to 9" in text
    assert not QAReturn.objects.filter(team=world.bolton_team).exists()


def test_confirming_saves_the_spreadsheet_into_the_draft(leader, world, quarter):
    workbook = fill(template(world.bolton_team, quarter), score=3)
    row = score_row(workbook, "2.1")
    workbook["Scores"].cell(row, 3).value = "Not assessed"
    workbook["Scores"].cell(row, 4).value = "No audit this quarter"
    _upload(leader, world, quarter, workbook)

    response = leader.post(_url("spreadsheet_confirm", world, quarter))

    qa_return = QAReturn.objects.get(team=world.bolton_team)
    assert response.url == reverse("fidelity:return_tasks", args=[qa_return.pk])
    assert qa_return.status == ReturnStatus.DRAFT
    assert qa_return.people_supported == 12
    assert qa_return.staff_fte == 2
    two_one = qa_return.scores.get(indicator__code="2.1")
    assert two_one.not_assessed and two_one.not_assessed_reason == "No audit this quarter"
    assert set(qa_return.scores.exclude(indicator__code="2.1").values_list("score", flat=True)) == {
        3
    }
    assert qa_return.scores.get(indicator__code="1.1").evidence == "Invented evidence for 1.1"


def test_a_wrong_score_is_named_by_sheet_and_cell(leader, world, quarter):
    workbook = fill(template(world.bolton_team, quarter))
    workbook["Scores"]["C7"] = 7
    response = _upload(leader, world, quarter, workbook)
    assert response.status_code == 200
    assert (
        "Scores!C7: the score must be 1, 2, 3 or 4, or 'Not assessed' with a reason."
        in page_text(response)
    )


def test_not_assessed_without_a_reason_names_the_reason_cell(leader, world, quarter):
    workbook = fill(template(world.bolton_team, quarter))
    workbook["Scores"]["C8"] = "Not assessed"
    text = page_text(_upload(leader, world, quarter, workbook))
    assert "Scores!D8: say why indicator 1.2 was not assessed this quarter." in text


def test_a_figure_that_is_not_a_whole_number_names_its_cell(leader, world, quarter):
    workbook = fill(template(world.bolton_team, quarter), new_referrals="a few")
    row = figure_row(workbook, "new_referrals")
    text = page_text(_upload(leader, world, quarter, workbook))
    assert f"Caseload!B{row}: New referrals must be a whole number of 0 or more." in text


def test_every_problem_is_listed_at_once(leader, world, quarter):
    workbook = fill(template(world.bolton_team, quarter), staff_fte=-1)
    workbook["Scores"]["C7"] = "five"
    workbook["Scores"]["C9"] = 0
    text = page_text(_upload(leader, world, quarter, workbook))
    assert "3 problems need fixing" in text
    assert "Scores!C7:" in text and "Scores!C9:" in text and "Caseload!B" in text


def test_one_wrong_cell_saves_nothing_of_the_file(leader, world, quarter):
    draft = return_open(team=world.bolton_team, quarter=quarter, user=world.lead_bolton)
    fill_return(draft, world.lead_bolton, value=2)
    draft.refresh_from_db()
    workbook = fill(template(world.bolton_team, quarter), score=4, people_supported=30)
    workbook["Scores"]["C12"] = "maybe"
    _upload(leader, world, quarter, workbook)
    leader.post(_url("spreadsheet_confirm", world, quarter))

    after = QAReturn.objects.get(pk=draft.pk)
    assert after.lock_version == draft.lock_version
    assert after.people_supported == 12
    assert set(after.scores.values_list("score", flat=True)) == {2}


def test_a_formula_cell_is_refused_with_the_cell_named(leader, world, quarter):
    workbook = fill(template(world.bolton_team, quarter))
    workbook["Caseload"]["B6"] = "=SUM(1,2)"
    text = page_text(_upload(leader, world, quarter, workbook))
    assert "Caseload!B6: this cell holds a formula." in text
    assert not QAReturn.objects.filter(team=world.bolton_team).exists()


def test_a_file_over_2_mb_is_refused_with_its_size(leader, world, quarter):
    big = SimpleUploadedFile("big.xlsx", b"x" * (2 * 1024 * 1024 + 10))
    response = leader.post(_url("spreadsheet_upload", world, quarter), {"file": big})
    assert response.status_code == 200
    assert "big.xlsx is 2.0 MB; each file can be at most 2 MB." in page_text(response)


def test_a_sheet_with_too_many_rows_is_refused(leader, world, quarter):
    workbook = fill(template(world.bolton_team, quarter))
    workbook["Scores"]["B900"] = "stray"
    text = page_text(_upload(leader, world, quarter, workbook))
    assert "Scores: the sheet has 900 rows" in text
    assert "at most 500 rows" in text


def test_a_file_that_is_not_a_workbook_gets_a_clear_message(leader, world, quarter):
    junk = SimpleUploadedFile("return.xlsx", b"PK\x03\x04 not really a zip file")
    response = leader.post(_url("spreadsheet_upload", world, quarter), {"file": junk})
    assert response.status_code == 200
    assert "this is not an Excel workbook (.xlsx) that can be read" in page_text(response)


def test_a_file_of_another_kind_is_refused_by_its_name(leader, world, quarter):
    csv = SimpleUploadedFile("return.csv", b"Section,Code\n")
    response = leader.post(_url("spreadsheet_upload", world, quarter), {"file": csv})
    assert "return.csv is not an .xlsx file." in page_text(response)


def test_a_workbook_that_is_not_the_template_is_recognised(leader, world, quarter):
    other = Workbook()
    other.active["A1"] = "Our old tracker"
    text = page_text(_upload(leader, world, quarter, other))
    assert "this is not the QA return template" in text


def test_the_returns_own_export_is_not_taken_for_the_template(leader, world, quarter):
    qa_return = make_return(world.bolton_team, quarter.year, quarter.number)
    export = leader.get(reverse("fidelity:return_export", args=[qa_return.pk, "xlsx"]))
    qa_return.delete()
    response = leader.post(
        _url("spreadsheet_upload", world, quarter),
        {"file": SimpleUploadedFile("export.xlsx", export.content)},
    )
    assert "this is not the QA return template" in page_text(response)


def test_another_teams_file_is_refused(leader, world, quarter):
    workbook = fill(template(world.wigan_team, quarter))
    text = page_text(_upload(leader, world, quarter, workbook))
    assert "About!B5: this file is another team's return, not HF Bolton's." in text
    assert "HF Wigan" not in text


def test_another_quarters_file_is_refused(leader, world, quarter):
    workbook = fill(template(world.bolton_team, quarter.previous()))
    text = page_text(_upload(leader, world, quarter, workbook))
    assert f"About!B7: this file is for another quarter, not {quarter.label}." in text


def test_confirm_is_refused_when_the_draft_changed_after_the_preview(leader, world, quarter):
    draft = return_open(team=world.bolton_team, quarter=quarter, user=world.lead_bolton)
    _upload(leader, world, quarter, fill(template(world.bolton_team, quarter), score=4))
    return_save_draft(
        qa_return=draft,
        user=world.lead_bolton,
        lock_version=draft.lock_version,
        figures={},
        scores=score_values(draft, 1),
    )

    response = leader.post(_url("spreadsheet_confirm", world, quarter), follow=True)

    assert "The return was changed after you uploaded your file, so nothing was saved." in (
        page_text(response)
    )
    assert set(QAReturn.objects.get(pk=draft.pk).scores.values_list("score", flat=True)) == {1}


def test_confirm_without_a_checked_upload_saves_nothing(leader, world, quarter):
    response = leader.post(_url("spreadsheet_confirm", world, quarter), follow=True)
    assert "There is no checked upload to save." in page_text(response)
    assert not QAReturn.objects.filter(team=world.bolton_team).exists()


def test_another_team_leader_cannot_reach_bolton_upload(client, world, quarter):
    client.force_login(world.lead_wigan)
    for name in ("spreadsheet_upload", "spreadsheet_preview", "spreadsheet_template"):
        assert client.get(_url(name, world, quarter)).status_code == 404


def test_a_submitted_return_cannot_be_changed_by_upload(leader, world, quarter):
    qa_return = make_return(world.bolton_team, quarter.year, quarter.number)
    response = leader.get(_url("spreadsheet_upload", world, quarter), follow=True)
    assert response.redirect_chain[-1][0] == reverse("fidelity:return_detail", args=[qa_return.pk])
    assert "submitted and is waiting for review" in page_text(response)


def test_a_future_quarter_has_no_template(leader, world, quarter):
    url = reverse("fidelity:spreadsheet_template", args=[world.bolton_team.pk, quarter.next().slug])
    assert leader.get(url).status_code == 404


def test_spreadsheet_page_lists_this_quarters_template_and_upload(leader, world, quarter):
    text = page_text(leader.get(reverse("fidelity:spreadsheet_index")))
    assert f"Download the {quarter.label} template for HF Bolton" in text
    assert f"Upload the {quarter.label} spreadsheet for HF Bolton" in text
