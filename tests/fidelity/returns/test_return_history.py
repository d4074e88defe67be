"""Every change after a return is first submitted is kept and shown: who, when, what, old, new."""

import datetime
import re

import pytest

from common.quarters import Quarter
from fidelity.returns.selectors import return_history
from fidelity.returns.services import (
    return_approve,
    return_open,
    return_reopen,
    return_save_draft,
    return_send_back,
    return_submit,
)
from tests.fidelity.factories import fill_return, score_values, use_default_framework


@pytest.fixture
def returned(world):
    use_default_framework(world.pilot)
    draft = return_open(team=world.bolton_team, quarter=Quarter(2025, 1), user=world.lead_bolton)
    fill_return(draft, world.lead_bolton)
    submitted = return_submit(qa_return=draft, user=world.lead_bolton)
    return return_send_back(qa_return=submitted, user=world.manager, comment="Recheck 1.1")


def test_a_draft_never_submitted_shows_no_history(world):
    use_default_framework(world.pilot)
    draft = return_open(team=world.bolton_team, quarter=Quarter(2025, 1), user=world.lead_bolton)
    fill_return(draft, world.lead_bolton)
    assert return_history(qa_return=draft) == []


def test_a_score_changed_after_submission_is_in_the_history(world, returned):
    scores = score_values(returned, 3, i1_1=1)
    return_save_draft(
        qa_return=returned,
        user=world.lead_bolton,
        lock_version=returned.lock_version,
        figures={"people_supported": 11},
        scores=scores,
    )
    entries = return_history(qa_return=returned)
    score_change = [e for e in entries if e.what == "Indicator 1.1" and e.field == "Score"]
    assert [(e.who, e.old, e.new) for e in score_change] == [("lead-bolton", "3", "1")]
    figure = [e for e in entries if e.field == "People supported at quarter end"]
    assert [(e.old, e.new) for e in figure] == [("12", "11")]


def test_status_changes_are_in_the_history_by_label_with_who_made_them(world, returned):
    entries = return_history(qa_return=returned)
    statuses = [(e.who, e.old, e.new) for e in entries if e.field == "Status"]
    assert ("manager", "Submitted", "Returned for changes") in statuses


def test_people_show_by_name_as_who_and_as_values(world, returned):
    world.manager.first_name, world.manager.last_name = "Mary", "Okafor"
    world.manager.save()
    fill_return(returned, world.lead_bolton)
    approved = return_approve(
        qa_return=return_submit(qa_return=returned, user=world.lead_bolton), user=world.manager
    )
    entries = return_history(qa_return=approved)
    assert [(e.who, e.old, e.new) for e in entries if e.field == "Approved by"] == [
        ("Mary Okafor", "(blank)", "Mary Okafor")
    ]
    assert ("(blank)", "lead-bolton") in [
        (e.old, e.new) for e in entries if e.field == "Submitted by"
    ]


def test_times_show_as_the_day_and_the_local_time(world, returned):
    returned.submitted_at = datetime.datetime(2026, 7, 30, 18, 42, 53, 841673, tzinfo=datetime.UTC)
    returned.save()
    newest = next(e for e in return_history(qa_return=returned) if e.field == "Submitted at")
    assert newest.new == "30 July 2026, 19:42"  # British Summer Time


def test_reopening_is_in_the_history(world, returned):
    fill_return(returned, world.lead_bolton)
    approved = return_approve(
        qa_return=return_submit(qa_return=returned, user=world.lead_bolton), user=world.manager
    )
    return_reopen(qa_return=approved, user=world.manager, reason="Late correction")
    statuses = [(e.old, e.new) for e in return_history(qa_return=approved) if e.field == "Status"]
    assert ("Approved", "Returned for changes") in statuses


def test_the_return_page_shows_the_history(client, world, returned):
    return_save_draft(
        qa_return=returned,
        user=world.lead_bolton,
        lock_version=returned.lock_version,
        figures={"people_supported": 11},
        scores={},
    )
    client.force_login(world.manager)
    page = client.get(f"/returns/{returned.pk}/").content.decode()
    assert "Changes since first submitted" in page
    assert "People supported at quarter end" in page
    assert "<td>12</td><td>11</td>" in page


def test_the_return_page_shows_when_as_the_day_and_the_time(client, world, returned):
    client.force_login(world.manager)
    page = client.get(f"/returns/{returned.pk}/").content.decode()
    workflow = page.split('id="workflow-heading"')[1].split("</table>")[0]
    history = page.split('id="return-history"')[1].split("</table>")[0]
    day_and_time = re.compile(r"<td>\d{1,2} [A-Z][a-z]+ \d{4}, \d{2}:\d{2}</td>")
    assert day_and_time.search(workflow)
    assert day_and_time.search(history)
    assert "+00:00" not in history
