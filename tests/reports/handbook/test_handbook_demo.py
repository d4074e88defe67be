"""The demo pilot's handbook, as the demo shows it: six past quarters, its forums, actions and
peer reviews, read back from the PDF."""

import datetime
from io import BytesIO

from django.utils import timezone
from pypdf import PdfReader

from common.quarters import Quarter
from fidelity.dashboards.figures import dashboard_headline
from partners.demo import seed_pilot
from reports.handbook.content import handbook_content
from reports.handbook.render import handbook_pdf
from tests.pdfua_checks import problems


def test_the_demo_pilots_handbook_reads_back_section_by_section(db):
    pilot = seed_pilot(password="demo-password-x").pilot
    current = Quarter.containing(timezone.localdate(), pilot.quarter_convention)
    first = Quarter.from_index(current.index - 6, pilot.quarter_convention)
    last = current.previous()
    content = handbook_content(
        pilot=pilot,
        first=first,
        last=last,
        foreword="We set out to house people first.",
        lessons="Landlords need to be part of it from the start.",
        today=timezone.localdate(),
    )
    pdf, pages = handbook_pdf(content, built_on=datetime.date(2026, 12, 1))
    reader = PdfReader(BytesIO(pdf))
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())

    assert problems(pdf) == []
    assert len(reader.pages) == pages
    headline = dashboard_headline(pilot=pilot, quarter=last)
    assert content["journey"]["overall"][-1]["score"] == str(headline.overall.score)
    for principle in headline.principles:
        assert f"{principle.code}. {principle.title}" in text
    recurring = [c for s in content["sections"] for c in s["recurring"]]
    assert recurring, "the demo's forums raise challenges in more than one place"
    for challenge in recurring:
        assert " ".join(challenge["text"].split()) in text
    assert any(s["actions_done"] for s in content["sections"])
    assert any(s["peer_review"]["quarters"] for s in content["sections"])
    assert "We set out to house people first." in text
    assert "Landlords need to be part of it from the start." in text
