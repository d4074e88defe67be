"""The PDF report of a pilot on a five-domain instrument: its title (cover, running header, the
PDF's metadata) is the instrument's report title, and it says "domain", never "principle"."""

from __future__ import annotations

import datetime
from io import BytesIO

from pypdf import PdfReader

from common.quarters import Quarter
from forums.services import action_add
from reports.models import ReportStatus
from reports.services import report_request
from tests.fidelity.factories import make_return
from tests.fidelity.frameworks.five_domains import REPORT_TITLE, use_five_domains
from tests.forums.factories import make_session, raise_challenge

Q1, Q2 = Quarter(2026, 1), Quarter(2026, 2)


def test_the_report_has_the_instruments_title_and_never_says_principle(
    world, eager_celery, django_capture_on_commit_callbacks
):
    use_five_domains(world.pilot)
    for team in (world.bolton_team, world.wigan_team):
        make_return(team, Q1.year, Q1.number, fill=3)
    make_return(world.bolton_team, Q2.year, Q2.number, fill=4)
    make_return(world.wigan_team, Q2.year, Q2.number, fill=3, scores={"D3": [1, 1, 1]})
    forum = make_session(world.pilot, principle_code="D3", date=datetime.date(2026, 8, 12))
    challenge = raise_challenge(forum, "Landlords ask for a support plan first", world.wigan)
    action_add(session=forum, what="Meet the landlords", owner="Lead", challenge=challenge)

    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(scope=world.pilot, quarter=Q2, user=world.manager)
    report.refresh_from_db()

    assert report.status == ReportStatus.READY
    with report.current_version.pdf.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    pages = [" ".join(page.extract_text().split()) for page in reader.pages]
    text = " ".join(pages)
    assert "principle" not in text.lower()
    assert reader.metadata.title.startswith(f"{REPORT_TITLE}: Test pilot")
    assert "principle" not in reader.metadata.title.lower()
    assert f"Test pilot · 2026-27 Q2 · {REPORT_TITLE}" in pages[1]  # the running header
    assert "Housing First" not in text
    assert "Domain scores, 2026-27 Q2" in text
    assert "Domains by local authority" in text
    assert "Forum challenges for the lowest-scoring domains" in text
    assert "Landlords ask for a support plan first" in text
