"""A framework version as a FHIR R4 Questionnaire (JSON), for exchange with other systems, and
reading one back. docs/exchange.md describes the mapping.

- The Questionnaire: `url` is the framework's canonical URL (`questionnaire_url`), `version`
  the version number, `title` the framework's name, `description` its description.
- Each top-level `group` item is a section: `linkId` its code, `text` its title.
- Each `choice` item inside a group is an indicator: `linkId` its code, `text` its wording;
  each `answerOption.valueCoding` a level of the scale (`code` the value, `display` the label).
- What a Questionnaire has no field for is carried in extensions whose URLs start with
  `EXTENSION_BASE`: the words for a section, the report title, the caseload target, the version
  notes and the bands on the Questionnaire; a section's description and an indicator's plain
  words and guidance on their items.
- A version that continues another names it in `derivedFrom`, and its crosswalk goes with it
  as a ConceptMap (`frameworks.fhir_crosswalk`): the file is then a Bundle of both
  (`instrument_bundle`), which reads back with the crosswalk.

Parsed and validated with `fhir.resources` (R4B models) by `frameworks.fhir_parse`; then `instrument_rules` (the same rules
as the XLSX workbook's) decide what an instrument may hold. `read_instrument_questionnaire`
raises `InstrumentFileError` with every problem located by JSON path. Nothing is saved here.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.text import slugify
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.conceptmap import ConceptMap
from fhir.resources.R4B.questionnaire import Questionnaire
from pydantic import BaseModel

from fidelity.frameworks import instrument_rules as rules
from fidelity.frameworks.fhir_crosswalk import (
    concept_map_previous,
    concept_map_resource,
    concept_map_sections,
)
from fidelity.frameworks.fhir_parse import parse_fhir_file
from fidelity.frameworks.instrument import (
    FileProblem,
    Instrument,
    InstrumentBand,
    InstrumentFileError,
    InstrumentIndicator,
    InstrumentSection,
)
from fidelity.frameworks.selectors import version_codes, version_continued

# Our extensions' URLs: fixed, not the site's address, so a file written by one installation
# reads in another.
EXTENSION_BASE = "https://housing-first-fidelity.example/fhir/StructureDefinition/"
SECTION_WORD = EXTENSION_BASE + "section-word"
SECTION_WORD_PLURAL = EXTENSION_BASE + "section-word-plural"
REPORT_TITLE = EXTENSION_BASE + "report-title"
CASELOAD_TARGET = EXTENSION_BASE + "caseload-target-per-fte"
VERSION_NOTES = EXTENSION_BASE + "version-notes"
BAND = EXTENSION_BASE + "band"
SECTION_DESCRIPTION = EXTENSION_BASE + "section-description"
PLAIN_WORDS = EXTENSION_BASE + "plain-words"
GUIDANCE = EXTENSION_BASE + "guidance"


def fhir_url(*parts: str) -> str:
    """An address under the FHIR_BASE_URL setting: every canonical URL, identifier system and
    bundle entry address of our FHIR exports is made here."""
    return "/".join([settings.FHIR_BASE_URL.rstrip("/"), *parts])


def questionnaire_url(*, framework_name: str) -> str:
    """The framework's canonical URL; a version is `questionnaire_url(...)|<number>`."""
    return fhir_url("Questionnaire", slugify(framework_name))


def questionnaire_canonical(*, framework_name: str, number: int) -> str:
    """The reference to one version, as QuestionnaireResponse.questionnaire holds it."""
    return f"{questionnaire_url(framework_name=framework_name)}|{number}"


def concept_map_url(*, framework_name: str) -> str:
    """The canonical URL of the framework's crosswalks; each version's is `|<number>`."""
    return fhir_url("ConceptMap", slugify(framework_name))


def scale_system(*, framework_name: str) -> str:
    """The code system of the scale's codings, in the Questionnaire and in responses alike."""
    return f"{questionnaire_url(framework_name=framework_name)}/scale"


# --- Writing -----------------------------------------------------------------------------------


def _string(url: str, value: str) -> list[dict[str, Any]]:
    """An extension holding text, or none for empty text (it reads back as empty)."""
    return [{"url": url, "valueString": value}] if value else []


def _json(model: type[BaseModel], resource: dict[str, Any]) -> bytes:
    """A resource validated against its R4B model, in JSON (UTF-8)."""
    return model.model_validate(resource).model_dump_json(exclude_none=True, indent=2).encode()


def instrument_questionnaire(instrument: Instrument, *, number: int) -> bytes:
    """The instrument as a Questionnaire in JSON (UTF-8), as version `number` of its framework."""
    return _json(Questionnaire, _questionnaire_resource(instrument, number=number))


def instrument_concept_map(
    instrument: Instrument,
    *,
    number: int,
    old_sections: Sequence[str],
    old_indicators: Sequence[str],
) -> bytes:
    """The crosswalk of version `number` to the version it continues
    (`instrument.previous_version`, whose codes are given), as a ConceptMap in JSON."""
    return _json(
        ConceptMap,
        _concept_map(
            instrument, number=number, old_sections=old_sections, old_indicators=old_indicators
        ),
    )


def instrument_bundle(
    instrument: Instrument,
    *,
    number: int,
    old_sections: Sequence[str],
    old_indicators: Sequence[str],
) -> bytes:
    """A Bundle (`collection`) of the Questionnaire and its crosswalk as a ConceptMap, in JSON:
    the file of a version that continues another."""
    resources = (
        _questionnaire_resource(instrument, number=number),
        _concept_map(
            instrument, number=number, old_sections=old_sections, old_indicators=old_indicators
        ),
    )
    return _json(
        Bundle,
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [
                {
                    # A collection's entries need no server ids: names made from the canonical.
                    "fullUrl": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, _versioned(r))}",
                    "resource": r,
                }
                for r in resources
            ],
        },
    )


def _versioned(resource: dict[str, Any]) -> str:
    return f"{resource['url']}|{resource['version']}"


def _concept_map(
    instrument: Instrument,
    *,
    number: int,
    old_sections: Sequence[str],
    old_indicators: Sequence[str],
) -> dict[str, Any]:
    return concept_map_resource(
        instrument,
        url=questionnaire_url(framework_name=instrument.name),
        map_url=concept_map_url(framework_name=instrument.name),
        number=number,
        old_sections=old_sections,
        old_indicators=old_indicators,
    )


def _questionnaire_resource(instrument: Instrument, *, number: int) -> dict[str, Any]:
    previous = instrument.previous_version
    system = scale_system(framework_name=instrument.name)
    options = [
        {"valueCoding": {"system": system, "code": str(value), "display": label}}
        for value, label in instrument.scale
    ]
    resource = {
        "resourceType": "Questionnaire",
        "extension": [
            *_string(SECTION_WORD, instrument.section_word),
            *_string(SECTION_WORD_PLURAL, instrument.section_word_plural),
            *_string(REPORT_TITLE, instrument.report_title),
            {"url": CASELOAD_TARGET, "valueDecimal": instrument.caseload_target_per_fte},
            *_string(VERSION_NOTES, instrument.notes),
            *(
                {
                    "url": BAND,
                    "extension": [
                        {"url": "name", "valueString": band.name},
                        {"url": "slug", "valueCode": band.slug},
                        {"url": "minimum", "valueDecimal": band.minimum},
                    ],
                }
                for band in instrument.bands
            ),
        ],
        "url": questionnaire_url(framework_name=instrument.name),
        "version": str(number),
        "title": instrument.name,
        "derivedFrom": (
            [questionnaire_canonical(framework_name=instrument.name, number=previous)]
            if previous is not None
            else None
        ),
        "status": "active",
        "description": instrument.description or None,
        "item": [
            {
                "extension": _string(SECTION_DESCRIPTION, section.description) or None,
                "linkId": section.code,
                "text": section.title,
                "type": "group",
                "item": [
                    {
                        "extension": [
                            *_string(PLAIN_WORDS, indicator.plain_text),
                            *_string(GUIDANCE, indicator.guidance),
                        ]
                        or None,
                        "linkId": indicator.code,
                        "text": indicator.text,
                        "type": "choice",
                        "answerOption": options,
                    }
                    for indicator in section.indicators
                ],
            }
            for section in instrument.sections
        ],
    }
    return resource


# --- Reading -----------------------------------------------------------------------------------


class _Reader:
    """Collects problems while reading, so one pass reports everything wrong."""

    def __init__(self, at: str = "$") -> None:
        self.problems: list[FileProblem] = []
        self.at = at  # where the Questionnaire is: the file itself, or a Bundle's entry

    def problem(self, path: str, message: str) -> None:
        """A problem at `path` in the Questionnaire ("$.item[0]...")."""
        self.located(self.at + path.removeprefix("$"), message)

    def located(self, path: str, message: str) -> None:
        """A problem at `path` in the file."""
        self.problems.append(FileProblem.at_path(path, message))

    def text(self, path: str, value: str | None, kind: str, what: str | None = None) -> str:
        value = (value or "").strip()
        if problem := rules.text_problem(value, kind=kind, what=what):
            self.problem(path, problem)
        return value


def _extensions(element: Any, url: str) -> list[tuple[int, Any]]:
    return [(n, e) for n, e in enumerate(element.extension or []) if e.url == url]


def _extension_text(element: Any, url: str) -> str | None:
    found = _extensions(element, url)
    return (found[0][1].valueString or "").strip() if found else None


def read_instrument_questionnaire(data: bytes) -> Instrument:
    """The instrument a Questionnaire (JSON) describes, with its crosswalk when the file is a
    Bundle that holds it as a ConceptMap; InstrumentFileError if anything is wrong.
    Words the file does not carry (from a system other than ours) take plain defaults; the
    bands, which decide how a score is read, must be there."""
    questionnaire, at, concept_map, map_at = parse_fhir_file(data)
    reader = _Reader(at)
    name = reader.text("$.title", questionnaire.title, "name")
    if not name:
        reader.problem("$.title", "the Questionnaire has no title (the framework's name).")
    words = _read_settings(reader, questionnaire, name)
    sections, scale = _read_items(reader, questionnaire)
    bands = _read_bands(reader, questionnaire, scale)
    previous = None
    if concept_map is not None and name and not reader.problems:
        sections, previous = _read_crosswalk(
            reader, questionnaire, name, sections, concept_map=concept_map, at=map_at
        )
    if reader.problems:
        raise InstrumentFileError(reader.problems)
    return Instrument(
        name=name,
        description=(questionnaire.description or "").strip(),
        sections=sections,
        scale=scale,
        bands=bands,
        previous_version=previous,
        **words,
    )


def _read_crosswalk(
    reader: _Reader,
    questionnaire: Questionnaire,
    name: str,
    sections: tuple[InstrumentSection, ...],
    *,
    concept_map: ConceptMap,
    at: str,
) -> tuple[tuple[InstrumentSection, ...], int | None]:
    """The sections with the crosswalk the ConceptMap gives them, and the number of the version
    it continues: a version of this framework that must already be here."""
    url, version = questionnaire.url or "", questionnaire.version or ""
    if not url:
        reader.problem("$.url", "a Questionnaire with a crosswalk needs its url, which it maps.")
        return sections, None
    previous, problems = concept_map_previous(concept_map, at=at, url=url, version=version)
    for path, message in problems:
        reader.located(path, message)
    if previous is None:
        return sections, None
    for n, derived in enumerate(questionnaire.derivedFrom or []):
        if derived.startswith(f"{url}|") and derived != f"{url}|{previous}":
            reader.problem(
                f"$.derivedFrom[{n}]",
                f"the Questionnaire derives from {derived}, but its crosswalk maps from version "
                f"{previous}.",
            )
    old = version_continued(name=name, number=previous)
    if old is None:
        reader.located(
            f"{at}.group[0].sourceVersion",
            f"there is no version {previous} of {name} here to continue; import it first, or "
            "import the Questionnaire without its ConceptMap to import it without a crosswalk.",
        )
        return sections, None
    old_sections, old_indicators = version_codes(version=old)
    sections, problems = concept_map_sections(
        concept_map,
        at=at,
        sections=sections,
        old_sections=old_sections,
        old_indicators=old_indicators,
        previous=str(old),
    )
    for path, message in problems:
        reader.located(path, message)
    return sections, previous


def _read_settings(reader: _Reader, questionnaire: Questionnaire, name: str) -> dict[str, Any]:
    word = _extension_text(questionnaire, SECTION_WORD) or "section"
    plural = _extension_text(questionnaire, SECTION_WORD_PLURAL) or f"{word}s"
    title = _extension_text(questionnaire, REPORT_TITLE) or f"{name} report"
    values = {
        "notes": _extension_text(questionnaire, VERSION_NOTES) or "",
        "section_word": reader.text("$.extension", word, "section word"),
        "section_word_plural": reader.text("$.extension", plural, "section word (plural)"),
        "report_title": reader.text("$.extension", title, "report title"),
    }
    targets = _extensions(questionnaire, CASELOAD_TARGET)
    if targets:
        number, extension = targets[0]
        target = extension.valueDecimal
        if problem := rules.caseload_target_problem(target, label="Caseload target per FTE"):
            reader.problem(f"$.extension[{number}].valueDecimal", problem)
        else:
            values["caseload_target_per_fte"] = Decimal(target).quantize(Decimal("0.1"))
    return values


def _read_items(
    reader: _Reader, questionnaire: Questionnaire
) -> tuple[tuple[InstrumentSection, ...], tuple[tuple[int, str], ...]]:
    groups = questionnaire.item or []
    if problem := rules.section_count_problem(len(groups)):
        reader.problem("$.item", problem)
    sections: list[InstrumentSection] = []
    section_codes: set[str] = set()
    codes: set[str] = set()
    scale: tuple[tuple[int, str], ...] | None = None
    for g, group in enumerate(groups):
        at = f"$.item[{g}]"
        if group.type != "group":
            reader.problem(
                f"{at}.type",
                f"a top-level item is a section and must be a “group”, not “{group.type}”.",
            )
            continue
        code = reader.text(f"{at}.linkId", group.linkId, "section code", "code")
        if code in section_codes:
            reader.problem(f"{at}.linkId", f"the code {code} is used twice.")
        section_codes.add(code)
        title = reader.text(f"{at}.text", group.text, "section title", "title")
        if not title:
            reader.problem(f"{at}.text", "the section has no text (its title).")
        indicators = []
        for i, item in enumerate(group.item or []):
            where = f"{at}.item[{i}]"
            if item.type != "choice":
                reader.problem(
                    f"{where}.type",
                    f"an item in a section is an indicator and must be a “choice”, not "
                    f"“{item.type}”.",
                )
                continue
            indicator_code = reader.text(f"{where}.linkId", item.linkId, "indicator code", "code")
            if indicator_code in codes | section_codes:
                reader.problem(f"{where}.linkId", f"the code {indicator_code} is used twice.")
            codes.add(indicator_code)
            text = reader.text(f"{where}.text", item.text, "indicator text", "text")
            if not text:
                reader.problem(f"{where}.text", "the indicator has no text.")
            plain = reader.text(
                f"{where}.extension", _extension_text(item, PLAIN_WORDS), "plain words"
            )
            levels = _read_scale(reader, item, where)
            if scale is None:
                scale = levels
            elif levels is not None and levels != scale:
                reader.problem(
                    f"{where}.answerOption",
                    "the answer options differ from the first indicator's; every indicator is "
                    "scored on one scale.",
                )
            indicators.append(
                InstrumentIndicator(
                    code=indicator_code,
                    text=text,
                    plain_text=plain,
                    guidance=_extension_text(item, GUIDANCE) or "",
                )
            )
        if not indicators:
            reader.problem(f"{at}.item", f"the section {code} has no indicators.")
        sections.append(
            InstrumentSection(
                code=code,
                title=title,
                description=_extension_text(group, SECTION_DESCRIPTION) or "",
                indicators=tuple(indicators),
            )
        )
    return tuple(sections), scale or ()


def _read_scale(reader: _Reader, item: Any, where: str) -> tuple[tuple[int, str], ...] | None:
    """The item's answer options as a scale; None (with its problems noted) if it is not one."""
    levels: dict[int, str] = {}
    before = len(reader.problems)
    for n, option in enumerate(item.answerOption or []):
        at = f"{where}.answerOption[{n}].valueCoding"
        coding = option.valueCoding
        if coding is None:
            reader.problem(at, "each answer option is a coding (a level of the scale).")
            continue
        code = (coding.code or "").strip()
        # At most 3 digits: enough for any allowed value, and never a huge number to parse.
        value = int(code) if code.isascii() and code.isdigit() and len(code) <= 3 else None
        label = reader.text(f"{at}.display", coding.display, "scale label", "label")
        if problem := rules.scale_value_problem(value, shown=code):
            reader.problem(f"{at}.code", problem)
        elif value in levels:
            reader.problem(f"{at}.code", f"the value {value} is used twice.")
        else:
            levels[value] = label
        if not label:
            reader.problem(f"{at}.display", "the level has no label.")
    if problem := rules.scale_problem(list(levels)):
        reader.problem(f"{where}.answerOption", problem)
    if len(reader.problems) > before:
        return None
    return tuple((v, levels[v]) for v in sorted(levels))


def _read_bands(
    reader: _Reader, questionnaire: Questionnaire, scale: tuple[tuple[int, str], ...]
) -> tuple[InstrumentBand, ...]:
    bands: list[InstrumentBand] = []
    slugs: set[str] = set()
    found = _extensions(questionnaire, BAND)
    for number, extension in found:
        at = f"$.extension[{number}]"
        parts = {part.url: part for part in extension.extension or []}
        name = reader.text(at, getattr(parts.get("name"), "valueString", None), "band name", "name")
        slug = reader.text(at, getattr(parts.get("slug"), "valueCode", None), "band slug", "slug")
        minimum = getattr(parts.get("minimum"), "valueDecimal", None)
        if not name:
            reader.problem(at, "the band has no name.")
        if problem := rules.slug_problem(slug):
            reader.problem(at, problem)
        elif slug in slugs:
            reader.problem(at, f"the slug {slug} is used twice.")
        slugs.add(slug)
        if problem := rules.band_minimum_problem(minimum):
            reader.problem(at, problem)
        elif minimum is not None:
            bands.append(InstrumentBand(name=name, slug=slug, minimum=minimum))
    if bands or not found:
        problem = rules.bands_problem(
            [b.minimum for b in bands], lowest_score=scale[0][0] if scale else None
        )
        if problem:
            reader.problem("$.extension", problem)
    return tuple(sorted(bands, key=lambda b: b.minimum, reverse=True))
