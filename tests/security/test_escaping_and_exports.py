"""Script typed into a text field comes out as text: escaped in pages, neutralised in CSV and
XLSX, literal in PDFs; and every export is written to the audit trail."""

from __future__ import annotations

import csv
import io

import openpyxl
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from fidelity.returns.models import IndicatorScore
from partners.models import SecurityEvent, SecurityEventKind
from tests.forums.factories import raise_challenge

SCRIPT = "<script>alert('hf')</script>"
FORMULA = '=HYPERLINK("http://evil.example","x")'


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _evidence(qa_return, text: str) -> None:
    IndicatorScore.objects.filter(qa_return=qa_return).update(evidence=text)


def test_script_in_a_forum_challenge_is_shown_escaped(secure_world):
    raise_challenge(secure_world.published_session, SCRIPT, secure_world.bolton)
    for name, args in [
        ("forums:session_detail", [secure_world.published_session.pk]),
        ("forums:summary", []),
    ]:
        page = client_for(secure_world.lead_bolton).get(reverse(name, args=args)).content.decode()
        assert SCRIPT not in page
        assert "&lt;script&gt;alert(&#x27;hf&#x27;)&lt;/script&gt;" in page


def test_script_in_return_evidence_is_shown_escaped(secure_world):
    _evidence(secure_world.submitted_return, SCRIPT)
    url = reverse("fidelity:return_detail", args=[secure_world.submitted_return.pk])
    page = client_for(secure_world.manager).get(url).content.decode()
    assert SCRIPT not in page
    assert "&lt;script&gt;" in page


def test_a_formula_in_return_evidence_is_neutralised_in_csv_and_xlsx(secure_world):
    _evidence(secure_world.submitted_return, FORMULA)
    client = client_for(secure_world.manager)
    pk = secure_world.submitted_return.pk
    text = client.get(reverse("fidelity:return_export", args=[pk, "csv"])).content.decode()
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert "'" + FORMULA in cells
    assert FORMULA not in cells
    book = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("fidelity:return_export", args=[pk, "xlsx"])).content)
    )
    values = [c.value for sheet in book for row in sheet.iter_rows() for c in row]
    assert "'" + FORMULA in values
    assert FORMULA not in values


def test_a_formula_in_a_forum_challenge_is_neutralised_in_the_summary_csv(secure_world):
    raise_challenge(secure_world.published_session, FORMULA, secure_world.bolton)
    text = client_for(secure_world.facilitator).get(reverse("forums:summary_csv")).content
    cells = [cell for row in csv.reader(io.StringIO(text.decode())) for cell in row]
    assert "'" + FORMULA in cells
    assert FORMULA not in cells


def test_script_in_a_forum_challenge_is_literal_text_in_the_summary_pdf(secure_world):
    raise_challenge(secure_world.published_session, SCRIPT, secure_world.bolton)
    pdf = client_for(secure_world.facilitator).get(reverse("forums:summary_pdf")).content
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "<script>alert('hf')</script>" in text.replace("\n", "")


def test_every_export_is_recorded_in_the_audit_trail(secure_world):
    manager = client_for(secure_world.manager)
    pk = secure_world.submitted_return.pk
    manager.get(reverse("fidelity:return_export", args=[pk, "csv"]))
    manager.get(reverse("fidelity:return_export", args=[pk, "xlsx"]))
    manager.get(reverse("fidelity:dashboard_export", args=["headline", "csv"]))
    manager.get(reverse("forums:summary_csv"))
    manager.get(reverse("forums:summary_pdf"))
    manager.get(reverse("reports:download", args=[secure_world.report.pk]))
    events = SecurityEvent.objects.filter(user=secure_world.manager)
    assert events.filter(kind=SecurityEventKind.EXPORT).count() == 5
    assert events.filter(kind=SecurityEventKind.DOWNLOAD).count() == 1


def test_oversized_input_gets_a_clear_limit_message(secure_world):
    url = reverse("forums:note_add", args=[secure_world.draft_session.pk, "challenge"])
    response = client_for(secure_world.facilitator).post(url, {"text": "x" * 5000})
    assert response.status_code == 422
    assert "at most 1000 characters" in response.content.decode()
