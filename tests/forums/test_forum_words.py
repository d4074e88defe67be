"""Forum pages, the summary's CSV and PDF of a pilot on a five-domain instrument say "domain",
never "principle"."""

from __future__ import annotations

import datetime
from io import BytesIO

import pytest
from django.urls import reverse
from pypdf import PdfReader

from forums import services
from tests.fidelity.frameworks.five_domains import readable_text, use_five_domains

from .factories import make_session, raise_challenge


@pytest.fixture
def domain_forum(world):
    use_five_domains(world.pilot)
    session = make_session(world.pilot, principle_code="D3", date=datetime.date(2026, 8, 12))
    challenge = raise_challenge(session, "Landlords ask for a support plan first", world.wigan)
    services.action_add(
        session=session, what="Meet the landlords", owner="Lead", challenge=challenge
    )
    services.good_practice_add(session=session, text="A shared tenancy guide", principle_code="D1")
    world.session = session
    return world


def test_forum_pages_and_the_summary_export_never_say_principle(client, domain_forum):
    client.force_login(domain_forum.facilitator)
    urls = {
        "forums": reverse("forums:index"),
        "session with its forms": reverse("forums:session_detail", args=[domain_forum.session.pk]),
        "new session form": reverse("forums:session_create"),
        "challenge summary": reverse("forums:summary"),
        "cross-LA view": reverse("forums:cross_la"),
        "actions": reverse("forums:actions"),
        "the dashboard's forum panel": reverse("forums:principle_challenges", args=["D3"]),
    }
    pages = {}
    for where, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, where
        pages[where] = readable_text(response.content)
        assert "principle" not in pages[where].lower(), f"{where}: {pages[where]}"
    assert "Domain in focus" in pages["forums"]
    assert "General (no single domain)" in pages["session with its forms"]
    assert "Domain in focus" in pages["new session form"]
    assert "All domains" in pages["challenge summary"]
    assert "by owner and domain" in pages["actions"]

    pdf = client.get(reverse("forums:summary_pdf"))
    content = b"".join(pdf) if pdf.streaming else pdf.content
    pdf_text = " ".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)
    assert "Landlords ask for a support plan first" in " ".join(pdf_text.split())
    assert "principle" not in pdf_text.lower()

    csv = client.get(reverse("forums:summary_csv"))
    text = b"".join(csv).decode("utf-8-sig") if csv.streaming else csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Domain,")
    assert "principle" not in text.lower()
