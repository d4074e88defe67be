"""The task list's sections and their statuses, and the problems Check your answers lists: every
reason the submit service gives, in section order, each linked to a field that exists on its
section page."""

import re

import pytest

from common.quarters import Quarter
from fidelity.improvement.models import ImprovementAction
from fidelity.returns.sections import (
    COMPLETED,
    HAS_PROBLEMS,
    IN_PROGRESS,
    NOT_STARTED,
    return_problems,
    return_sections,
)
from fidelity.returns.services import return_open, return_submit_errors
from tests.fidelity.factories import (
    GOOD_FIGURES,
    make_return,
    use_default_framework,
)


@pytest.fixture
def draft(world):
    use_default_framework(world.pilot)
    return return_open(team=world.bolton_team, quarter=Quarter(2025, 4), user=world.lead_bolton)


def _statuses(qa_return) -> dict[str, str]:
    return {s.slug: s.status for s in return_sections(qa_return=qa_return)}


def _score(qa_return, code, **values):
    qa_return.scores.filter(indicator__code=code).update(**values)


def test_a_new_return_lists_each_principle_then_activities_caseload_and_plan(draft):
    assert list(_statuses(draft)) == [
        "p1",
        "p2",
        "p3",
        "p4",
        "p5",
        "p6",
        "p7",
        "activities",
        "caseload",
        "improvement",
    ]
    statuses = _statuses(draft)
    assert {statuses[s] for s in statuses if s != "improvement"} == {NOT_STARTED}


def test_a_partly_scored_principle_is_in_progress(draft):
    _score(draft, "1.1", score=3)
    assert _statuses(draft)["p1"] == IN_PROGRESS


def test_evidence_alone_starts_a_principle(draft):
    _score(draft, "1.1", evidence="Audit notes")
    assert _statuses(draft)["p1"] == IN_PROGRESS


def test_a_fully_scored_principle_is_completed(draft):
    draft.scores.filter(indicator__principle__code="P1").update(score=3)
    assert _statuses(draft)["p1"] == COMPLETED


def test_an_answered_principle_that_breaks_a_rule_has_problems(draft):
    draft.scores.filter(indicator__principle__code="P1").update(score=3)
    _score(draft, "1.2", score=None, not_assessed=True, not_assessed_reason="")
    assert _statuses(draft)["p1"] == HAS_PROBLEMS


def test_caseload_statuses(draft):
    draft.people_supported = 12
    draft.save()
    assert _statuses(draft)["caseload"] == IN_PROGRESS
    for name, value in GOOD_FIGURES.items():
        setattr(draft, name, value)
    draft.save()
    assert _statuses(draft)["caseload"] == COMPLETED
    draft.tenancies_sustained = 30
    draft.save()
    assert _statuses(draft)["caseload"] == HAS_PROBLEMS


def test_activities_are_completed_once_one_is_recorded(draft):
    assert _statuses(draft)["activities"] == NOT_STARTED
    draft.activities.create(kind="observation", date="2026-01-10", finding="Warm.")
    assert _statuses(draft)["activities"] == COMPLETED


def test_the_plan_follows_low_scores_and_carried_actions(world, draft):
    assert _statuses(draft)["improvement"] == COMPLETED  # nothing asked of it yet
    _score(draft, "1.1", score=1)
    assert _statuses(draft)["improvement"] == NOT_STARTED
    low = draft.scores.get(indicator__code="1.1")
    ImprovementAction.objects.create(
        qa_return=draft,
        team=draft.team,
        indicator=low.indicator,
        principle_code="P1",
        what="Weekly check-ins",
    )
    assert _statuses(draft)["improvement"] == HAS_PROBLEMS  # no owner or target yet
    ImprovementAction.objects.filter(qa_return=draft).update(
        owner="Team leader", target_quarter_index=draft.quarter_index + 1
    )
    assert _statuses(draft)["improvement"] == COMPLETED


def test_an_action_carried_from_an_earlier_return_must_be_updated(world, draft):
    earlier = make_return(world.bolton_team, 2025, 3)
    indicator = earlier.scores.first().indicator
    action = ImprovementAction.objects.create(
        qa_return=earlier,
        team=world.bolton_team,
        indicator=indicator,
        principle_code=indicator.principle.code,
        what="Supervision on strengths",
        owner="Senior worker",
    )
    assert _statuses(draft)["improvement"] == NOT_STARTED
    action.status, action.updated_on = "in_progress", draft
    action.save()
    assert _statuses(draft)["improvement"] == COMPLETED


def test_the_problems_are_the_submit_services_in_section_order(world, draft):
    _score(draft, "3.1", score=None, not_assessed=True)
    _score(draft, "1.1", score=2)
    draft.tenancies_ended = 4
    draft.save()
    problems = return_problems(qa_return=draft)
    assert sorted(p.message for p in problems) == sorted(
        return_submit_errors(qa_return=draft).values()
    )
    sections = [p.section for p in problems]
    assert sections.index("p1") < sections.index("p3") < sections.index("caseload")
    assert sections[-1] == "improvement"
    assert problems[0].where == "Indicator 1.2"


def test_every_problem_links_to_a_field_on_its_section_page(client, world, draft):
    """Each problem's link leads to a page that has an element with that id."""
    draft.scores.update(score=3)
    _score(draft, "2.1", score=None)
    _score(draft, "4.1", score=None, not_assessed=True)
    _score(draft, "1.1", score=1)
    for name, value in GOOD_FIGURES.items():
        setattr(draft, name, value)
    draft.tenancies_sustained = 30
    draft.staff_fte = None
    draft.save()
    earlier = make_return(world.bolton_team, 2025, 3)
    indicator = earlier.scores.first().indicator
    ImprovementAction.objects.create(
        qa_return=earlier,
        team=world.bolton_team,
        indicator=indicator,
        principle_code=indicator.principle.code,
        what="Supervision on strengths",
        owner="Senior worker",
    )
    client.force_login(world.lead_bolton)
    problems = return_problems(qa_return=draft)
    assert {p.section for p in problems} == {"p2", "p4", "caseload", "improvement"}
    assert len(problems) == 6
    check = client.get(f"/returns/{draft.pk}/check/").content.decode()
    for problem in problems:
        assert f'href="{problem.url}?from=check#{problem.field_id}"' in check
        page = client.get(problem.url).content.decode()
        assert re.search(rf'id="{re.escape(problem.field_id)}"', page), problem


def test_the_problem_list_is_empty_for_a_complete_return(draft):
    draft.scores.update(score=3)
    for name, value in GOOD_FIGURES.items():
        setattr(draft, name, value)
    draft.save()
    assert return_problems(qa_return=draft) == []
    assert set(_statuses(draft).values()) == {COMPLETED, NOT_STARTED}
