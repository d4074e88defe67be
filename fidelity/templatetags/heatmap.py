"""The heat map's cells, built in Python: a large heat map has hundreds of them, and an
{% include %} per cell made it the slowest part of the dashboard."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

NO_SCORE = mark_safe('<span class="cell-score">–</span> <span class="cell-band">no score</span>')


def cell_text(cell) -> str:
    if cell.score is None:
        return "no score"
    text = f"{cell.score}, {cell.band_name}"
    if cell.change is not None:
        text += f", change {cell.change:+.2f}"
    return text


def heat_cell(cell, link: str, row_name: str, column: str) -> str:
    """A <td> with the score and the band name, colour never the only signal, linking down."""
    if cell.score is None:
        shown = NO_SCORE
    else:
        shown = format_html(
            '<span class="cell-score">{}</span> <span class="cell-band">{}</span>',
            cell.score,
            cell.band_name,
        )
    return format_html(
        '<td class="{}"><a href="{}" aria-label="{}, {}: {}">{}</a></td>',
        cell.css_class,
        link,
        row_name,
        column,
        cell_text(cell),
        shown,
    )


@register.simple_tag
def heat_cells(row, link: str) -> str:
    """A heat-map row's cells: the overall score, then each principle's."""
    cells = [heat_cell(row.overall, link, row.name, "overall")]
    cells += [heat_cell(c.cell, link, row.name, c.code) for c in row.cells]
    return mark_safe("".join(cells))  # noqa: S308 - each cell is built by format_html
