import csv
import datetime
import io

import pikepdf
import pytest
from django.urls import reverse
from pypdf import PdfReader

from forums import services
from tests import factories
from tests.fidelity.factories import make_return
from tests.pdfua_checks import problems, structure

from .factories import make_session, raise_challenge


@pytest.fixture
def notes(world):
    session = make_session(world.pilot, principle_code="P1", date=datetime.date(2026, 5, 6))
    shared = raise_challenge(
        session,
        "Landlords ask for proof of readiness",
        world.bolton,
        world.wigan,
        themes=("Landlord practice",),
    )
    raise_challenge(session, "=cmd|' /C calc'!A0", world.bury, themes=("Housing supply",))
    services.action_add(
        session=session, what="Guide for landlords", owner="Lead provider", challenge=shared
    )
    services.good_practice_add(
        session=session, text="Landlord forum halves refusals", principle_code="P1"
    )
    other = make_session(world.pilot, principle_code="P5", date=datetime.date(2026, 8, 1))
    raise_challenge(other, "Cases closed for non-engagement", world.bury)
    return session


def _csv(client, **params):
    response = client.get(reverse("forums:summary_csv"), params)
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_csv_lists_challenges_by_principle_and_theme_with_their_las_and_actions(
    client, world, notes
):
    client.force_login(world.facilitator)
    rows = _csv(client)
    header = rows[0]
    readiness = dict(zip(header, next(r for r in rows if "readiness" in r[6]), strict=True))
    assert readiness["Principle"] == "P1. People have a right to a home"
    assert readiness["Theme"] == "Landlord practice"
    assert readiness["Local authorities"] == "Bolton, Wigan"
    assert readiness["Local authorities raising it"] == "2"
    assert readiness["Actions (owner, status, due)"] == "Guide for landlords (Lead provider, Open)"
    assert any(r[5] == "Good practice" and r[6] == "Landlord forum halves refusals" for r in rows)


def test_csv_neutralises_a_formula_typed_into_a_challenge(client, world, notes):
    client.force_login(world.facilitator)
    rows = _csv(client)
    assert "'=cmd|' /C calc'!A0" in [r[6] for r in rows]


def test_summary_filters_by_principle_zone_and_dates(client, world, notes):
    client.force_login(world.facilitator)
    assert {r[0][:2] for r in _csv(client, principle="P5")[1:]} == {"P5"}
    north = world.bury.zone
    texts = [r[6] for r in _csv(client, zone=north.pk)[1:]]
    assert "Landlords ask for proof of readiness" not in texts
    assert "Cases closed for non-engagement" in texts
    texts = [r[6] for r in _csv(client, date_from="2026-07-01")[1:]]
    assert texts == ["Cases closed for non-engagement"]


def test_summary_shows_the_pilots_latest_fidelity_score_beside_each_principle(client, world, notes):
    make_return(world.bolton_team, 2026, 1, scores={"P1": [2, 2, 3, 3]})
    make_return(world.bolton_team, 2026, 2, scores={"P1": [3, 3, 3, 3]})
    client.force_login(world.facilitator)
    response = client.get(reverse("forums:summary"))
    assert "Latest score 3.00 (2026-27 Q2)" in response.content.decode()
    assert "up 0.50 on the quarter before" in response.content.decode()
    rows = _csv(client)
    p1 = next(r for r in rows if r[0].startswith("P1"))
    assert p1[1:4] == ["3.00", "Good", "up 0.50"]


def test_draft_notes_are_left_out_of_the_summary(client, world, notes):
    draft = make_session(world.pilot, published=False)
    raise_challenge(draft, "Draft challenge text", world.bolton)
    client.force_login(world.facilitator)
    assert "Draft challenge text" not in [r[6] for r in _csv(client)]


def test_pdf_summary_holds_the_shared_challenge_and_its_las(client, world, notes):
    client.force_login(world.facilitator)
    response = client.get(reverse("forums:summary_pdf"))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Landlords ask for proof of readiness" in text
    assert "Bolton, Wigan" in text
    assert "Page 1 of" in text
    assert reader.metadata.title.startswith("Forum challenge summary")


def test_pdf_summary_passes_the_pdf_ua_checks(client, world, notes):
    client.force_login(world.facilitator)

    response = client.get(reverse("forums:summary_pdf"))

    assert problems(response.content) == []
    with pikepdf.open(io.BytesIO(response.content)) as pdf:
        headers = structure(pdf).of_type("/TH")
        assert headers and {str(th.A.Scope) for th in headers} == {"/Column"}


def test_another_pilots_summary_holds_none_of_this_pilots_challenges(client, world, notes):
    other_facilitator = factories.facilitator(world.other_pilot, "other-facilitator")
    client.force_login(other_facilitator)
    assert len(_csv(client)) == 1
