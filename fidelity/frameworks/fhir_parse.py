"""Reading an instrument's FHIR file as far as its resources: the JSON (within the size limit,
not nested too deep), what it holds (a Questionnaire, or a Bundle of one and, optionally, its
crosswalk's ConceptMap), counts checked in the raw JSON before anything is validated item by
item, and each resource validated against its R4B model, every problem by JSON path in the
file. `frameworks.fhir` reads the instrument from what this returns."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, TypeVar

from fhir.resources.R4B.conceptmap import ConceptMap
from fhir.resources.R4B.questionnaire import Questionnaire
from pydantic import BaseModel, ValidationError

from fidelity.frameworks import instrument_rules as rules
from fidelity.frameworks.instrument import (
    MAX_INDICATORS,
    MAX_SECTIONS,
    FileProblem,
    InstrumentFileError,
)

# Our files nest about 10 deep (Questionnaire, item, group, item, indicator, answerOption, ...);
# validating far deeper JSON would exhaust Python's stack, so it is refused before.
_MAX_DEPTH = 32
# How many of pydantic's problems to list: a file that is wrong throughout says so in a screen.
_MAX_LISTED = 20


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


def _load(data: bytes) -> Any:
    """The file's JSON, refused if too big, unreadable or nested too deep."""
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
    if kind not in ("Questionnaire", "Bundle"):
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
    return raw


_Model = TypeVar("_Model", bound=BaseModel)


@dataclass(frozen=True)
class _Resources:
    """Where the file's Questionnaire is (`at`, a JSON path) and its crosswalk, if any."""

    questionnaire: dict[str, Any]
    at: str = "$"
    concept_map: dict[str, Any] | None = None
    map_at: str = ""


def _resources(raw: dict[str, Any]) -> _Resources:
    """A Questionnaire alone, or a Bundle of one and, optionally, its crosswalk's ConceptMap."""
    if raw["resourceType"] == "Questionnaire":
        return _Resources(questionnaire=raw)
    entries = raw.get("entry")
    found: dict[str, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
    problems = []
    for n, entry in enumerate(entries if isinstance(entries, list) else []):
        resource = entry.get("resource") if isinstance(entry, dict) else None
        kind = resource.get("resourceType") if isinstance(resource, dict) else None
        if kind in ("Questionnaire", "ConceptMap"):
            found[kind].append((n, resource))
        else:
            problems.append(
                FileProblem.at_path(
                    f"$.entry[{n}].resource",
                    "a framework's Bundle holds its Questionnaire and its crosswalk (a "
                    f"ConceptMap), not {'a ' + kind if isinstance(kind, str) else 'this'}.",
                )
            )
    for kind, most in (("Questionnaire", 1), ("ConceptMap", 1)):
        count = len(found[kind])
        if count > most or (kind == "Questionnaire" and count == 0):
            problems.append(
                FileProblem.at_path(
                    "$.entry",
                    f"a framework's Bundle holds one {kind}; this one holds {count}.",
                )
            )
    if problems:
        raise InstrumentFileError(problems)
    (q, questionnaire), maps = found["Questionnaire"][0], found["ConceptMap"]
    return _Resources(
        questionnaire=questionnaire,
        at=f"$.entry[{q}].resource",
        concept_map=maps[0][1] if maps else None,
        map_at=f"$.entry[{maps[0][0]}].resource" if maps else "",
    )


def _validated(model: type[_Model], raw: dict[str, Any], *, at: str) -> _Model:
    try:
        return model.model_validate(raw)
    except ValidationError as error:
        problems = []
        for found in error.errors()[:_MAX_LISTED]:
            message = "this is required." if found["type"].endswith("missing") else found["msg"]
            problems.append(FileProblem.at_path(at + _json_path(found["loc"])[1:], message))
        raise InstrumentFileError(problems) from None


def parse_fhir_file(data: bytes) -> tuple[Questionnaire, str, ConceptMap | None, str]:
    """The Questionnaire and where it is (a JSON path), and its crosswalk's ConceptMap and where,
    if the file has one; InstrumentFileError if they cannot be read."""
    found = _resources(_load(data))
    raw, at = found.questionnaire, found.at
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
        raise InstrumentFileError([FileProblem.at_path(f"{at}.item", p) for p in too_many])
    questionnaire = _validated(Questionnaire, raw, at=at)
    if found.concept_map is None:
        return questionnaire, at, None, ""
    if _raw_target_count(found.concept_map) > 2 * (MAX_SECTIONS + MAX_INDICATORS):
        raise InstrumentFileError(
            [
                FileProblem.at_path(
                    f"{found.map_at}.group",
                    "the crosswalk maps more codes than a framework's two versions hold.",
                )
            ]
        )
    return (
        questionnaire,
        at,
        _validated(ConceptMap, found.concept_map, at=found.map_at),
        found.map_at,
    )


def _raw_target_count(raw: dict[str, Any]) -> int:
    """A ConceptMap's elements and targets, counted in the raw JSON before it is validated."""
    count = 0
    for group in raw.get("group") if isinstance(raw.get("group"), list) else []:
        elements = group.get("element") if isinstance(group, dict) else None
        for element in elements if isinstance(elements, list) else []:
            targets = element.get("target") if isinstance(element, dict) else None
            count += 1 + (len(targets) if isinstance(targets, list) else 0)
    return count
