"""The rules a pilot's measure values must meet, as plain functions over plain values: the one
home the return form, the submit service and the spreadsheet import all ask.

A measure is anything with the attributes of `PilotMeasure` (pk, name, is_whole, minimum,
decimal_places, at_most_measure_id, at_most_figure, at_most_label, is_active).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

# Past this the database column (14 digits, 4 after the point) would overflow.
MAXIMUM = Decimal("1000000000")
KEY_PREFIX = "measure_"


def measure_key(measure_id: int) -> str:
    """A measure's name wherever figures are keyed by name: the form field, the submit error,
    the template's row."""
    return f"{KEY_PREFIX}{measure_id}"


def measure_id_of(key: str) -> int | None:
    """The measure id a key names, or None for a standard figure's key."""
    rest = key.removeprefix(KEY_PREFIX)
    return int(rest) if rest != key and rest.isdigit() else None


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def value_error(*, measure: Any, value: Decimal) -> str | None:
    """Why one value cannot be this measure's, or None: a whole number where one is asked for,
    no more decimal places than allowed, and between the minimum and MAXIMUM."""
    if measure.is_whole and value != value.to_integral_value():
        return "Enter a whole number, such as 12."
    places = 4 if measure.is_whole else (measure.decimal_places or 4)
    if not measure.is_whole and -value.normalize().as_tuple().exponent > places:
        return f"Enter a number with at most {places} decimal place{'s' if places > 1 else ''}."
    if value < measure.minimum:
        return f"Enter {_plain(measure.minimum)} or more."
    if value > MAXIMUM:
        return f"Enter a number up to {_plain(MAXIMUM)}."
    return None


def describe(measure: Any) -> str:
    """What a measure's value must be, in words, for a template's reader."""
    kind = "A whole number" if measure.is_whole else "A number"
    text = f"{kind} of {_plain(measure.minimum)} or more"
    if not measure.is_whole and measure.decimal_places:
        text += f", with at most {measure.decimal_places} decimal places"
    if measure.at_most_label:
        text += f", at most {measure.at_most_label.lower()}"
    return f"{text}. {measure.help_text}".strip()


def measure_errors(
    *,
    measures: Iterable[Any],
    values: Mapping[int, Decimal | None],
    figures: Mapping[str, Any],
) -> dict[str, str]:
    """Errors in a return's measure values at submission, keyed by `measure_key`: every active
    measure given, each value valid, and none above the figure it must be at most (another
    measure's value by id in `values`, or a standard caseload figure in `figures`)."""
    errors: dict[str, str] = {}
    for measure in measures:
        key = measure_key(measure.pk)
        value = values.get(measure.pk)
        if value is None:
            if measure.is_active:
                errors[key] = f"Enter the {measure.name} for the quarter (0 if none)."
            continue
        if message := value_error(measure=measure, value=value):
            errors[key] = message
            continue
        if measure.at_most_measure_id:
            other = values.get(measure.at_most_measure_id)
        else:
            other = figures.get(measure.at_most_figure) if measure.at_most_figure else None
        if other is not None and value > other:
            errors[key] = (
                f"{measure.name} ({_plain(value)}) cannot be more than "
                f"{measure.at_most_label.lower()} ({_plain(Decimal(other))})."
            )
    return errors
