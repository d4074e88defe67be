"""Fidelity frameworks, versioned: principles, indicators, a scale and bands belong to one
`FrameworkVersion`. A return keeps the version it was scored on, so editing a framework that
returns already use makes a new version (see `frameworks.services.framework_revise`).
Nothing here assumes seven principles or a 1 to 4 scale: those are framework data.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import models

from fidelity.frameworks import crosswalk
from fidelity.frameworks.words import DEFAULT_WORDS, FrameworkWords
from partners.models import Pilot


class Framework(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    def __str__(self) -> str:
        return self.name


class FrameworkVersion(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    created = models.DateTimeField(auto_now_add=True)
    notes = models.TextField(blank=True, help_text="What changed in this version.")
    caseload_target_per_fte = models.DecimalField(
        max_digits=4,
        decimal_places=1,
        default=Decimal("7.0"),
        help_text="People per full-time worker above which a caseload is flagged.",
    )
    # The instrument's own words, on the version (not the framework) so that, like its
    # indicators, they stay as they were for returns scored on it; a rename is a new version.
    section_word = models.CharField(
        max_length=40,
        default=DEFAULT_WORDS.section,
        help_text="What this framework calls one of its sections, e.g. principle, domain.",
    )
    section_word_plural = models.CharField(
        max_length=40, default=DEFAULT_WORDS.sections, help_text="The same word for more than one."
    )
    report_title = models.CharField(
        max_length=120,
        default=DEFAULT_WORDS.report_title,
        help_text="The title of reports on this framework.",
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=(
            "The version this one continues: its sections and indicators say which of that "
            "version's they continue (the crosswalk)."
        ),
    )

    class Meta:
        ordering = ["framework", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="framework_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.framework.name} v{self.number}"

    @property
    def words(self) -> FrameworkWords:
        """What this version calls its sections and its report, for every page, export and PDF."""
        return FrameworkWords(
            section=self.section_word,
            sections=self.section_word_plural,
            report_title=self.report_title,
        )

    def clean(self) -> None:
        previous = self.previous
        if previous is None:
            return
        if previous.framework_id != self.framework_id or (
            self.number and previous.number >= self.number
        ):
            raise ValidationError({"previous": "Choose an earlier version of the same framework."})


class PilotFramework(models.Model):
    """The framework version a pilot's new returns are scored on."""

    pilot = models.OneToOneField(Pilot, on_delete=models.CASCADE, related_name="framework_choice")
    version = models.ForeignKey(FrameworkVersion, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        return f"{self.pilot}: {self.version}"


class Principle(models.Model):
    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="principles"
    )
    code = models.CharField(
        max_length=10, help_text="Stable across versions (e.g. P1), so trends can follow it."
    )
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    continues = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="continued_by",
        help_text=(
            "The section of the previous version this one continues: scores, trends and "
            "drift alerts run on across the change. Blank: it starts afresh."
        ),
    )

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="principle_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    def clean(self) -> None:
        if self.continues_id is not None and (
            self.continues.version_id != self.version.previous_id
        ):
            raise ValidationError(
                {"continues": "Choose a section of the version this one continues."}
            )


class Indicator(models.Model):
    principle = models.ForeignKey(Principle, on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField(max_length=10)
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=400)
    guidance = models.TextField(blank=True, help_text="What evidence shows this indicator.")
    plain_text = models.CharField(
        "plain words",
        max_length=400,
        blank=True,
        help_text=(
            "The indicator as a question in everyday words, for co-production reviewers. "
            "Blank: they see the text above."
        ),
    )

    class Meta:
        ordering = ["principle__position", "position"]
        constraints = [
            models.UniqueConstraint(fields=["principle", "code"], name="indicator_code_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"

    @property
    def text_for_reviewers(self) -> str:
        """What a co-production reviewer reads: the plain words, or the text if none are written."""
        return self.plain_text or self.text


class IndicatorLineage(models.Model):
    """One indicator's place in the crosswalk: what of the previous version it continues.

    The version is copied from the indicator's section so the crosswalk can be edited on the
    version's admin page. An indicator of a version with a previous one and no lineage row is
    new. Old indicators that nothing continues are retired (derived: `crosswalk.retired`)."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="lineages")
    indicator = models.OneToOneField(Indicator, on_delete=models.CASCADE, related_name="lineage")
    change = models.CharField(max_length=10, choices=crosswalk.CHANGES, default=crosswalk.NEW)
    continues = models.ManyToManyField(
        Indicator,
        blank=True,
        related_name="continued_by",
        help_text="The old indicators this one continues (none when it is new).",
    )

    class Meta:
        ordering = ["indicator__principle__position", "indicator__position"]
        verbose_name = "crosswalk row"

    def __str__(self) -> str:
        return f"{self.indicator.code}: {self.get_change_display()}"

    def clean(self) -> None:
        if self.indicator_id and self.indicator.principle.version_id != self.version_id:
            raise ValidationError({"indicator": "Choose an indicator of this version."})


class ScaleLevel(models.Model):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="scale")
    value = models.PositiveSmallIntegerField()
    label = models.CharField(max_length=100)

    class Meta:
        ordering = ["version", "value"]
        constraints = [
            models.UniqueConstraint(fields=["version", "value"], name="scale_value_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.value}: {self.label}"


class Band(models.Model):
    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="bands")
    name = models.CharField(max_length=50)
    slug = models.SlugField(max_length=50, help_text="Used for styling: high, good, fair, low.")
    minimum = models.DecimalField(max_digits=4, decimal_places=2)

    class Meta:
        ordering = ["version", "-minimum"]
        constraints = [
            models.UniqueConstraint(fields=["version", "slug"], name="band_slug_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.name} (from {self.minimum})"
