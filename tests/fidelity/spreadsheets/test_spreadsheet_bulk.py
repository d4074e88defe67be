"""A pilot manager brings a pilot's earlier spreadsheets in: past quarters for many teams at
once, all or nothing, created as submitted with stored principle scores."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from fidelity.returns.models import PrincipleScore, QAReturn, ReturnStatus
from fidelity.returns.selectors import quarter_of_today
from tests.fidelity.factories import make_return, page_text

from .spreadsheet_files import figure_row, fill, score_row, template, upload

URL = reverse("fidelity:spreadsheet_bulk")


@pytest.fixture
def past(world):
    current = quarter_of_today(pilot=world.pilot)
    return current.previous(), current.previous().previous()


@pytest.fixture
def manager(client, world):
    client.force_login(world.manager)
    return client


def _import(client, *files):
    return client.post(URL, {"files": list(files)})


def test_manager_imports_past_quarters_for_several_teams_as_submitted(manager, world, past):
    last, before = past
    files = [
        upload(fill(template(world.bolton_team, last), score=4), "bolton-last.xlsx"),
        upload(fill(template(world.bolton_team, before), score=2), "bolton-before.xlsx"),
        upload(fill(template(world.bury_team, last), score=3), "bury-last.xlsx"),
    ]
    response = _import(manager, *files)

    assert response.status_code == 200
    text = page_text(response)
    assert "Imported 3 past returns as submitted." in text
    assert "3 past returns created as submitted" in text
    bolton_last = QAReturn.objects.get(team=world.bolton_team, quarter_index=last.index)
    assert bolton_last.status == ReturnStatus.SUBMITTED
    assert bolton_last.submitted_by == world.manager
    assert bolton_last.overall_score == 4
    assert bolton_last.people_supported == 12
    assert PrincipleScore.objects.filter(qa_return=bolton_last).count() == 7
    transition = bolton_last.transitions.get()
    assert transition.to_status == ReturnStatus.SUBMITTED
    assert "Imported from the spreadsheet bolton-last.xlsx" in transition.comment
    assert (
        QAReturn.objects.get(team=world.bolton_team, quarter_index=before.index).overall_score == 2
    )


def test_one_bad_file_imports_nothing_and_names_the_file_and_cell(manager, world, past):
    last, before = past
    good = fill(template(world.bolton_team, last))
    bad = fill(template(world.wigan_team, last))
    bad["Scores"]["C7"] = 9
    text = page_text(_import(manager, upload(good, "good.xlsx"), upload(bad, "wigan.xlsx")))
    assert "Nothing was imported: 1 problem needs fixing first." in text
    assert "wigan.xlsx, Scores!C7: the score must be 1, 2, 3 or 4" in text
    assert not QAReturn.objects.exists()


def test_past_returns_must_be_complete(manager, world, past):
    workbook = fill(template(world.bolton_team, past[0]))
    workbook["Scores"].cell(score_row(workbook, "3.2"), 3).value = None
    workbook["Caseload"]["B6"] = None
    text = page_text(_import(manager, upload(workbook)))
    row = score_row(workbook, "3.2")
    assert f"Scores!C{row}: indicator 3.2 has no score" in text
    assert "Caseload!B6: enter how many people the team supported at quarter end." in text
    assert not QAReturn.objects.exists()


def test_past_returns_figures_must_add_up(manager, world, past):
    workbook = fill(template(world.bolton_team, past[0]))
    row = figure_row(workbook, "tenancies_ended")
    workbook["Caseload"].cell(row, 2).value = 5
    text = page_text(_import(manager, upload(workbook)))
    assert (
        f"Caseload!B{row}: the reasons tenancies ended add up to 2, but 5 tenancies ended. "
        "Make them match (use 'Ended: reason unknown' for any you do not know)."
    ) in text
    assert not QAReturn.objects.exists()


def test_a_quarter_that_already_has_a_return_is_not_imported_over(manager, world, past):
    make_return(world.bolton_team, past[0].year, past[0].number)
    text = page_text(_import(manager, upload(fill(template(world.bolton_team, past[0])))))
    assert f"HF Bolton already has a return for {past[0].label}" in text
    assert QAReturn.objects.count() == 1


def test_the_same_team_and_quarter_twice_in_one_import_is_refused(manager, world, past):
    workbook = fill(template(world.bolton_team, past[0]))
    text = page_text(_import(manager, upload(workbook, "a.xlsx"), upload(workbook, "b.xlsx")))
    assert "in another of these files" in text
    assert not QAReturn.objects.exists()


def test_the_current_quarter_is_not_imported(manager, world):
    current = quarter_of_today(pilot=world.pilot)
    text = page_text(_import(manager, upload(fill(template(world.bolton_team, current)))))
    assert f"{current.label} is not a past quarter." in text
    assert not QAReturn.objects.exists()


def test_a_team_of_another_pilot_is_refused(manager, world, past):
    workbook = fill(template(world.other_team, past[0]))
    text = page_text(_import(manager, upload(workbook)))
    assert "About!B5: this file is for a team outside this pilot." in text
    assert "HF Elsewhere" not in text
    assert not QAReturn.objects.exists()


def test_formula_and_broken_files_are_named_without_importing_anything(manager, world, past):
    workbook = fill(template(world.bolton_team, past[0]))
    workbook["Scores"]["E7"] = '=HYPERLINK("http://example.invalid")'
    broken = SimpleUploadedFile("broken.xlsx", b"not a workbook")
    text = page_text(_import(manager, upload(workbook, "formula.xlsx"), broken))
    assert "formula.xlsx, Scores!E7: this cell holds a formula." in text
    assert "broken.xlsx" in text and "is not an Excel workbook" in text
    assert not QAReturn.objects.exists()


def test_manager_downloads_a_past_quarters_template_for_a_team(manager, world, past):
    response = manager.get(URL, {"team": world.wigan_team.pk, "quarter": past[1].slug})
    assert response.url == reverse(
        "fidelity:spreadsheet_template", args=[world.wigan_team.pk, past[1].slug]
    )
    assert manager.get(response.url).status_code == 200


def test_team_leaders_cannot_import_past_returns(client, world):
    client.force_login(world.lead_bolton)
    assert client.get(URL).status_code == 404
