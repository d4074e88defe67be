"""A bidirectional override typed into a return's evidence, a forum challenge or a spreadsheet
cell is refused next to its field or cell, and what was typed is kept on the page."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from common.quarters import Quarter
from fidelity.frameworks.selectors import current_framework_version
from fidelity.returns.models import IndicatorScore
from fidelity.returns.selectors import quarter_of_today
from fidelity.returns.services import return_open
from fidelity.spreadsheets import selectors as spreadsheet_selectors
from fidelity.spreadsheets import workbook as spreadsheet
from fidelity.spreadsheets.reading import open_workbook
from forums.models import Challenge
from tests.fidelity.factories import form_data, page_text, use_default_framework
from tests.fidelity.spreadsheets.spreadsheet_files import fill, score_row, template, upload
from tests.forums.factories import make_session

PROBE = "Audit of RTL\u202eprobe gnp.exe files"
MESSAGE = "holds an invisible character (U+202E, right-to-left override) at character 13"


def test_evidence_with_a_bidi_override_is_refused_and_kept_in_the_form(client, world):
    use_default_framework(world.pilot)
    draft = return_open(team=world.bolton_team, quarter=Quarter(2025, 4), user=world.lead_bolton)
    client.force_login(world.lead_bolton)
    data = form_data(draft, **{"score-1.1-evidence": PROBE})
    response = client.post(f"/returns/{draft.pk}/section/p1/", {**data, "continue": "1"})
    assert response.status_code == 200
    assert f"This text {MESSAGE}" in page_text(response)
    assert html.escape(PROBE) in response.content.decode()
    assert not IndicatorScore.objects.filter(evidence__contains="\u202e").exists()


def test_a_forum_challenge_with_a_bidi_override_is_refused_and_kept(client, world):
    session = make_session(world.pilot, published=False)
    client.force_login(world.facilitator)
    response = client.post(
        reverse("forums:note_add", args=[session.pk, "challenge"]),
        {"text": PROBE, "principle_code": "P1", "local_authorities": [world.bolton.pk]},
        HTTP_HX_REQUEST="true",
    )
    assert f"This text {MESSAGE}" in page_text(response)
    assert html.escape(PROBE) in response.content.decode()
    assert not Challenge.objects.filter(session=session).exists()


@pytest.mark.parametrize("column", ["D", "E"])
def test_a_spreadsheet_cell_with_a_bidi_override_is_named(world, column):
    quarter = quarter_of_today(pilot=world.pilot)
    workbook = fill(template(world.bolton_team, quarter))
    row = score_row(workbook, "1.1")
    if column == "D":
        workbook["Scores"][f"C{row}"] = "Not assessed"
    workbook["Scores"][f"{column}{row}"] = PROBE
    spec = spreadsheet_selectors.template_spec(
        team=world.bolton_team,
        quarter=quarter,
        version=current_framework_version(pilot=world.pilot),
    )
    parsed = spreadsheet.parse_return(open_workbook(upload(workbook).read()), spec)
    assert [str(p) for p in parsed.problems if MESSAGE in str(p)] == [
        f"Scores!{column}{row}: this text {MESSAGE}. Remove it: such characters can make text "
        "show in a different order from how it was typed, or hide words. Retyping the text "
        "around it removes it."
    ]
