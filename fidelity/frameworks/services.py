"""Writes on frameworks: an edit to a version that returns use makes a new version."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Max

from fidelity.errors import WorkflowError
from fidelity.frameworks import crosswalk
from fidelity.frameworks.instrument import Instrument
from fidelity.frameworks.models import (
    Band,
    Framework,
    FrameworkVersion,
    Indicator,
    IndicatorLineage,
    PilotFramework,
    Principle,
    ScaleLevel,
)
from fidelity.frameworks.selectors import (
    framework_next_version_number,
    framework_version_in_use,
    version_continued,
)


@transaction.atomic
def framework_revise(
    *,
    version: FrameworkVersion,
    notes: str,
    indicator_changes: Mapping[str, Mapping[str, str]] | None = None,
    new_indicators: Sequence[tuple[str, str]] = (),
    caseload_target_per_fte: Decimal | None = None,
) -> FrameworkVersion:
    """Applies an edit to a framework version; if returns already use it, to a copy instead.

    `indicator_changes` maps an indicator code to new field values (text, guidance, plain_text);
    `new_indicators` adds (principle code, text) pairs. Returns already made keep the version they
    were scored on; pilots that used the old version move to the new one. A copy continues the
    version it copies: each section and indicator its own, "same" or, once its text changes,
    "reworded"; added indicators are "new".
    """
    target = version
    if framework_version_in_use(version=version):
        target = _framework_copy(version=version, notes=notes)
        PilotFramework.objects.filter(version=version).update(version=target)
    elif notes:
        target.notes = notes
    if caseload_target_per_fte is not None:
        target.caseload_target_per_fte = caseload_target_per_fte
    target.save()
    indicators = {i.code: i for i in Indicator.objects.filter(principle__version=target)}
    for code, fields in (indicator_changes or {}).items():
        if code not in indicators:
            raise WorkflowError(f"There is no indicator {code} in this framework.")
        indicator = indicators[code]
        if fields.get("text", indicator.text) != indicator.text and "plain_text" not in fields:
            # Plain words written for the old text may no longer ask the same thing: reviewers
            # read the new text until someone writes new ones.
            indicator.plain_text = ""
        for name in ("text", "guidance", "plain_text"):
            if name in fields:
                setattr(indicator, name, fields[name])
        indicator.save()
        _relabel(indicator)
    for principle_code, text in new_indicators:
        principle = target.principles.get(code=principle_code)
        position = (principle.indicators.aggregate(m=Max("position"))["m"] or 0) + 1
        indicator = Indicator.objects.create(
            principle=principle,
            code=f"{principle.position}.{position}",
            position=position,
            text=text,
        )
        if target.previous_id is not None:
            _lineages_create(version=target, rows=[(indicator, crosswalk.NEW, [])])
    return target


def _relabel(indicator: Indicator) -> None:
    """An indicator that continues one old indicator unchanged or reworded says which it is now."""
    lineage = IndicatorLineage.objects.filter(
        indicator=indicator, change__in=crosswalk.CONTINUING
    ).first()
    if lineage is None:
        return
    old = lineage.continues.get()
    change = crosswalk.default_change(old_text=old.text, text=indicator.text)
    if change != lineage.change:
        lineage.change = change
        lineage.save(update_fields=["change"])


@transaction.atomic
def framework_import(instrument: Instrument) -> FrameworkVersion:
    """Saves an instrument read from a file as the next version of the framework of its name
    (a new framework if there is none). Pilots keep the version they use until moved to it.

    When the instrument names a previous version, the new one continues it: sections as the
    instrument says (by default the section of the same code), indicators as its crosswalk
    says. Without one it records no crosswalk, and figures follow the codes as they always
    have."""
    framework, created = Framework.objects.get_or_create(
        name=instrument.name, defaults={"description": instrument.description}
    )
    if not created and instrument.description and instrument.description != framework.description:
        framework.description = instrument.description
        framework.save(update_fields=["description"])
    number = _next_version_number(framework)
    previous = None
    if instrument.previous_version is not None:
        previous = version_continued(name=instrument.name, number=instrument.previous_version)
        if previous is None:
            raise WorkflowError(
                f"There is no version {instrument.previous_version} of {instrument.name} "
                "to continue."
            )
    version = FrameworkVersion.objects.create(
        framework=framework,
        number=number,
        previous=previous,
        notes=instrument.notes,
        caseload_target_per_fte=instrument.caseload_target_per_fte,
        section_word=instrument.section_word,
        section_word_plural=instrument.section_word_plural,
        report_title=instrument.report_title,
    )
    ScaleLevel.objects.bulk_create(
        ScaleLevel(version=version, value=value, label=label) for value, label in instrument.scale
    )
    Band.objects.bulk_create(
        Band(version=version, name=b.name, slug=b.slug, minimum=b.minimum) for b in instrument.bands
    )
    twice = crosswalk.section_problems([(s.code, s.continues) for s in instrument.sections])
    if twice:
        n, message = twice[0]
        raise WorkflowError(f"Section {instrument.sections[n].code}: {message}")
    old_sections = {p.code: p for p in previous.principles.all()} if previous else {}
    created_indicators = []
    for position, section in enumerate(instrument.sections, start=1):
        continues = section.code if section.continues is None else section.continues
        if section.continues and section.continues not in old_sections:
            raise WorkflowError(f"There is no section {section.continues} in {previous}.")
        principle = Principle.objects.create(
            version=version,
            code=section.code,
            position=position,
            title=section.title,
            description=section.description,
            continues=old_sections.get(continues),
        )
        created_indicators += Indicator.objects.bulk_create(
            Indicator(
                principle=principle,
                code=i.code,
                position=order,
                text=i.text,
                plain_text=i.plain_text,
                guidance=i.guidance,
            )
            for order, i in enumerate(section.indicators, start=1)
        )
    if previous is not None:
        _crosswalk_save(
            version=version, previous=previous, instrument=instrument, indicators=created_indicators
        )
    return version


def _crosswalk_save(
    *,
    version: FrameworkVersion,
    previous: FrameworkVersion,
    instrument: Instrument,
    indicators: list[Indicator],
) -> None:
    links = [
        crosswalk.Link(code=i.code, change=i.change, continues=i.continues)
        for s in instrument.sections
        for i in s.indicators
    ]
    old = {i.code: i for i in Indicator.objects.filter(principle__version=previous)}
    problems = crosswalk.link_problems(links, old_codes=old.keys(), previous=str(previous))
    if problems:
        raise WorkflowError(
            "; ".join(f"Indicator {links[n].code}: {message}" for n, message in problems)
        )
    _lineages_create(
        version=version,
        rows=[
            (indicator, link.change, [old[code] for code in link.continues])
            for indicator, link in zip(indicators, links, strict=True)
        ],
    )


def _lineages_create(
    *, version: FrameworkVersion, rows: Sequence[tuple[Indicator, str, Sequence[Indicator]]]
) -> None:
    """The crosswalk rows of `version`: (new indicator, kind of change, old indicators)."""
    lineages = IndicatorLineage.objects.bulk_create(
        IndicatorLineage(version=version, indicator=indicator, change=change)
        for indicator, change, _ in rows
    )
    through = IndicatorLineage.continues.through
    through.objects.bulk_create(
        through(indicatorlineage=lineage, indicator=old)
        for lineage, (_, _, olds) in zip(lineages, rows, strict=True)
        for old in olds
    )


def _next_version_number(framework: Framework) -> int:
    # Lock the framework row so two imports at once cannot both take the same number.
    Framework.objects.select_for_update().filter(pk=framework.pk).first()
    return framework_next_version_number(framework=framework)


def _framework_copy(*, version: FrameworkVersion, notes: str) -> FrameworkVersion:
    copy = FrameworkVersion.objects.create(
        framework=version.framework,
        number=_next_version_number(version.framework),
        previous=version,
        notes=notes or f"Revised from version {version.number}.",
        caseload_target_per_fte=version.caseload_target_per_fte,
        section_word=version.section_word,
        section_word_plural=version.section_word_plural,
        report_title=version.report_title,
    )
    ScaleLevel.objects.bulk_create(
        ScaleLevel(version=copy, value=s.value, label=s.label) for s in version.scale.all()
    )
    Band.objects.bulk_create(
        Band(version=copy, name=b.name, slug=b.slug, minimum=b.minimum) for b in version.bands.all()
    )
    for principle in version.principles.prefetch_related("indicators"):
        new_principle = Principle.objects.create(
            version=copy,
            code=principle.code,
            position=principle.position,
            title=principle.title,
            description=principle.description,
            continues=principle,
        )
        old = list(principle.indicators.all())
        new = Indicator.objects.bulk_create(
            Indicator(
                principle=new_principle,
                code=i.code,
                position=i.position,
                text=i.text,
                guidance=i.guidance,
                plain_text=i.plain_text,
            )
            for i in old
        )
        _lineages_create(
            version=copy,
            rows=[(i, crosswalk.SAME, [o]) for i, o in zip(new, old, strict=True)],
        )
    return copy
