"""Figures across a change of framework version, worked out by hand (docs/figures.md, "Across a
change of framework version").

Version 1 has sections A (A.1, A.2, A.3) and B (B.1, B.2). Version 2 continues it: A continues
A (A.1 the same; A.2 split into A.2a and A.2b; A.3 retired), C continues B (C.1 merged from
B.1 and B.2) and D is new. The pilot scores 2026 Q1 and Q2 on version 1 and Q3 on version 2.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from common.quarters import Quarter
from fidelity.dashboards import charts
from fidelity.dashboards.figures import dashboard_headline, framework_info, principle_trends
from fidelity.dashboards.groups import drift_alerts
from fidelity.dashboards.models import PilotDataVersion
from fidelity.frameworks.instrument import (
    Instrument,
    InstrumentBand,
    InstrumentIndicator,
    InstrumentSection,
)
from fidelity.frameworks.models import PilotFramework, Principle
from fidelity.frameworks.services import framework_import
from reports import render
from reports.content import report_content
from reports.models import Report, ScopeKind
from tests.fidelity.factories import make_return

Q1, Q2, Q3 = Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)
SCALE = ((1, "Not in place"), (2, "Partly"), (3, "Mostly"), (4, "Fully"))
BANDS = (
    InstrumentBand("High", "high", Decimal("3.5")),
    InstrumentBand("Low", "low", Decimal("0")),
)


def _indicator(code: str, change: str = "new", continues: tuple[str, ...] = ()):
    return InstrumentIndicator(
        code=code, text=f"Indicator {code}", change=change, continues=continues
    )


V1 = Instrument(
    name="Crosswalk test framework",
    scale=SCALE,
    bands=BANDS,
    sections=(
        InstrumentSection(
            "A", "Access", indicators=tuple(_indicator(c) for c in ("A.1", "A.2", "A.3"))
        ),
        InstrumentSection("B", "Belonging", indicators=(_indicator("B.1"), _indicator("B.2"))),
    ),
)
V2 = Instrument(
    name="Crosswalk test framework",
    scale=SCALE,
    bands=BANDS,
    previous_version=1,
    sections=(
        InstrumentSection(
            "A",
            "Access",
            continues="A",
            indicators=(
                _indicator("A.1", "same", ("A.1",)),
                _indicator("A.2a", "split", ("A.2",)),
                _indicator("A.2b", "split", ("A.2",)),
            ),
        ),
        InstrumentSection(
            "C",
            "Connection",
            continues="B",
            indicators=(_indicator("C.1", "merged", ("B.1", "B.2")),),
        ),
        InstrumentSection("D", "Direction", continues="", indicators=(_indicator("D.1"),)),
    ),
)


@pytest.fixture
def changed_world(world):
    v1 = framework_import(V1)
    PilotFramework.objects.create(pilot=world.pilot, version=v1)
    make_return(world.bolton_team, 2026, 1, scores={"A": [3, 3, 3], "B": [4, 4]})
    make_return(world.wigan_team, 2026, 1, scores={"A": [2, 2, 2], "B": [2, 2]})
    make_return(world.bolton_team, 2026, 2, scores={"A": [3, 3, 3], "B": [3, 3]})
    make_return(world.wigan_team, 2026, 2, scores={"A": [2, 2, 2], "B": [2, 2]})
    v2 = framework_import(V2)
    PilotFramework.objects.filter(pilot=world.pilot).update(version=v2)
    make_return(world.bolton_team, 2026, 3, scores={"A": [4, 2, 3], "C": [2], "D": [2]})
    make_return(world.wigan_team, 2026, 3, scores={"A": [2, 3, 1], "C": [1], "D": [4]})
    return world


def _series(trends, code):
    points = next(s.points for s in trends.series if s.code == code)
    return [None if p is None else str(p) for p in points[-3:]]


def test_section_trends_run_on_where_sections_continue_through_a_split_and_a_merge(
    changed_world,
):
    trends = principle_trends(pilot=changed_world.pilot, quarter=Q3)

    # A: Bolton 3.00 and Wigan 2.00 in each quarter, A.2 split into A.2a and A.2b in Q3:
    # Bolton (4 + 2 + 3) / 3 = 3.00, Wigan (2 + 3 + 1) / 3 = 2.00.
    assert _series(trends, "A") == ["2.50", "2.50", "2.50"]
    # C continues B: (4 + 2) / 2, (3 + 2) / 2, then C.1 (merged from B.1 and B.2) (2 + 1) / 2.
    assert _series(trends, "C") == ["3.00", "2.50", "1.50"]
    # D is new: no line before version 2.
    assert _series(trends, "D") == [None, None, "3.00"]
    # Overall: (2.50 + 3.00) / 2, (2.50 + 2.50) / 2, (2.50 + 1.50 + 3.00) / 3.
    assert [str(v) for v in trends.overall[-3:]] == ["2.75", "2.50", "2.33"]


def test_change_and_drift_alerts_follow_a_section_whose_code_changed(changed_world):
    headline = dashboard_headline(pilot=changed_world.pilot, quarter=Q3)
    cells = {p.code: p.cell for p in headline.principles}
    assert cells["C"].change == Decimal("-1.00")  # 1.50 against B's 2.50
    assert cells["D"].change is None and cells["D"].change_note == "no earlier score"

    alerts = drift_alerts(pilot=changed_world.pilot, quarter=Q3, levels=["team"])
    # Bolton's C: B was 4.00, then 3.00; C.1 is 2.00.
    assert [(a.name, a.code, [str(s) for s in a.scores]) for a in alerts] == [
        ("HF Bolton", "C", ["4.00", "3.00", "2.00"])
    ]


def test_the_trend_marks_the_quarter_the_framework_changed(changed_world):
    trends = principle_trends(pilot=changed_world.pilot, quarter=Q3)

    assert [(c.quarter, c.version, c.label) for c in trends.changes] == [
        (Q3, 2, "Framework changed: v2")
    ]


def test_the_crosswalk_costs_no_extra_query(changed_world, django_assert_num_queries):
    version_id = PilotFramework.objects.get(pilot=changed_world.pilot).version_id
    with django_assert_num_queries(2):  # the sections of every version, and the bands
        found = framework_info(pilot=changed_world.pilot, version_id=version_id)
    assert found.codes == ["A", "C", "D"]


def test_a_chart_marks_the_change_with_a_visible_label_and_words_for_screen_readers():
    svg = str(
        charts.line_chart(
            [charts.Series("A", [Decimal("2.5"), Decimal("2.5"), Decimal("3")])],
            ["Q1", "Q2", "Q3"],
            chart_id="t",
            title="Scores",
            description="Mean scores.",
            scale=None,
            markers=[charts.Marker(position=2, label="Framework changed: v2")],
        )
    )
    assert '<g class="marker"><line' in svg
    assert ">Framework changed: v2</text>" in svg
    assert '<desc id="t-desc">Mean scores. Framework changed: v2 from Q3.</desc>' in svg


def test_the_report_says_in_words_and_marks_on_its_chart_when_the_framework_changed(
    changed_world,
):
    report = Report(
        pilot=changed_world.pilot,
        scope_kind=ScopeKind.PILOT,
        year=Q3.year,
        quarter=Q3.number,
    )
    content = report_content(report, today=Q3.end)
    assert content["trends"]["framework_changes"] == [
        {"position": 5, "quarter": Q3.label, "version": 2, "label": "Framework changed: v2"}
    ]
    drawn = render.render_charts(content)
    html = render.report_html(content, built_on=Q3.end, charts=drawn)
    assert ">Framework changed: v2</text>" in str(drawn["trends"])
    assert (
        f"The framework changed in {Q3.label}: returns from then on are scored on version 2."
        in html
    )


def test_the_pilot_dashboard_marks_the_change_on_its_chart_and_in_words(
    changed_world, client, today_is
):
    today_is(datetime.date(2027, 2, 15))
    client.force_login(changed_world.manager)
    body = client.get(reverse("fidelity:dashboard"), {"quarter": Q3.slug}).content.decode()

    assert ">Framework changed: v2</text>" in body
    assert (
        f"Framework changed: v2 in {Q3.label}: from then on returns use version 2, and a score "
        "runs on where its section continues." in body
    )


def test_editing_where_a_section_continues_refreshes_the_cached_figures_of_its_pilots(
    changed_world, django_capture_on_commit_callbacks
):
    def number(pilot):
        return PilotDataVersion.objects.get(pilot=pilot).number

    before, other_before = number(changed_world.pilot), number(changed_world.other_pilot)
    section = Principle.objects.get(version__framework__name=V2.name, version__number=2, code="D")
    with django_capture_on_commit_callbacks(execute=True):
        section.continues = None
        section.save()
    assert number(changed_world.pilot) != before
    assert number(changed_world.other_pilot) == other_before  # on another framework
