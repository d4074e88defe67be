"""A pilot's own quarterly measures, beside the standard caseload figures, and their values on
each return.

They live in their own package of the `fidelity` app: a measure is defined per pilot (partners)
and given on a return (fidelity.returns), so it sits with the returns' app, not the pilots'.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from fidelity.returns.models import CASELOAD_FIELDS, QAReturn
from partners.models import Pilot

# Standard caseload figures a measure may be held at most to ("at most people supported").
AT_MOST_FIGURE_CHOICES = [
    (name, str(QAReturn._meta.get_field(name).verbose_name).capitalize())
    for name in CASELOAD_FIELDS
]


class MeasureKind(models.TextChoices):
    WHOLE = "whole", "Whole number"
    DECIMAL = "decimal", "Decimal"


class PilotMeasure(models.Model):
    """One figure a pilot asks every team for each quarter, besides the standard ones."""

    pilot = models.ForeignKey(Pilot, on_delete=models.CASCADE, related_name="measures")
    name = models.CharField(max_length=100, help_text="As teams and reports will read it.")
    help_text = models.CharField(
        max_length=300, blank=True, help_text="Shown under the field: what to count."
    )
    kind = models.CharField(max_length=10, choices=MeasureKind.choices, default=MeasureKind.WHOLE)
    minimum = models.DecimalField(max_digits=14, decimal_places=4, default=Decimal("0"))
    decimal_places = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(4)],
        help_text="For a decimal: the most decimal places a value may have (blank: up to 4).",
    )
    at_most_measure = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="At most this measure",
        help_text="Another measure of the same pilot this one may not exceed.",
    )
    at_most_figure = models.CharField(
        max_length=40,
        choices=AT_MOST_FIGURE_CHOICES,
        blank=True,
        verbose_name="At most this caseload figure",
        help_text="A standard caseload figure this one may not exceed.",
    )
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the return.")
    is_active = models.BooleanField(
        default=True,
        help_text="Inactive measures are no longer asked for or shown; their values are kept.",
    )

    class Meta:
        ordering = ["pilot", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pilot", "name"], name="one_measure_name_per_pilot"),
            models.CheckConstraint(
                condition=models.Q(at_most_measure__isnull=True) | models.Q(at_most_figure=""),
                name="measure_at_most_one_rule",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_whole(self) -> bool:
        return self.kind == MeasureKind.WHOLE

    def plain(self, value: Decimal | None) -> int | Decimal | None:
        """A value as it is shown and exported: an int for a whole-number measure, a Decimal
        to the measure's decimal places (or without trailing zeros) for a decimal one."""
        if value is None:
            return None
        if self.is_whole:
            return int(value)
        if self.decimal_places:
            return value.quantize(Decimal(1).scaleb(-self.decimal_places))
        normal = value.normalize()
        return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal

    @property
    def at_most_label(self) -> str | None:
        """The figure this measure may not exceed, in words, or None."""
        if self.at_most_measure_id:
            return self.at_most_measure.name
        return dict(AT_MOST_FIGURE_CHOICES).get(self.at_most_figure)

    def clean(self) -> None:
        errors = {}
        if self.at_most_measure_id and self.at_most_figure:
            errors["at_most_figure"] = "Choose another measure or a caseload figure, not both."
        if self.at_most_measure_id:
            other = self.at_most_measure
            if other.pilot_id != self.pilot_id:
                errors["at_most_measure"] = "Choose a measure of the same pilot."
            elif self.pk and other.pk == self.pk:
                errors["at_most_measure"] = "A measure cannot be held to itself."
        if self.is_whole and self.decimal_places:
            errors["decimal_places"] = "Decimal places are for decimal measures only."
        if (
            self.is_whole
            and self.minimum is not None
            and self.minimum != self.minimum.to_integral_value()
        ):
            errors["minimum"] = "A whole-number measure needs a whole minimum."
        if errors:
            raise ValidationError(errors)


class MeasureValue(models.Model):
    """A return's value for one of its pilot's measures. No row: not given."""

    qa_return = models.ForeignKey(QAReturn, on_delete=models.CASCADE, related_name="measure_values")
    measure = models.ForeignKey(PilotMeasure, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=14, decimal_places=4)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["qa_return", "measure"], name="one_value_per_measure"),
        ]

    def __str__(self) -> str:
        return f"{self.measure}: {self.value}"
