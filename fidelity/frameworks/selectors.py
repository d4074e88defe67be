"""Reads on frameworks: the version a pilot scores on, whether a version is in use, its band rules."""

from __future__ import annotations

from django.db.models import Max

from fidelity.frameworks import scoring
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


def framework_instrument(*, version: FrameworkVersion) -> Instrument:
    """A version as plain data, for export: what `services.framework_import` would build again."""
    principles = version.principles.prefetch_related("indicators").order_by("position")
    return Instrument(
        name=version.framework.name,
        description=version.framework.description,
        notes=version.notes,
        section_word=version.section_word,
        section_word_plural=version.section_word_plural,
        report_title=version.report_title,
        caseload_target_per_fte=version.caseload_target_per_fte,
        sections=tuple(
            InstrumentSection(
                code=p.code,
                title=p.title,
                description=p.description,
                indicators=tuple(
                    InstrumentIndicator(
                        code=i.code, text=i.text, plain_text=i.plain_text, guidance=i.guidance
                    )
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
