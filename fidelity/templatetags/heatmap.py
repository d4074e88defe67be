"""The heat map's cells, built in Python: a large heat map has hundreds of them, and an
{% include %} per cell made it the slowest part of the dashboard."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

NO_SCORE = mark_safe('<span class="cell-score">–</span> <span class="cell-band">no score</span>')


def heat_cell(cell) -> str:
    """A <td> with the score and the band name (colour never the only signal), and for screen
    readers the change from the quarter before. The row's header links down; its link covers the
    row (CSS), so a cell needs no link of its own: one tab stop a row, and a lighter page."""
    if cell.score is None:
        return format_html('<td class="{}">{}</td>', cell.css_class, NO_SCORE)
    if cell.change is None:
        return format_html(
            '<td class="{}"><span class="cell-score">{}</span> <span class="cell-band">{}</span>'
            "</td>",
            cell.css_class,
            cell.score,
            cell.band_name,
        )
    return format_html(
        '<td class="{}"><span class="cell-score">{}</span> <span class="cell-band">{}</span>'
        '<span class="visually-hidden">, change {}</span></td>',
        cell.css_class,
        cell.score,
        cell.band_name,
        f"{cell.change:+.2f}",
    )


@register.simple_tag
def heat_cells(row) -> str:
    """A heat-map row's cells: the overall score, then each principle's."""
    cells = [heat_cell(row.overall), *(heat_cell(c.cell) for c in row.cells)]
    return mark_safe("".join(cells))  # noqa: S308 - each cell is built by format_html
