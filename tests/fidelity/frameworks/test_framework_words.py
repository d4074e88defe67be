"""A pilot on a five-domain instrument of its own: every page, export and template a person reads
says "domain" and never "principle", which is only the default framework's word."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from common.quarters import Quarter
from fidelity.dashboards.exports import PANELS
from fidelity.peer_review.services import peer_review_assign, peer_review_save, peer_review_submit
from fidelity.returns.models import ReturnStatus
from fidelity.returns.sections import section_url
from partners.models import Role
from tests import factories as base
from tests.fidelity.factories import make_return

from .five_domains import readable_text, use_five_domains, workbook_text

Q1, Q2, Q3 = Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)


@pytest.fixture
def domains(world, today_is):
    """Two quarters of scored returns on the five-domain instrument (Wigan low on D3 in Q2), a
    draft for this quarter, and a submitted peer review of Bolton in Q2."""
    today_is(datetime.date(2026, 11, 16))  # Q2's returns are past their deadline
    use_five_domains(world.pilot)
    for team in (world.bolton_team, world.wigan_team, world.bury_team):
        make_return(team, Q1.year, Q1.number, fill=3)
    make_return(world.bolton_team, Q2.year, Q2.number, fill=4, status=ReturnStatus.APPROVED)
    make_return(world.wigan_team, Q2.year, Q2.number, fill=3, scores={"D3": [1, 1, 2]})
    world.draft = make_return(world.bolton_team, Q3.year, Q3.number, status=ReturnStatus.DRAFT)
    world.scored = world.bolton_team.returns.get(quarter_index=Q2.index)
    reviewer = base.UserFactory(username="reviewer")
    base.assign(reviewer, Role.REVIEWER, world.pilot)
    review = peer_review_assign(
        team=world.bolton_team, quarter=Q2, reviewer=reviewer, user=world.manager
    )
    scores = {
        row.indicator_id: {"score": 2, "evidence": "Invented observation."}
        for row in review.scores.all()
    }
    peer_review_submit(
        review=peer_review_save(review=review, user=reviewer, scores=scores), user=reviewer
    )
    world.review = review
    return world


def _says_domains(text: str, where: str) -> None:
    assert "principle" not in text.lower(), f"{where} says 'principle': {text}"


def _pages(client, urls: dict[str, str]) -> dict[str, str]:
    pages = {}
    for where, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, where
        pages[where] = readable_text(response.content)
        _says_domains(pages[where], where)
    return pages


def test_a_return_on_the_five_domain_instrument_never_says_principle(client, domains):
    client.force_login(domains.lead_bolton)
    pages = _pages(
        client,
        {
            "task list": reverse("fidelity:return_tasks", args=[domains.draft.pk]),
            "a domain's page": section_url(qa_return=domains.draft, slug="d1"),
            "check answers": reverse("fidelity:return_check", args=[domains.draft.pk]),
            "improvement plan": reverse("fidelity:return_improvement", args=[domains.draft.pk]),
            "a scored return": reverse("fidelity:return_detail", args=[domains.scored.pk]),
        },
    )
    assert "D1. Choice of home and support" in pages["a domain's page"]
    assert "Domain scores" in pages["a scored return"]
    assert "Domain Self-assessment Peer score" in pages["a scored return"]


def test_the_dashboards_never_say_principle(client, domains):
    client.force_login(domains.manager)
    pages = _pages(
        client,
        {
            "pilot dashboard": reverse("fidelity:dashboard"),
            "LA page": reverse("fidelity:la_dashboard", args=[domains.wigan.pk]),
            "team page": reverse("fidelity:team_dashboard", args=[domains.wigan_team.pk]),
            "improvement panel": reverse("fidelity:improvement_panel"),
            "peer review panel": reverse("fidelity:pilot_peer_gaps"),
            "team's peer review": reverse("fidelity:team_peer_gaps", args=[domains.bolton_team.pk])
            + f"?quarter={Q2.slug}",
            "peer review": reverse("fidelity:peer_review_detail", args=[domains.review.pk]),
            "past returns import": reverse("fidelity:spreadsheet_bulk"),
        },
    )
    dashboard = pages["pilot dashboard"]
    assert "Lowest domains, 2026-27 Q2" in dashboard
    assert "Domains by local authority" in dashboard
    assert "Domain scores over time" in dashboard  # the chart's title
    assert "Mean score of each domain, 1 to 4" in dashboard  # the chart's description
    assert "Domains by team" in pages["LA page"]
    assert "score for each domain in 2026-27 Q2" in pages["team page"]
    assert "Open improvement actions per domain" in pages["improvement panel"]
    assert "5 domains flagged" in pages["peer review panel"]
    assert "Per domain" in pages["peer review"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_export_never_says_principle(client, domains, fmt):
    client.force_login(domains.manager)
    urls = {
        f"{panel} export": reverse("fidelity:dashboard_export", args=[panel, fmt])
        for panel in PANELS
    }
    urls["return export"] = reverse("fidelity:return_export", args=[domains.scored.pk, fmt])
    urls["improvement actions export"] = reverse("fidelity:improvement_export", args=[fmt])
    texts = {}
    for where, url in urls.items():
        response = client.get(url)
        assert response.status_code == 200, where
        content = b"".join(response) if response.streaming else response.content
        texts[where] = content.decode("utf-8-sig") if fmt == "csv" else workbook_text(content)
        _says_domains(texts[where], where)
    assert "Domain" in texts["headline export"]
    assert "Domain" in texts["drift export"]
    assert "Domain" in texts["improvement actions export"]


def test_the_return_spreadsheet_template_never_says_principle(client, domains):
    client.force_login(domains.lead_bolton)
    response = client.get(
        reverse("fidelity:spreadsheet_template", args=[domains.bolton_team.pk, Q3.slug])
    )
    assert response.status_code == 200
    text = workbook_text(response.content)
    _says_domains(text, "the template")
    assert "D5.3" in text and "Team structure: observed item 3" in text
