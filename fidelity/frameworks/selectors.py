"""Reads on frameworks: the version a pilot scores on, whether a version is in use, its band rules."""

from __future__ import annotations

from django.db.models import Max

from fidelity.frameworks import crosswalk, scoring
from fidelity.frameworks.framework_data import NAME as DEFAULT_FRAMEWORK
from fidelity.frameworks.instrument import (
    Instrument,
    InstrumentBand,
    InstrumentIndicator,
    InstrumentSection,
)
from fidelity.frameworks.models import (
    Framework,
    FrameworkVersion,
    Indicator,
    PilotFramework,
)
from fidelity.frameworks.words import FrameworkWords
from fidelity.returns.models import (
    QAReturn,
)
from partners.models import Pilot


def framework_next_version_number(*, framework: Framework) -> int:
    """The number a new version of this framework takes: one more than its highest."""
    return (framework.versions.aggregate(m=Max("number"))["m"] or 0) + 1


def band_rules(*, version: FrameworkVersion) -> list[scoring.BandRule]:
    return [scoring.BandRule(name=b.slug, minimum=b.minimum) for b in version.bands.all()]


def framework_version_in_use(*, version: FrameworkVersion) -> bool:
    return QAReturn.objects.filter(framework_version=version).exists()


def current_framework_version(*, pilot: Pilot) -> FrameworkVersion:
    """The version a pilot's new returns are scored on; the default framework's latest if unset."""
    choice = PilotFramework.objects.filter(pilot=pilot).select_related("version").first()
    if choice:
        return choice.version
    return FrameworkVersion.objects.filter(framework__name=DEFAULT_FRAMEWORK).order_by("-number")[0]


def pilot_framework_words(*, pilot: Pilot) -> FrameworkWords:
    """What the pilot's current framework version calls its sections and its report: the words of
    pages about the pilot as a whole (forums, improvement actions). A page that has a return or a
    version in hand takes `version.words` instead."""
    return current_framework_version(pilot=pilot).words


def version_continued(*, name: str, number: int) -> FrameworkVersion | None:
    """Version `number` of the framework `name`, which a new version names as its previous."""
    return FrameworkVersion.objects.filter(framework__name=name, number=number).first()


def version_codes(*, version: FrameworkVersion) -> tuple[list[str], list[str]]:
    """The version's section codes and indicator codes, in order."""
    sections = list(version.principles.order_by("position").values_list("code", flat=True))
    indicators = list(
        Indicator.objects.filter(principle__version=version)
        .order_by("principle__position", "position")
        .values_list("code", flat=True)
    )
    return sections, indicators


def retired_indicators(*, version: FrameworkVersion) -> list[Indicator]:
    """The previous version's indicators that none of this version's continues."""
    if version.previous_id is None:
        return []
    return list(
        Indicator.objects.filter(principle__version_id=version.previous_id)
        .exclude(continued_by__version=version)
        .order_by("principle__position", "position")
    )


def _instrument_indicator(indicator: Indicator) -> InstrumentIndicator:
    lineage = getattr(indicator, "lineage", None)
    old = sorted(
        lineage.continues.all() if lineage else (),
        key=lambda i: (i.principle.position, i.position),
    )
    return InstrumentIndicator(
        code=indicator.code,
        text=indicator.text,
        plain_text=indicator.plain_text,
        guidance=indicator.guidance,
        change=lineage.change if lineage else crosswalk.NEW,
        continues=tuple(i.code for i in old),
    )


def framework_instrument(*, version: FrameworkVersion) -> Instrument:
    """A version as plain data, for export: what `services.framework_import` would build again."""
    principles = (
        version.principles.select_related("continues", "version__previous")
        .prefetch_related("indicators__lineage__continues__principle")
        .order_by("position")
    )
    has_previous = version.previous_id is not None
    return Instrument(
        name=version.framework.name,
        description=version.framework.description,
        notes=version.notes,
        section_word=version.section_word,
        section_word_plural=version.section_word_plural,
        report_title=version.report_title,
        caseload_target_per_fte=version.caseload_target_per_fte,
        previous_version=version.previous.number if has_previous else None,
        sections=tuple(
            InstrumentSection(
                code=p.code,
                title=p.title,
                description=p.description,
                continues=(p.continues.code if p.continues else "") if has_previous else None,
                indicators=tuple(
                    _instrument_indicator(i)
                    for i in sorted(p.indicators.all(), key=lambda i: i.position)
                ),
            )
            for p in principles
        ),
        scale=tuple((s.value, s.label) for s in version.scale.order_by("value")),
        bands=tuple(
            InstrumentBand(name=b.name, slug=b.slug, minimum=b.minimum)
            for b in version.bands.order_by("-minimum")
        ),
    )
