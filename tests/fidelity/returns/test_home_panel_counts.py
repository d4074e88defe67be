"""The manager's returns line on the home page: each number is the number of rows on the page its
link opens ("7 returns waiting for review" once opened a list of 1)."""

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from common.quarters import Quarter
from fidelity.returns.models import ReturnStatus
from partners.models import Role
from tests import factories
from tests.fidelity.factories import make_return, use_default_framework

PANEL_LINE = re.compile(
    r"<strong>(?P<waiting>\d+)</strong> returns? waiting for review; "
    r"<strong>(?P<overdue>\d+)</strong> overdue\. <a href=\"(?P<link>[^\"]+)\""
)


def _panel_lines(client) -> list[dict[str, str]]:
    text = client.get(reverse("fidelity:home_panel")).content.decode()
    return [m.groupdict() for m in PANEL_LINE.finditer(text)]


def _review_page_rows(client, link: str) -> dict[str, int]:
    """Rows of the review list a manager would act on: a return to review, a team overdue."""
    text = client.get(html.unescape(link)).content.decode()
    table = text[text.index("<tbody>") : text.index("</tbody>")]
    return {
        "waiting": table.count('>Review<span class="visually-hidden">'),
        "overdue": table.count("return-status-overdue"),
    }


@pytest.fixture
def waiting_in_two_quarters(world):
    """Two returns waiting in the last quarter, one in the quarter before, an approved one, and
    a submitted return of a team that has since closed (the review list does not list it)."""
    use_default_framework(world.pilot)
    use_default_framework(world.other_pilot)
    last = Quarter.containing(timezone.localdate(), world.pilot.quarter_convention).previous()
    before = last.previous()
    make_return(world.bolton_team, last.year, last.number)
    make_return(world.wigan_team, last.year, last.number)
    make_return(world.bury_team, before.year, before.number)
    make_return(world.bolton_team, before.year, before.number, status=ReturnStatus.APPROVED)
    closed = factories.TeamFactory(
        organisation=world.bolton_team.organisation, name="HF Closed", is_active=False
    )
    make_return(closed, last.year, last.number)
    make_return(world.other_team, last.year, last.number)
    return last, before


def test_each_count_on_the_managers_panel_is_the_rows_its_link_shows(
    client, world, waiting_in_two_quarters
):
    last, before = waiting_in_two_quarters
    client.force_login(world.manager)
    lines = _panel_lines(client)
    assert [line["link"] for line in lines] == [
        f"{reverse('fidelity:review_list')}?quarter={q.slug}&amp;pilot={world.pilot.pk}"
        for q in (last, before)
    ]
    for line in lines:
        rows = _review_page_rows(client, line["link"])
        assert (int(line["waiting"]), int(line["overdue"])) == (rows["waiting"], rows["overdue"])
    assert [int(line["waiting"]) for line in lines] == [2, 1]


def test_a_manager_of_two_pilots_is_sent_to_each_pilots_own_list(
    client, world, waiting_in_two_quarters
):
    last, _ = waiting_in_two_quarters
    factories.assign(world.manager, Role.PILOT_MANAGER, world.other_pilot)
    client.force_login(world.manager)
    other = [
        line for line in _panel_lines(client) if f"pilot={world.other_pilot.pk}" in line["link"]
    ]
    assert [line["waiting"] for line in other if f"quarter={last.slug}" in line["link"]] == ["1"]
    for line in other:
        rows = _review_page_rows(client, line["link"])
        assert (int(line["waiting"]), int(line["overdue"])) == (rows["waiting"], rows["overdue"])
