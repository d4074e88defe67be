"""A version that continues another goes to another system with its crosswalk: the FHIR file is a
Bundle of its Questionnaire (which names the version it derives from) and a ConceptMap from the
old version's codes to the new one's. Imported elsewhere, the version continues the same
sections and indicators in the same ways, so figures run across the change there as here; a
ConceptMap that breaks the crosswalk's rules is refused, each problem named by JSON path."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.conceptmap import ConceptMap
from fhir.resources.R4B.questionnaire import Questionnaire

from common.quarters import Quarter
from fidelity.dashboards.figures import principle_trends
from fidelity.frameworks.fhir import questionnaire_canonical
from fidelity.frameworks.instrument import InstrumentFileError
from fidelity.frameworks.instrument_files import FHIR, read_instrument_file, version_file
from fidelity.frameworks.models import (
    Framework,
    FrameworkVersion,
    IndicatorLineage,
    PilotFramework,
)
from fidelity.frameworks.selectors import framework_instrument, retired_indicators
from fidelity.frameworks.services import framework_import
from tests.factories import UserFactory
from tests.fidelity.dashboards.test_crosswalk_figures import V1 as FIGURES_V1
from tests.fidelity.dashboards.test_crosswalk_figures import V2 as FIGURES_V2
from tests.fidelity.dashboards.test_crosswalk_figures import _indicator
from tests.fidelity.factories import make_return, page_text

NAME = FIGURES_V1.name
URL = f"https://housing-first-fidelity.example/fhir/Questionnaire/{NAME.lower().replace(' ', '-')}"

# Version 1: A (A.1 to A.4) and B (B.1, B.2). Version 2, every kind of change: A continues A
# (A.1 the same, A.2 split into A.2a and A.2b, A.3 retired, A.4 reworded), C continues B (C.1
# merged from B.1 and B.2) and D is new (D.1 new).
V1 = replace(
    FIGURES_V1,
    sections=(
        replace(
            FIGURES_V1.sections[0],
            indicators=(*FIGURES_V1.sections[0].indicators, _indicator("A.4")),
        ),
        FIGURES_V1.sections[1],
    ),
)
V2 = replace(
    FIGURES_V2,
    sections=(
        replace(
            FIGURES_V2.sections[0],
            indicators=(
                *FIGURES_V2.sections[0].indicators,
                replace(_indicator("A.4", "reworded", ("A.4",)), text="Indicator A.4 in new words"),
            ),
        ),
        *FIGURES_V2.sections[1:],
    ),
)


def _versions() -> tuple[FrameworkVersion, FrameworkVersion]:
    return framework_import(V1), framework_import(V2)


def _bundle(version: FrameworkVersion) -> dict:
    return json.loads(version_file(version=version, format=FHIR))


def _resource(bundle: dict, kind: str) -> dict:
    (found,) = [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]
    return found


# --- Export ------------------------------------------------------------------------------------


def test_a_version_that_continues_another_exports_as_a_bundle_with_its_concept_map(db):
    v1, v2 = _versions()
    data = version_file(version=v2, format=FHIR)

    bundle = Bundle.model_validate_json(data)
    assert bundle.type == "collection"
    questionnaire, concept_map = (e.resource for e in bundle.entry)
    assert isinstance(questionnaire, Questionnaire) and isinstance(concept_map, ConceptMap)
    assert len({e.fullUrl for e in bundle.entry}) == 2
    assert questionnaire.url == URL and questionnaire.version == "2"
    assert questionnaire.derivedFrom == [f"{URL}|1"]
    assert (concept_map.sourceUri, concept_map.targetUri) == (f"{URL}|1", f"{URL}|2")
    (group,) = concept_map.group
    assert (group.source, group.sourceVersion, group.target, group.targetVersion) == (
        URL,
        "1",
        URL,
        "2",
    )
    # Every old code once, in order; "the target is <equivalence> to the source".
    assert [(e.code, [(t.code, t.equivalence) for t in e.target]) for e in group.element] == [
        ("A", [("A", "equivalent")]),
        ("B", [("C", "equivalent")]),
        ("A.1", [("A.1", "equal")]),
        ("A.2", [("A.2a", "narrower"), ("A.2b", "narrower")]),
        ("A.3", [(None, "unmatched")]),
        ("A.4", [("A.4", "equivalent")]),
        ("B.1", [("C.1", "wider")]),
        ("B.2", [("C.1", "wider")]),
    ]
    # FHIR's invariant cmd-1: a narrower map says how in a comment.
    assert all(t.comment for e in group.element for t in e.target if t.equivalence == "narrower")
    # A version that continues nothing is still a Questionnaire alone.
    assert json.loads(version_file(version=v1, format=FHIR))["resourceType"] == "Questionnaire"
    assert "derivedFrom" not in json.loads(version_file(version=v1, format=FHIR))


def test_the_questionnaire_alone_names_the_version_it_derives_from_and_imports_without_it(db):
    _, v2 = _versions()
    questionnaire = _resource(_bundle(v2), "Questionnaire")
    assert questionnaire["derivedFrom"] == [questionnaire_canonical(framework_name=NAME, number=1)]

    instrument = read_instrument_file(json.dumps(questionnaire).encode())
    assert instrument.previous_version is None
    assert framework_import(instrument).previous is None


# --- The round trip ----------------------------------------------------------------------------


def _crosswalk(version: FrameworkVersion) -> tuple[list, list, list]:
    sections = [(p.code, p.continues and p.continues.code) for p in version.principles.all()]
    rows = [
        (row.indicator.code, row.change, sorted(i.code for i in row.continues.all()))
        for row in IndicatorLineage.objects.filter(version=version)
    ]
    return sections, rows, [i.code for i in retired_indicators(version=version)]


def test_the_crosswalk_round_trips_through_a_bundle_into_another_installation(world):
    v1, v2 = _versions()
    files = [version_file(version=v, format=FHIR) for v in (v1, v2)]
    original = framework_instrument(version=v2), _crosswalk(v2)
    # Elsewhere: the same framework name is free, nothing of ours is there.
    Framework.objects.filter(name=NAME).update(name="Our own copy")

    there_v1 = framework_import(read_instrument_file(files[0]))
    read = read_instrument_file(files[1])
    assert read == original[0]
    there_v2 = framework_import(read)

    assert there_v2.previous == there_v1
    assert (framework_instrument(version=there_v2), _crosswalk(there_v2)) == original
    assert _crosswalk(there_v2)[2] == ["A.3"]

    # Figures there run across the change as the crosswalk says. Version 1 in Q1 and Q2, then
    # version 2 in Q3.
    PilotFramework.objects.create(pilot=world.pilot, version=there_v1)
    make_return(world.bolton_team, 2026, 1, scores={"A": [3, 3, 3, 3], "B": [4, 4]})
    make_return(world.wigan_team, 2026, 1, scores={"A": [2, 2, 2, 2], "B": [2, 2]})
    make_return(world.bolton_team, 2026, 2, scores={"A": [3, 3, 3, 3], "B": [3, 3]})
    make_return(world.wigan_team, 2026, 2, scores={"A": [2, 2, 2, 2], "B": [2, 2]})
    PilotFramework.objects.filter(pilot=world.pilot).update(version=there_v2)
    make_return(world.bolton_team, 2026, 3, scores={"A": [4, 2, 3, 3], "C": [2], "D": [2]})
    make_return(world.wigan_team, 2026, 3, scores={"A": [2, 3, 1, 2], "C": [1], "D": [4]})

    trends = principle_trends(pilot=world.pilot, quarter=Quarter(2026, 3))
    lines = {s.code: [None if p is None else str(p) for p in s.points[-3:]] for s in trends.series}
    # C continues B: B's (4 + 2) / 2 and (3 + 2) / 2, then C.1, merged from B.1 and B.2,
    # (2 + 1) / 2.
    assert lines["C"] == ["3.00", "2.50", "1.50"]
    # A continues A: Bolton (4 + 2 + 3 + 3) / 4 = 3.00, Wigan (2 + 3 + 1 + 2) / 4 = 2.00.
    assert lines["A"] == ["2.50", "2.50", "2.50"]
    # D is new: no line before version 2.
    assert lines["D"] == [None, None, "3.00"]


# --- Bad files ---------------------------------------------------------------------------------

MAP = "$.entry[1].resource"
ELEMENTS = {"A": 0, "B": 1, "A.1": 2, "A.2": 3, "A.3": 4, "A.4": 5, "B.1": 6, "B.2": 7}


def _element(bundle: dict, code: str) -> dict:
    return _resource(bundle, "ConceptMap")["group"][0]["element"][ELEMENTS[code]]


def _at(code: str, target: int = 0) -> str:
    return f"{MAP}.group[0].element[{ELEMENTS[code]}].target[{target}]"


def _unknown_code(bundle):
    _element(bundle, "B.2")["code"] = "B.9"


def _wrong_equivalence(bundle):
    _element(bundle, "A.1")["target"][0]["equivalence"] = "inexact"


def _another_questionnaire(bundle):
    _resource(bundle, "ConceptMap")["group"][0]["target"] = f"{URL}-elsewhere"


def _from_another_questionnaire(bundle):
    _resource(bundle, "ConceptMap")["group"][0]["source"] = "https://other.example/Questionnaire/x"


def _merged_from_one(bundle):
    _element(bundle, "B.2")["target"] = [{"equivalence": "unmatched"}]


def _split_into_one(bundle):
    _element(bundle, "A.2")["target"].pop()


def _two_kinds_into_one(bundle):
    _element(bundle, "B.2")["target"][0]["equivalence"] = "equal"


def _section_onto_an_indicator(bundle):
    _element(bundle, "B")["target"][0]["code"] = "C.1"


def _two_sections_into_one(bundle):
    _element(bundle, "A")["target"][0]["code"] = "C"


def _two_concept_maps(bundle):
    bundle["entry"].append(bundle["entry"][1])


def _a_patient(bundle):
    bundle["entry"].append({"resource": {"resourceType": "Patient"}})


BAD_CROSSWALKS = {
    "an unknown old code": (
        _unknown_code,
        f"{_at('B.2')}: there is no indicator B.9 in Crosswalk test framework v1.",
    ),
    "an equivalence that is no kind of change": (
        _wrong_equivalence,
        f"{_at('A.1')}.equivalence: the equivalence “inexact” is not a change the crosswalk "
        "records: equal (same), equivalent (reworded), narrower (split), wider (merged) or "
        "unmatched (retired).",
    ),
    "onto another Questionnaire": (
        _another_questionnaire,
        f"{MAP}.group[0].target: the ConceptMap maps onto {URL}-elsewhere|2, not onto this "
        f"Questionnaire ({URL}|2).",
    ),
    "from another Questionnaire": (
        _from_another_questionnaire,
        f"{MAP}.group[0].source: the ConceptMap maps from https://other.example/Questionnaire/x, "
        f"another Questionnaire; a crosswalk maps from an earlier version of this one ({URL}).",
    ),
    "merged from one": (
        _merged_from_one,
        f"{_at('B.1')}: “Merged from” needs at least two old indicators; it names 1.",
    ),
    "split into one": (
        _split_into_one,
        f"{_at('A.2')}: only this indicator is split from A.2; a split makes two or more.",
    ),
    "two kinds of change into one indicator": (
        _two_kinds_into_one,
        f"{_at('B.2')}: C.1 is mapped to as wider and equal: every old indicator it continues "
        "says the same kind of change.",
    ),
    "a section onto an indicator": (
        _section_onto_an_indicator,
        f"{_at('B')}.code: B is a section; there is no section C.1 here.",
    ),
    "two old sections into one": (
        _two_sections_into_one,
        f"{_at('B')}: section C continues A and B: a section continues one old section (a "
        "merged one starts afresh).",
    ),
    "two ConceptMaps": (
        _two_concept_maps,
        "$.entry: a framework's Bundle holds one ConceptMap; this one holds 2.",
    ),
    "another kind of resource": (
        _a_patient,
        "$.entry[2].resource: a framework's Bundle holds its Questionnaire and its crosswalk (a "
        "ConceptMap), not a Patient.",
    ),
}


@pytest.mark.parametrize("case", BAD_CROSSWALKS)
def test_a_bad_crosswalk_is_refused_by_json_path_and_nothing_is_created(db, case):
    edit, message = BAD_CROSSWALKS[case]
    _, v2 = _versions()
    bundle = _bundle(v2)
    edit(bundle)
    versions = FrameworkVersion.objects.count()

    with pytest.raises(InstrumentFileError) as caught:
        read_instrument_file(json.dumps(bundle).encode())
    assert message in [str(p) for p in caught.value.problems]
    assert FrameworkVersion.objects.count() == versions


def test_a_concept_map_onto_another_version_of_the_questionnaire_is_refused(db):
    _, v2 = _versions()
    bundle = _bundle(v2)
    _resource(bundle, "ConceptMap")["group"][0]["targetVersion"] = "7"

    with pytest.raises(InstrumentFileError) as caught:
        read_instrument_file(json.dumps(bundle).encode())
    assert [str(p) for p in caught.value.problems] == [
        f"{MAP}.group[0].target: the ConceptMap maps onto {URL}|7, not onto this Questionnaire "
        f"({URL}|2)."
    ]


def test_a_crosswalk_from_a_version_that_is_not_here_is_named(db):
    _, v2 = _versions()
    data = version_file(version=v2, format=FHIR)
    Framework.objects.filter(name=NAME).update(name="Our own copy")

    with pytest.raises(InstrumentFileError) as caught:
        read_instrument_file(data)
    assert [str(p) for p in caught.value.problems] == [
        f"{MAP}.group[0].sourceVersion: there is no version 1 of {NAME} here to continue; "
        "import it first, or import the Questionnaire without its ConceptMap to import it "
        "without a crosswalk."
    ]


def test_a_bundle_problem_in_the_questionnaire_is_named_by_its_path_in_the_bundle(db):
    _, v2 = _versions()
    bundle = _bundle(v2)
    del _resource(bundle, "Questionnaire")["item"][1]["item"][0]["text"]

    with pytest.raises(InstrumentFileError) as caught:
        read_instrument_file(json.dumps(bundle).encode())
    assert [str(p) for p in caught.value.problems] == [
        "$.entry[0].resource.item[1].item[0].text: the indicator has no text."
    ]


def test_a_bundle_without_a_concept_map_imports_without_a_crosswalk(db):
    _, v2 = _versions()
    bundle = _bundle(v2)
    bundle["entry"].pop()
    instrument = read_instrument_file(json.dumps(bundle).encode())
    assert instrument.previous_version is None
    assert [s.code for s in instrument.sections] == ["A", "C", "D"]
    assert framework_import(instrument).previous is None


# --- The admin and the command line ------------------------------------------------------------


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_the_admin_exports_the_bundle_and_imports_it_with_its_crosswalk(admin_client):
    _, v2 = _versions()
    response = admin_client.post(
        "/admin/fidelity/frameworkversion/",
        {"action": "export_fhir", "_selected_action": [v2.pk]},
    )
    assert response["Content-Type"] == "application/fhir+json"
    assert Bundle.model_validate_json(response.content).type == "collection"

    url = "/admin/fidelity/frameworkversion/import/"
    preview = admin_client.post(url, {"file": SimpleUploadedFile("v2.json", response.content)})
    text = page_text(preview)
    assert "Continues version 1, as each principle and indicator below says" in text
    assert "merged B.1, B.2" in text
    admin_client.post(url, {"token": preview.context["token"]})
    v3 = FrameworkVersion.objects.get(framework__name=NAME, number=3)
    assert framework_instrument(version=v3) == framework_instrument(version=v2)


def test_the_command_line_exports_and_imports_the_bundle(db, tmp_path):
    _, v2 = _versions()
    path = tmp_path / "v2.json"
    call_command(
        "export_framework",
        str(v2.pk),
        "--format",
        "fhir",
        "--output",
        str(path),
        stdout=io.StringIO(),
    )
    assert json.loads(path.read_bytes())["resourceType"] == "Bundle"

    out = io.StringIO()
    call_command("import_framework", str(path), stdout=out)
    v3 = FrameworkVersion.objects.get(pk=int(out.getvalue().splitlines()[-1]))
    assert v3.previous.number == 1
    assert framework_instrument(version=v3) == framework_instrument(version=v2)
