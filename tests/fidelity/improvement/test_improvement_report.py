"""The quarterly report lists the teams' open improvement actions for the lowest principles."""

from common.quarters import Quarter
from fidelity.frameworks.models import Indicator
from fidelity.improvement.models import ImprovementAction
from reports.content import report_content
from reports.models import Report, ScopeKind
from tests.fidelity.factories import make_return, use_default_framework

Q = Quarter(2025, 2)


def test_the_report_lists_open_improvement_actions_for_the_lowest_principles(world):
    use_default_framework(world.pilot)
    qa_return = make_return(world.wigan_team, Q.year, Q.number, fill=3, scores={"P7": [1] * 6})
    make_return(world.bolton_team, Q.year, Q.number, fill=4)
    ImprovementAction.objects.create(
        qa_return=qa_return,
        team=world.wigan_team,
        indicator=Indicator.objects.filter(
            principle=qa_return.framework_version.principles.get(code="P7")
        ).first(),
        principle_code="P7",
        what="Harm reduction training for the whole team",
        owner="Team leader",
        target_quarter_index=Q.index + 1,
    )
    report = Report(pilot=world.pilot, scope_kind=ScopeKind.PILOT, year=Q.year, quarter=Q.number)
    content = report_content(report, today=Q.end)
    p7 = next(p for p in content["lowest"] if p["code"] == "P7")
    assert [a["what"] for a in p7["improvement_actions"]] == [
        "Harm reduction training for the whole team"
    ]
    others = [p for p in content["lowest"] if p["code"] != "P7"]
    assert all(p["improvement_actions"] == [] for p in others)
