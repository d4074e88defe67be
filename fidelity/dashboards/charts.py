"""Charts as server-side SVG strings, for pages and for the PDF reports alike.

Every text put into the SVG is escaped here, and only then is the whole marked safe. Each chart
carries a <title> and <desc> and is labelled for assistive technology (role="img"
aria-labelledby); pages put the same numbers in a table beside the chart, since a picture of a
line is not readable by everyone. Lines are told apart by dash pattern and marker shape as well as
colour, and a legend names each line. A chart is one image (role="img"), so it holds no links:
the drill-down links are in the table that goes with it.

The y axis runs over the scale of the framework versions the chart's figures are on
(`axis_for`: 1 to 4 on the default framework, 0 to 3 or 1 to 5 on others), so every caller
passes the scale its figures carry (`Trends.scale`) and no point falls off the chart.

A chart may mark quarters (`Marker`), such as the quarter a framework changed: a dashed
vertical line with its label written beside it, and the same words in the chart's <desc> for
screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from math import ceil, floor

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from fidelity.frameworks.scoring import DEFAULT_SCALE, Scale

# Colour-blind-safe palette (Okabe and Ito), each with its own dash pattern and marker.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000", "#7F7F7F"]
DASHES = ["", "6 3", "2 3", "8 3 2 3", "", "6 3", "2 3", "8 3 2 3"]
MARKERS = ["circle", "square", "diamond", "triangle", "square", "circle", "triangle", "diamond"]


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[Decimal | float | None]


@dataclass(frozen=True)
class Marker:
    """A vertical line at the quarter `position` (in the chart's quarters), labelled."""

    position: int
    label: str


# Gridline steps to choose from, smallest first; each at most 2.5 times the one before, so the
# first that gives at most MAX_GRIDLINES gives at least 4 on a scale of whole numbers.
STEPS = (0.25, 0.5, 1, 2, 2.5, 5, 10, 20, 25, 50, 100)
MAX_GRIDLINES = 8


@dataclass(frozen=True)
class Axis:
    """A chart's y axis: from `low` to `high`, a gridline and label every `step`."""

    low: float
    high: float
    step: float

    @property
    def values(self) -> list[float]:
        return [
            self.low + n * self.step for n in range(round((self.high - self.low) / self.step) + 1)
        ]


def axis_for(scale: Scale | None, values: Sequence[Decimal | float | None] = ()) -> Axis:
    """The y axis for figures on `scale` (the lowest to the highest scale value across the
    framework versions shown; None: the default framework's), widened to whole numbers that
    hold any value outside it, with a step that gives 4 to 8 gridlines."""
    scale = scale or DEFAULT_SCALE
    present = [float(v) for v in values if v is not None]
    low = min([scale.low, *(floor(v) for v in present)])
    high = max([scale.high, *(ceil(v) for v in present)])
    if high == low:
        high = low + 1
    step = next((s for s in STEPS if (high - low) / s + 1 <= MAX_GRIDLINES), STEPS[-1])
    return Axis(low=low, high=low + ceil((high - low) / step) * step, step=step)


def _num(value: float) -> str:
    return f"{value:.1f}"


def _marker(shape: str, x: float, y: float, colour: str) -> str:
    if shape == "square":
        return f'<rect x="{_num(x - 4)}" y="{_num(y - 4)}" width="8" height="8" fill="{colour}"/>'
    if shape == "diamond":
        points = f"{_num(x)},{_num(y - 5)} {_num(x + 5)},{_num(y)} {_num(x)},{_num(y + 5)} {_num(x - 5)},{_num(y)}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    if shape == "triangle":
        points = f"{_num(x)},{_num(y - 5)} {_num(x + 5)},{_num(y + 4)} {_num(x - 5)},{_num(y + 4)}"
        return f'<polygon points="{points}" fill="{colour}"/>'
    return f'<circle cx="{_num(x)}" cy="{_num(y)}" r="4" fill="{colour}"/>'


def line_chart(
    series: Sequence[Series],
    quarters: Sequence[str],
    *,
    chart_id: str,
    title: str,
    description: str,
    scale: Scale | None,
    width: int = 640,
    height: int = 300,
    markers: Sequence[Marker] = (),
) -> SafeString:
    """A line per series over the quarter labels; gaps (None) break the line, never drop to 0.
    The y axis follows `scale` (`axis_for`). Each marker is a labelled vertical line, also told
    in the description."""
    axis = axis_for(scale, [v for line in series for v in line.values])
    left, right, top, bottom = 44, 150, 16, 40
    plot_w = width - left - right
    plot_h = height - top - bottom
    count = max(len(quarters), 1)

    def x_at(i: int) -> float:
        return left + (plot_w * i / (count - 1) if count > 1 else plot_w / 2)

    def y_at(value: float) -> float:
        return top + plot_h * (1 - (value - axis.low) / (axis.high - axis.low))

    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    description = " ".join(
        [description, *(f"{m.label} from {quarters[m.position]}." for m in markers)]
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" '
        f'aria-labelledby="{escape(title_id)} {escape(desc_id)}" id="{escape(chart_id)}">',
        f'<title id="{escape(title_id)}">{escape(title)}</title>',
        f'<desc id="{escape(desc_id)}">{escape(description)}</desc>',
        '<g class="axes" font-family="sans-serif" font-size="11" fill="#0b0c0c">',
    ]
    for value in axis.values:
        y = y_at(value)
        parts.append(
            f'<line x1="{left}" x2="{left + plot_w}" y1="{_num(y)}" y2="{_num(y)}" '
            f'stroke="#d0d0d0" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{_num(y + 4)}" text-anchor="end">{escape(f"{value:g}")}</text>'
        )
    for i, label in enumerate(quarters):
        parts.append(
            f'<text x="{_num(x_at(i))}" y="{height - bottom + 18}" text-anchor="middle">'
            f"{escape(label)}</text>"
        )
    for marker in markers:
        x = x_at(marker.position)
        # A label in the right half is written to the left of its line, clear of the legend.
        right_half = x > left + plot_w / 2
        label_x, anchor = (x - 4, "end") if right_half else (x + 4, "start")
        parts.append(
            f'<g class="marker"><line x1="{_num(x)}" x2="{_num(x)}" y1="{top}" '
            f'y2="{top + plot_h}" stroke="#505a5f" stroke-width="1.5" stroke-dasharray="4 3"/>'
            f'<text x="{_num(label_x)}" y="{top + 10}" text-anchor="{anchor}">'
            f"{escape(marker.label)}</text></g>"
        )
    parts.append("</g>")
    for n, line in enumerate(series):
        colour = PALETTE[n % len(PALETTE)]
        dash = DASHES[n % len(DASHES)]
        shape = MARKERS[n % len(MARKERS)]
        points = [
            (x_at(i), y_at(float(v))) if v is not None else None for i, v in enumerate(line.values)
        ]
        runs: list[list[tuple[float, float]]] = [[]]
        for point in points:
            if point is None:
                if runs[-1]:
                    runs.append([])
            else:
                runs[-1].append(point)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<g class="series" data-series="{escape(line.label)}">')
        for run in runs:
            if len(run) > 1:
                path = " ".join(f"{_num(x)},{_num(y)}" for x, y in run)
                parts.append(
                    f'<polyline points="{path}" fill="none" stroke="{colour}" '
                    f'stroke-width="2"{dash_attr}/>'
                )
        for i, point in enumerate(points):
            if point is None:
                continue
            value = line.values[i]
            marker = _marker(shape, point[0], point[1], colour)
            label = escape(f"{line.label}, {quarters[i]}: {float(value):.2f}")
            parts.append(f"<g><title>{label}</title>{marker}</g>")
        legend_y = top + 8 + n * 18
        legend_x = left + plot_w + 12
        parts.append(
            f'<line x1="{legend_x}" x2="{legend_x + 24}" y1="{legend_y}" y2="{legend_y}" '
            f'stroke="{colour}" stroke-width="2"{dash_attr}/>'
        )
        parts.append(_marker(shape, legend_x + 12, legend_y, colour))
        parts.append(
            f'<text x="{legend_x + 30}" y="{legend_y + 4}" font-family="sans-serif" '
            f'font-size="11" fill="#0b0c0c">{escape(line.label)}</text>'
        )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above went through escape())
