"""One return, three ways in: the web form, a team leader's spreadsheet upload and a pilot
manager's import of a past quarter all get their submit rules from the submit service, so the
same inconsistent return gets the same answers whichever way it comes."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from fidelity.returns.models import QAReturn
from fidelity.returns.selectors import quarter_of_today
from fidelity.returns.services import return_open, return_submit_errors
from tests.fidelity.factories import form_data, post_sections

from .spreadsheet_files import figure_row, fill, template, upload

# More tenancies sustained (20) than people supported (12, as in GOOD_FIGURES).
TOO_MANY_SUSTAINED = {"tenancies_sustained": 20}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


def _web_form_answers(world, *, rating="3", **figures) -> dict[str, str]:
    """The leader of Bolton submits this quarter's return from the web form."""
    draft = return_open(
        team=world.bolton_team, quarter=quarter_of_today(pilot=world.pilot), user=world.lead_bolton
    )
    data = form_data(draft, rating=rating, **{f"caseload-{k}": v for k, v in figures.items()})
    client = _client(world.lead_bolton)
    post_sections(client, draft, data)
    draft.refresh_from_db()
    response = client.post(
        reverse("fidelity:return_check_submit", args=[draft.pk]),
        {"lock_version": str(draft.lock_version)},
    )
    assert response.status_code == 200
    problems = response.context["problems"]
    answers = {
        p.field_id.removeprefix("id_caseload-"): p.message
        for p in problems
        if p.section == "caseload"
    }
    answers.update({str(i): p.message for i, p in enumerate(problems) if p.section != "caseload"})
    return answers


def _upload_answers(world, *, score=3, **figures) -> tuple[dict[str, str], list[str]]:
    """The leader of Wigan uploads this quarter's return as a spreadsheet and confirms it: (what
    the submit service says of the saved draft, the messages they are shown)."""
    quarter = quarter_of_today(pilot=world.pilot)
    client = _client(world.lead_wigan)
    args = [world.wigan_team.pk, quarter.slug]
    workbook = fill(template(world.wigan_team, quarter), score=score, **figures)
    client.post(reverse("fidelity:spreadsheet_upload", args=args), {"file": upload(workbook)})
    response = client.post(reverse("fidelity:spreadsheet_confirm", args=args), follow=True)
    draft = QAReturn.objects.get(team=world.wigan_team)
    shown = [m.message for m in response.context["messages"]]
    return return_submit_errors(qa_return=draft), shown


def _import_answers(world, **figures) -> tuple[dict[str, str], object]:
    """A manager imports Bury's last quarter from a spreadsheet: (problems by cell, workbook)."""
    last = quarter_of_today(pilot=world.pilot).previous()
    workbook = fill(template(world.bury_team, last), **figures)
    response = _client(world.manager).post(
        reverse("fidelity:spreadsheet_bulk"), {"files": [upload(workbook, "bury.xlsx")]}
    )
    return {problem.place: problem.message for _, problem in response.context["problems"]}, workbook


def test_inconsistent_figures_get_the_same_answers_from_form_upload_and_import(world):
    web_form = _web_form_answers(world, **TOO_MANY_SUSTAINED)
    uploaded, shown = _upload_answers(world, **TOO_MANY_SUSTAINED)
    imported, workbook = _import_answers(world, **TOO_MANY_SUSTAINED)

    expected = {
        "tenancies_sustained": (
            "Tenancies sustained (20) cannot be more than the people supported (12)."
        )
    }
    assert web_form == expected
    assert uploaded == expected
    assert (
        f"Before it can be submitted, 1 thing needs fixing: {expected['tenancies_sustained']}"
        in (shown)
    )
    cell = f"Caseload!B{figure_row(workbook, 'tenancies_sustained')}"
    assert {place: _sentence(m) for place, m in imported.items()} == {
        cell: expected["tenancies_sustained"]
    }
    assert not QAReturn.objects.filter(team=world.bury_team).exists()


def test_a_low_score_without_an_action_gets_the_same_answer_from_form_and_upload(world):
    web_form = _web_form_answers(world, rating="1")
    uploaded, shown = _upload_answers(world, score=1)

    assert set(web_form.values()) == set(uploaded.values())
    assert any(key.startswith("improvement ") for key in uploaded)
    assert any(all(message in text for message in uploaded.values()) for text in shown)


def test_a_past_return_is_not_asked_for_an_improvement_plan(world):
    last = quarter_of_today(pilot=world.pilot).previous()
    workbook = fill(template(world.bolton_team, last), score=1)
    response = _client(world.manager).post(
        reverse("fidelity:spreadsheet_bulk"), {"files": [upload(workbook)]}
    )
    assert response.context["problems"] == []
    assert QAReturn.objects.get(team=world.bolton_team).overall_score == 1
