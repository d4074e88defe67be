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

Parsed and validated with `fhir.resources` (R4B models); then `instrument_rules` (the same rules
as the XLSX workbook's) decide what an instrument may hold. `read_instrument_questionnaire`
raises `InstrumentFileError` with every problem located by JSON path. Nothing is saved here.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.text import slugify
from fhir.resources.R4B.questionnaire import Questionnaire
from pydantic import ValidationError

from fidelity.frameworks import instrument_rules as rules
from fidelity.frameworks.instrument import (
    FileProblem,
    Instrument,
    InstrumentBand,
    InstrumentFileError,
    InstrumentIndicator,
    InstrumentSection,
)

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

# Our files nest about 10 deep (Questionnaire, item, group, item, indicator, answerOption, ...);
# validating far deeper JSON would exhaust Python's stack, so it is refused before.
_MAX_DEPTH = 32
# How many of pydantic's problems to list: a file that is wrong throughout says so in a screen.
_MAX_LISTED = 20


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


def scale_system(*, framework_name: str) -> str:
    """The code system of the scale's codings, in the Questionnaire and in responses alike."""
    return f"{questionnaire_url(framework_name=framework_name)}/scale"


# --- Writing -----------------------------------------------------------------------------------


def _string(url: str, value: str) -> list[dict[str, Any]]:
    """An extension holding text, or none for empty text (it reads back as empty)."""
    return [{"url": url, "valueString": value}] if value else []


def instrument_questionnaire(instrument: Instrument, *, number: int) -> bytes:
    """The instrument as a Questionnaire in JSON (UTF-8), as version `number` of its framework."""
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
    return (
        Questionnaire.model_validate(resource).model_dump_json(exclude_none=True, indent=2).encode()
    )


# --- Reading -----------------------------------------------------------------------------------


def _json_path(location: tuple[str | int, ...]) -> str:
    path = "$"
    for part in location:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _depth(raw: Any) -> int:
    """How deep lists and objects nest, found without recursion."""
    deepest, stack = 0, [(raw, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            deepest = max(deepest, depth)
            if depth <= _MAX_DEPTH:
                children = value.values() if isinstance(value, dict) else value
                stack.extend((child, depth + 1) for child in children)
    return deepest


def _raw_item_count(raw: dict[str, Any]) -> int:
    """Items below the top level (the indicators, if the file is as we write it), counted in the
    raw JSON so that an oversized file is refused before it is validated item by item."""
    groups = raw.get("item")
    if not isinstance(groups, list):
        return 0
    return sum(
        len(g["item"]) for g in groups if isinstance(g, dict) and isinstance(g.get("item"), list)
    )


def _parse(data: bytes) -> Questionnaire:
    if problem := rules.file_size_problem(len(data)):
        raise InstrumentFileError([FileProblem("The file", None, problem)])
    try:
        raw = json.loads(data)
    except (ValueError, RecursionError):
        raise InstrumentFileError(
            [
                FileProblem(
                    "The file",
                    None,
                    "this is not JSON that can be read. Export a framework as FHIR to see the "
                    "layout.",
                )
            ]
        ) from None
    kind = raw.get("resourceType") if isinstance(raw, dict) else None
    if kind != "Questionnaire":
        message = (
            f"this is a {kind} resource, not a FHIR Questionnaire."
            if isinstance(kind, str) and kind
            else "there is no resourceType “Questionnaire”: this is not a FHIR Questionnaire."
        )
        raise InstrumentFileError([FileProblem.at_path("$.resourceType", message)])
    if _depth(raw) > _MAX_DEPTH:
        raise InstrumentFileError(
            [
                FileProblem(
                    "The file",
                    None,
                    f"the JSON nests more than {_MAX_DEPTH} levels deep; a framework's "
                    "Questionnaire has sections holding indicators and needs far fewer.",
                )
            ]
        )
    sections = len(raw["item"]) if isinstance(raw.get("item"), list) else 0
    too_many = [
        problem
        for problem in (
            # No sections at all is reported later, with everything else found.
            rules.section_count_problem(sections) if sections else None,
            rules.indicator_count_problem(_raw_item_count(raw)),
        )
        if problem
    ]
    if too_many:
        raise InstrumentFileError([FileProblem.at_path("$.item", p) for p in too_many])
    try:
        return Questionnaire.model_validate(raw)
    except ValidationError as error:
        problems = []
        for found in error.errors()[:_MAX_LISTED]:
            message = "this is required." if found["type"].endswith("missing") else found["msg"]
            problems.append(FileProblem.at_path(_json_path(found["loc"]), message))
        raise InstrumentFileError(problems) from None


class _Reader:
    """Collects problems while reading, so one pass reports everything wrong."""

    def __init__(self) -> None:
        self.problems: list[FileProblem] = []

    def problem(self, path: str, message: str) -> None:
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
    """The instrument a Questionnaire (JSON) describes; InstrumentFileError if anything is wrong.
    Words the file does not carry (from a system other than ours) take plain defaults; the
    bands, which decide how a score is read, must be there."""
    questionnaire = _parse(data)
    reader = _Reader()
    name = reader.text("$.title", questionnaire.title, "name")
    if not name:
        reader.problem("$.title", "the Questionnaire has no title (the framework's name).")
    words = _read_settings(reader, questionnaire, name)
    sections, scale = _read_items(reader, questionnaire)
    bands = _read_bands(reader, questionnaire, scale)
    if reader.problems:
        raise InstrumentFileError(reader.problems)
    return Instrument(
        name=name,
        description=(questionnaire.description or "").strip(),
        sections=sections,
        scale=scale,
        bands=bands,
        **words,
    )


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
