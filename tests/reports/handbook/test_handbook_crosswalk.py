"""A handbook over a change of framework version: each section's journey runs on where the new
version continues the old, the change is marked, and the appendix names both versions and what
each new indicator continues. The framework and scores are the crosswalk figures tests' own."""

import datetime

import pytest

from fidelity.frameworks.models import PilotFramework
from fidelity.frameworks.services import framework_import
from reports.handbook.content import handbook_content
from reports.handbook.render import HtmlVariant, handbook_html
from tests.fidelity.dashboards.test_crosswalk_figures import Q1, Q3, V1, V2
from tests.fidelity.factories import make_return


@pytest.fixture
def changed(world):
    PilotFramework.objects.create(pilot=world.pilot, version=framework_import(V1))
    make_return(world.bolton_team, 2026, 1, scores={"A": [3, 3, 3], "B": [4, 4]})
    make_return(world.wigan_team, 2026, 1, scores={"A": [2, 2, 2], "B": [2, 2]})
    make_return(world.bolton_team, 2026, 2, scores={"A": [3, 3, 3], "B": [3, 3]})
    PilotFramework.objects.filter(pilot=world.pilot).update(version=framework_import(V2))
    make_return(world.bolton_team, 2026, 3, scores={"A": [4, 2, 3], "C": [2], "D": [2]})
    make_return(world.wigan_team, 2026, 3, scores={"A": [2, 3, 1], "C": [1], "D": [4]})
    return handbook_content(
        pilot=world.pilot, first=Q1, last=Q3, foreword="", lessons="", today=Q3.end
    )


def _points(content, code):
    section = next(s for s in content["sections"] if s["code"] == code)
    return [p["score"] for p in section["journey"]]


def test_a_sections_journey_runs_on_through_the_crosswalk(changed):
    assert [s["code"] for s in changed["sections"]] == ["A", "C", "D"]
    # A continues A; C continues B (Q1: Bolton 4, Wigan 2; Q2: Bolton 3); D is new.
    assert _points(changed, "A") == ["2.50", "3.00", "2.50"]
    assert _points(changed, "C") == ["3.00", "3.00", "1.50"]
    assert _points(changed, "D") == [None, None, "3.00"]
    assert changed["journey"]["framework_changes"] == [
        {"position": 2, "quarter": Q3.label, "version": 2}
    ]


def test_the_appendix_names_both_versions_and_what_each_indicator_continues(changed):
    framework = changed["framework"]

    assert [(v["name"], v["from"], v["to"]) for v in framework["versions"]] == [
        ("Crosswalk test framework v1", Q1.label, "2026-27 Q2"),
        ("Crosswalk test framework v2", Q3.label, Q3.label),
    ]
    assert framework["crosswalk"] is True
    changes = {i["code"]: i["change"] for s in framework["sections"] for i in s["indicators"]}
    assert changes == {
        "A.1": "Same (A.1)",
        "A.2a": "Split from A.2",
        "A.2b": "Split from A.2",
        "C.1": "Merged from B.1, B.2",
        "D.1": "New",
    }


def test_the_book_says_when_the_framework_changed(changed):
    html = handbook_html(changed, built_on=datetime.date(2026, 12, 1), variant=HtmlVariant.FILE)

    assert (
        f"The framework changed in {Q3.label}: returns from then on are scored on version 2."
        in html
    )
    assert ">Framework changed: v2</text>" in html
