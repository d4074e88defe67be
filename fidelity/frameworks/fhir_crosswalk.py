"""The crosswalk between two versions of a framework (`frameworks.crosswalk`) as a FHIR R4
ConceptMap, and reading one back. docs/exchange.md ("The crosswalk as a ConceptMap") describes
the mapping and why each equivalence was chosen.

One group maps the previous version's Questionnaire (`group.source`, `group.sourceVersion`)
onto this one's (`group.target`, `group.targetVersion`); its codes are the items' linkIds.
Every old section and indicator has one element: its targets are what continues it, with the
equivalence of the kind of change (`EQUIVALENCES`), or one `unmatched` target when nothing
does (retired). A new indicator or section is simply no element's target: an R4 ConceptMap maps
from the source's codes, and `group.unmapped` speaks only of source codes.

Pure: plain data in, plain data out, problems as (JSON path, message). The rules of what a
crosswalk may say are `crosswalk.link_problems` and `crosswalk.section_problems`, as for the
workbook; `frameworks.fhir` finds the version continued and puts the map in a Bundle.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import replace
from typing import Any

from fhir.resources.R4B.conceptmap import ConceptMap

from fidelity.frameworks import crosswalk
from fidelity.frameworks.instrument import Instrument, InstrumentSection

# Our kinds of change as R4 ConceptMapEquivalence, read "the target is <equivalence> to the
# source": a split's new indicators are each narrower than the old one, a merged one wider
# than each old one.
EQUIVALENCES = {
    crosswalk.SAME: "equal",
    crosswalk.REWORDED: "equivalent",
    crosswalk.SPLIT: "narrower",
    crosswalk.MERGED: "wider",
}
CHANGES = {equivalence: change for change, equivalence in EQUIVALENCES.items()}
UNMATCHED = "unmatched"
# A section has no kind of change: it continues an old one or starts afresh.
SECTION_EQUIVALENCE = "equivalent"
_SECTION_READS = ("equal", "equivalent")
# FHIR requires a comment on a narrower map (invariant cmd-1).
_COMMENTS = {
    crosswalk.SPLIT: "Split: {old} became several indicators; this is one of them.",
    crosswalk.MERGED: "Merged: several old indicators became this one; {old} is one of them.",
}

Problem = tuple[str, str]


def concept_map_resource(
    instrument: Instrument,
    *,
    url: str,
    map_url: str,
    number: int,
    old_sections: Sequence[str],
    old_indicators: Sequence[str],
) -> dict[str, Any]:
    """The crosswalk of `instrument` (version `number` of the Questionnaire at `url`, continuing
    version `instrument.previous_version`, whose codes are `old_sections` and `old_indicators`)
    as a ConceptMap, JSON-ready."""
    previous = instrument.previous_version
    targets: dict[str, list[dict[str, str]]] = {c: [] for c in [*old_sections, *old_indicators]}
    for section in instrument.sections:
        old = section.code if section.continues is None else section.continues
        if old in old_sections:
            targets[old].append({"code": section.code, "equivalence": SECTION_EQUIVALENCE})
        for indicator in section.indicators:
            for old in indicator.continues:
                target = {"code": indicator.code, "equivalence": EQUIVALENCES[indicator.change]}
                if comment := _COMMENTS.get(indicator.change):
                    target["comment"] = comment.format(old=old)
                targets.setdefault(old, []).append(target)
    retired = {
        "equivalence": UNMATCHED,
        "comment": f"Nothing in version {number} continues it.",
    }
    return {
        "resourceType": "ConceptMap",
        "url": map_url,
        "version": str(number),
        "title": f"{instrument.name}: version {previous} to version {number}",
        "status": "active",
        "description": (
            f"How the sections and indicators of version {previous} run on into version "
            f"{number}: figures follow these links across the change."
        ),
        "sourceUri": f"{url}|{previous}",
        "targetUri": f"{url}|{number}",
        "group": [
            {
                "source": url,
                "sourceVersion": str(previous),
                "target": url,
                "targetVersion": str(number),
                "element": [
                    {"code": code, "target": found or [retired]} for code, found in targets.items()
                ],
            }
        ],
    }


def concept_map_previous(
    concept_map: ConceptMap, *, at: str, url: str, version: str
) -> tuple[int | None, list[Problem]]:
    """The number of the version the map runs from, or None with the reasons: it must map the
    codes of an earlier version of this Questionnaire (`url`) onto this one (`url|version`)."""
    problems: list[Problem] = []
    groups = concept_map.group or []
    if len(groups) != 1:
        problems.append(
            (
                f"{at}.group",
                f"a crosswalk has one group, from the previous version's codes to this "
                f"version's; there are {len(groups)}.",
            )
        )
        return None, problems
    group = groups[0]
    here = f"{url}|{version}"
    found = f"{group.target}|{group.targetVersion}"
    if found == here and concept_map.targetUri not in (None, here):
        found = concept_map.targetUri
    if found != here:
        problems.append(
            (
                f"{at}.group[0].target",
                f"the ConceptMap maps onto {found}, not onto this Questionnaire ({here}).",
            )
        )
    number = group.sourceVersion or ""
    previous = int(number) if number.isascii() and number.isdigit() and len(number) < 9 else None
    if group.source != url:
        problems.append(
            (
                f"{at}.group[0].source",
                f"the ConceptMap maps from {group.source}, another Questionnaire; a crosswalk "
                f"maps from an earlier version of this one ({url}).",
            )
        )
    elif previous is None or previous < 1:
        problems.append(
            (
                f"{at}.group[0].sourceVersion",
                f"“{number}” is not the number of a version, like 1.",
            )
        )
    elif concept_map.sourceUri not in (None, f"{url}|{previous}"):
        problems.append(
            (
                f"{at}.sourceUri",
                f"{concept_map.sourceUri} is not the version the group maps from "
                f"({url}|{previous}).",
            )
        )
    return (None if problems else previous), problems


def concept_map_sections(
    concept_map: ConceptMap,
    *,
    at: str,
    sections: Sequence[InstrumentSection],
    old_sections: Collection[str],
    old_indicators: Collection[str],
    previous: str,
) -> tuple[tuple[InstrumentSection, ...], list[Problem]]:
    """`sections` (read from the Questionnaire) with the crosswalk the map gives them, from
    the version named `previous` with the given codes, and every problem by JSON path."""
    section_into, into, problems = _targets(
        concept_map,
        at=at,
        sections=sections,
        old_sections=old_sections,
        old_indicators=old_indicators,
        previous=previous,
    )
    links, link_problems = _links(
        sections, into, at=at, old_indicators=old_indicators, previous=previous
    )
    problems += link_problems
    continues: dict[str, str] = {}
    for code, found in section_into.items():
        continues[code] = found[0][0]
        if len(found) > 1:
            problems.append(
                (
                    found[1][1],
                    f"section {code} continues {found[0][0]} and {found[1][0]}: a section "
                    "continues one old section (a merged one starts afresh).",
                )
            )
    pairs = [(s.code, continues.get(s.code, "")) for s in sections]
    for n, message in crosswalk.section_problems(pairs):
        problems.append((section_into[sections[n].code][0][1], message))
    link_of = {link.code: link for link in links}
    return (
        tuple(
            replace(
                s,
                continues=continues.get(s.code, ""),
                indicators=tuple(
                    replace(i, change=link_of[i.code].change, continues=link_of[i.code].continues)
                    for i in s.indicators
                ),
            )
            for s in sections
        ),
        problems,
    )


def _targets(
    concept_map: ConceptMap,
    *,
    at: str,
    sections: Sequence[InstrumentSection],
    old_sections: Collection[str],
    old_indicators: Collection[str],
    previous: str,
) -> tuple[dict[str, list[tuple[str, str]]], dict[str, list[tuple[str, str, str]]], list[Problem]]:
    """What maps onto each new section (old code, path) and each new indicator (old code, kind
    of change, path), with the problems of each element and target on its own."""
    problems: list[Problem] = []
    new_sections = {s.code for s in sections}
    new_indicators = {i.code for s in sections for i in s.indicators}
    section_into: dict[str, list[tuple[str, str]]] = defaultdict(list)
    into: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    mapped: set[str] = set()
    for e, element in enumerate(concept_map.group[0].element or []):
        where = f"{at}.group[0].element[{e}]"
        old = element.code or ""
        if old in mapped:
            problems.append((f"{where}.code", f"{old} is mapped twice; list each old code once."))
        mapped.add(old)
        is_section = old in old_sections
        for t, target in enumerate(element.target or []):
            path = f"{where}.target[{t}]"
            code, equivalence = target.code or "", target.equivalence
            if equivalence == UNMATCHED:
                if not is_section and old not in old_indicators:
                    problems.append(
                        (f"{where}.code", f"there is no section or indicator {old} in {previous}.")
                    )
                elif code or len(element.target) > 1:
                    problems.append(
                        (
                            path,
                            f"“{UNMATCHED}” says nothing continues {old}: it is the element's "
                            "only target, without a code.",
                        )
                    )
            elif is_section:
                if equivalence not in _SECTION_READS:
                    problems.append(
                        (
                            f"{path}.equivalence",
                            f"a section continues an old one as “{SECTION_EQUIVALENCE}”, not "
                            f"“{equivalence}”.",
                        )
                    )
                elif not code:
                    problems.append((f"{path}.code", "the target has no code."))
                elif code not in new_sections:
                    problems.append(
                        (f"{path}.code", f"{old} is a section; there is no section {code} here.")
                    )
                else:
                    section_into[code].append((old, path))
            elif equivalence not in CHANGES:
                kinds = ", ".join(f"{eq} ({change})" for eq, change in CHANGES.items())
                problems.append(
                    (
                        f"{path}.equivalence",
                        f"the equivalence “{equivalence}” is not a change the crosswalk "
                        f"records: {kinds} or {UNMATCHED} (retired).",
                    )
                )
            elif code not in new_indicators:
                problems.append(
                    (
                        f"{path}.code",
                        f"there is no indicator {code} here."
                        if code
                        else "the target has no code.",
                    )
                )
            else:
                into[code].append((old, CHANGES[equivalence], path))
    return section_into, into, problems


def _links(
    sections: Sequence[InstrumentSection],
    into: dict[str, list[tuple[str, str, str]]],
    *,
    at: str,
    old_indicators: Collection[str],
    previous: str,
) -> tuple[list[crosswalk.Link], list[Problem]]:
    """Each new indicator's link, from the old indicators that map onto it, checked by the
    crosswalk's rules."""
    problems: list[Problem] = []
    links, paths = [], []
    for code in (i.code for s in sections for i in s.indicators):
        found = into.get(code, [])
        changes = list(dict.fromkeys(change for _, change, _ in found))
        if len(changes) > 1:
            problems.append(
                (
                    found[-1][2],
                    f"{code} is mapped to as {' and '.join(EQUIVALENCES[c] for c in changes)}: "
                    "every old indicator it continues says the same kind of change.",
                )
            )
        change = changes[0] if changes else crosswalk.NEW
        links.append(crosswalk.Link(code, change, tuple(old for old, _, _ in found)))
        # Where a problem with it is shown: at an old code that is not there, if one is not.
        unknown = [path for old, _, path in found if old not in old_indicators]
        paths.append((unknown or [path for _, _, path in found] or [at])[0])
    for n, message in crosswalk.link_problems(links, old_codes=old_indicators, previous=previous):
        problems.append((paths[n], message))
    return links, problems
