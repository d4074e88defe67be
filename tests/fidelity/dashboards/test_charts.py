"""The SVG trend chart: accessible, escaped, and faithful to the numbers."""

import re
from decimal import Decimal

from fidelity.dashboards.charts import Marker, Series, line_chart
from fidelity.frameworks.scoring import DEFAULT_SCALE

QUARTERS = ["2026-27 Q1", "2026-27 Q2", "2026-27 Q3"]


def _chart(series, **kwargs):
    options = {
        "chart_id": "c",
        "title": "Scores",
        "description": "Mean scores by quarter.",
        "scale": DEFAULT_SCALE,
    }
    return str(line_chart(series, QUARTERS, **{**options, **kwargs}))


def test_chart_is_an_image_labelled_by_its_title_and_description():
    svg = _chart([Series("P1", [Decimal("3"), Decimal("3.5"), Decimal("4")])])
    assert svg.startswith("<svg")
    assert 'role="img" aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Scores</title>' in svg
    assert '<desc id="c-desc">Mean scores by quarter.</desc>' in svg


def test_every_text_put_in_the_chart_is_escaped():
    svg = _chart(
        [Series('<script>alert("x")</script>', [Decimal("2"), None, Decimal("3")])],
        title="A & B <b>",
    )
    assert "<script>" not in svg and "<b>" not in svg
    assert "&lt;script&gt;" in svg
    assert "A &amp; B &lt;b&gt;" in svg


def test_a_missing_score_breaks_the_line_instead_of_dropping_to_zero():
    svg = _chart([Series("P2", [Decimal("2"), None, Decimal("3")])])
    assert "<polyline" not in svg  # no two neighbouring points to join
    assert svg.count("<circle") == 2 + 1  # two points and the legend's marker


def test_points_sit_at_their_value_on_the_scale():
    svg = _chart([Series("P1", [Decimal("1"), Decimal("4"), Decimal("2.5")])], height=300)
    line = re.search(r'<polyline points="([^"]+)"', svg).group(1)
    ys = [float(p.split(",")[1]) for p in line.split()]
    top, bottom = 16, 300 - 40
    assert ys == [bottom, top, (top + bottom) / 2]


def test_each_point_says_what_it_shows():
    svg = _chart([Series("P1", [Decimal("3"), Decimal("3.25"), None])])
    assert "<title>P1, 2026-27 Q1: 3.00</title>" in svg
    assert "<title>P1, 2026-27 Q2: 3.25</title>" in svg
    assert "<a " not in svg  # an image holds no links; its table does


def test_series_differ_by_dash_and_marker_not_only_colour():
    svg = _chart([Series("P1", [3, 3, 3]), Series("P2", [2, 2, 2])])
    assert 'stroke-dasharray="6 3"' in svg
    assert "<rect" in svg and "<circle" in svg


def test_a_marker_label_stays_on_the_side_of_its_line_away_from_the_legend():
    series = [Series("P1", [Decimal("3"), Decimal("3"), Decimal("3")])]
    line = re.compile(
        r'<line x1="([\d.]+)"[^>]*stroke-dasharray="4 3"/><text x="([\d.]+)"[^>]*text-anchor="(\w+)"'
    )

    for position, side in ((0, "start"), (2, "end")):
        svg = _chart(series, markers=[Marker(position=position, label="Framework changed: v2")])
        x, label_x, anchor = line.search(svg).groups()
        assert anchor == side
        assert (float(label_x) > float(x)) == (side == "start")
