"""A chart's axis runs over the scale of the framework its figures are on: a pilot scoring on a
0 to 3 or a 1 to 5 instrument sees its whole scale on the axis and every point inside the plot,
on the dashboards, in the quarterly report and in the handbook; the default framework's charts
stay on 1 to 4."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.urls import reverse

from common.quarters import Quarter
from fidelity.dashboards.charts import axis_for
from fidelity.frameworks.instrument import (
    Instrument,
    InstrumentBand,
    InstrumentIndicator,
    InstrumentSection,
)
from fidelity.frameworks.models import PilotFramework
from fidelity.frameworks.scoring import Scale
from fidelity.frameworks.services import framework_import
from reports import render
from reports.content import report_content
from reports.handbook.content import handbook_content
from reports.handbook.render import handbook_charts
from reports.models import Report, ScopeKind
from tests.fidelity.factories import make_return, use_default_framework

Q1, Q2, Q3 = Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)
SVG = {"s": "http://www.w3.org/2000/svg"}


def _instrument(name: str, levels: range, *, previous: int | None = None) -> Instrument:
    return Instrument(
        name=name,
        scale=tuple((value, f"Level {value}") for value in levels),
        bands=(
            InstrumentBand("High", "high", Decimal(levels[-1])),
            InstrumentBand("Low", "low", Decimal(levels[0])),
        ),
        previous_version=previous,
        sections=tuple(
            InstrumentSection(
                code,
                f"Section {code}",
                indicators=(
                    InstrumentIndicator(code=f"{code}.1", text=f"{code} one"),
                    InstrumentIndicator(code=f"{code}.2", text=f"{code} two"),
                ),
            )
            for code in ("A", "B")
        ),
    )


def _pilot_on(world, levels: range):
    """The pilot scores on an instrument with the scale `levels`; its two teams score the very
    bottom and the very top of it over three quarters."""
    PilotFramework.objects.create(
        pilot=world.pilot, version=framework_import(_instrument("Other scale", levels))
    )
    low, high = levels[0], levels[-1]
    for year, quarter in ((2026, 1), (2026, 2), (2026, 3)):
        make_return(world.bolton_team, year, quarter, scores={"A": [low, low], "B": [high, high]})
        make_return(world.wigan_team, year, quarter, scores={"A": [low, low], "B": [high, high]})
    return world


@pytest.fixture
def zero_to_three(world):
    return _pilot_on(world, range(0, 4))


@pytest.fixture
def one_to_five(world):
    return _pilot_on(world, range(1, 6))


def _svg(html: str, chart_id: str) -> str:
    return re.search(rf'<svg[^>]*id="{chart_id}".*?</svg>', html, re.DOTALL).group(0)


def _tree(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (the app's own SVG, made in this test)


def _axis_labels(svg: str) -> list[float]:
    """The y axis's labels, bottom to top."""
    axes = _tree(svg).find("s:g[@class='axes']", SVG)
    labels = [t for t in axes.findall("s:text", SVG) if t.get("text-anchor") == "end"]
    return [float(t.text) for t in sorted(labels, key=lambda t: -float(t.get("y")))]


def _plot_area(svg: str) -> tuple[float, float]:
    """The top and bottom of the plot: its highest and lowest gridline."""
    axes = _tree(svg).find("s:g[@class='axes']", SVG)
    ys = [float(line.get("y1")) for line in axes.findall("s:line", SVG)]
    return min(ys), max(ys)


def _point_ys(svg: str) -> list[float]:
    """The height of each plotted point (not the legend's): the centre of its marker."""
    ys = []
    for series in _tree(svg).findall("s:g[@class='series']", SVG):
        for point in series.findall("s:g", SVG):
            shape = next(child for child in point if not child.tag.endswith("title"))
            if shape.tag.endswith("circle"):
                ys.append(float(shape.get("cy")))
            elif shape.tag.endswith("rect"):
                ys.append(float(shape.get("y")) + float(shape.get("height")) / 2)
            else:
                corners = [float(p.split(",")[1]) for p in shape.get("points").split()]
                ys.append((min(corners) + max(corners)) / 2)
    return ys


def _assert_on_scale(svg: str, low: float, high: float, *, reaches_ends: bool = True) -> None:
    """The axis runs from `low` to `high`, every point is inside the plot and, if the chart
    shows the sections (scored at the bottom and the top of the scale), they sit on its ends."""
    labels = _axis_labels(svg)
    assert (labels[0], labels[-1]) == (low, high)
    assert 4 <= len(labels) <= 8
    top, bottom = _plot_area(svg)
    points = _point_ys(svg)
    assert points
    # Half a pixel either way: the marker's centre is written to one decimal place.
    assert all(top - 0.5 <= y <= bottom + 0.5 for y in points), (top, bottom, points)
    if reaches_ends:
        assert min(points) == pytest.approx(top, abs=0.6)
        assert max(points) == pytest.approx(bottom, abs=0.6)


def _page(client, world, url: str) -> str:
    client.force_login(world.manager)
    response = client.get(url, {"quarter": Q3.slug})
    assert response.status_code == 200
    return response.content.decode()


def _report_chart(world) -> str:
    report = Report(pilot=world.pilot, scope_kind=ScopeKind.PILOT, year=Q3.year, quarter=Q3.number)
    return str(render.render_charts(report_content(report, today=Q3.end))["trends"])


def _handbook_charts(world) -> dict:
    content = handbook_content(
        pilot=world.pilot, first=Q1, last=Q3, foreword="", lessons="", today=Q3.end
    )
    return {key: str(svg) for key, svg in handbook_charts(content).items()}


@pytest.mark.parametrize(
    ("scale", "values", "expected"),
    [
        (Scale(1, 4), (), (1, 4, 0.5)),  # the default framework's axis, as it always was
        (Scale(0, 3), (), (0, 3, 0.5)),
        (Scale(1, 5), (), (1, 5, 1)),
        (Scale(0, 10), (), (0, 10, 2)),
        (Scale(0, 1), (), (0, 1, 0.25)),
        (None, (), (1, 4, 0.5)),  # no scale known: the default framework's
        (Scale(1, 4), (Decimal("0.5"), None), (0, 4, 1)),  # a stray value widens it
    ],
)
def test_the_axis_runs_over_the_scale_with_four_to_eight_gridlines(scale, values, expected):
    axis = axis_for(scale, values)
    assert (axis.low, axis.high, axis.step) == expected
    assert 4 <= len(axis.values) <= 8


def test_a_pilot_on_a_zero_to_three_scale_sees_it_on_every_chart(client, zero_to_three):
    world = zero_to_three
    pages = {
        "pilot-trend-chart": reverse("fidelity:dashboard"),
        "la-trend-chart": reverse("fidelity:la_dashboard", args=[world.bolton.pk]),
        "team-trend-chart": reverse("fidelity:team_dashboard", args=[world.bolton_team.pk]),
    }
    for chart_id, url in pages.items():
        svg = _svg(_page(client, world, url), chart_id)
        # The team's chart shows overall scores only: the middle of the scale.
        _assert_on_scale(svg, 0, 3, reaches_ends=chart_id != "team-trend-chart")
        assert "0 to 3" in svg  # the description says the scale, for screen readers
    _assert_on_scale(_report_chart(world), 0, 3)
    for key, svg in _handbook_charts(world).items():
        # A section's own chart has that section and the overall score: one end at most.
        _assert_on_scale(svg, 0, 3, reaches_ends=key == "journey")


def test_a_pilot_on_a_one_to_five_scale_sees_it_on_every_chart(client, one_to_five):
    world = one_to_five
    svg = _svg(_page(client, world, reverse("fidelity:dashboard")), "pilot-trend-chart")
    _assert_on_scale(svg, 1, 5)
    assert _axis_labels(svg) == [1, 2, 3, 4, 5]
    for url, chart_id in (
        (reverse("fidelity:la_dashboard", args=[world.wigan.pk]), "la-trend-chart"),
        (reverse("fidelity:team_dashboard", args=[world.wigan_team.pk]), "team-trend-chart"),
    ):
        svg = _svg(_page(client, world, url), chart_id)
        _assert_on_scale(svg, 1, 5, reaches_ends=chart_id != "team-trend-chart")
    _assert_on_scale(_report_chart(world), 1, 5)
    for key, svg in _handbook_charts(world).items():
        # A section's own chart has that section and the overall score: one end at most.
        _assert_on_scale(svg, 1, 5, reaches_ends=key == "journey")


def test_the_default_frameworks_charts_stay_on_one_to_four(client, world):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, fill=1)
    make_return(world.bolton_team, 2026, 3, fill=4)
    svg = _svg(_page(client, world, reverse("fidelity:dashboard")), "pilot-trend-chart")
    assert _axis_labels(svg) == [1, 1.5, 2, 2.5, 3, 3.5, 4]
    assert "1 to 4" in svg
    report = Report(pilot=world.pilot, scope_kind=ScopeKind.PILOT, year=Q3.year, quarter=Q3.number)
    content = report_content(report, today=Q3.end)
    # Nothing new in the content, so reports built before keep their fingerprint.
    assert "scale" not in content["trends"]
    assert _axis_labels(str(render.render_charts(content)["trends"])) == [
        1,
        1.5,
        2,
        2.5,
        3,
        3.5,
        4,
    ]


def test_a_chart_across_a_change_of_scale_holds_both_scales(client, world):
    v1 = framework_import(_instrument("Rescaled", range(1, 5)))
    PilotFramework.objects.create(pilot=world.pilot, version=v1)
    make_return(world.bolton_team, 2026, 2, scores={"A": [4, 4], "B": [4, 4]})
    v2 = framework_import(_instrument("Rescaled", range(0, 4), previous=1))
    PilotFramework.objects.filter(pilot=world.pilot).update(version=v2)
    make_return(world.bolton_team, 2026, 3, scores={"A": [0, 0], "B": [0, 0]})

    svg = _svg(_page(client, world, reverse("fidelity:dashboard")), "pilot-trend-chart")

    _assert_on_scale(svg, 0, 4)
