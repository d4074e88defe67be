"""Another system exchanges an instrument with us as a FHIR R4 Questionnaire: what is exported
is a valid Questionnaire that imports as the same instrument, and a bad file is refused, every
problem named by JSON path, with nothing saved."""

import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import override_settings
from fhir.resources.R4B.questionnaire import Questionnaire

from fidelity.frameworks.fhir import (
    BAND,
    PLAIN_WORDS,
    instrument_questionnaire,
    questionnaire_canonical,
    questionnaire_url,
    read_instrument_questionnaire,
)
from fidelity.frameworks.framework_data import NAME as DEFAULT_FRAMEWORK
from fidelity.frameworks.instrument import InstrumentFileError
from fidelity.frameworks.instrument_files import read_bounded, read_instrument_file
from fidelity.frameworks.models import Framework, FrameworkVersion, Principle
from fidelity.frameworks.selectors import framework_instrument
from fidelity.frameworks.services import framework_import
from fidelity.frameworks.workbook import instrument_xlsx, read_instrument_xlsx
from tests.factories import UserFactory
from tests.fidelity.factories import page_text
from tests.fidelity.frameworks.test_framework_workbook import default_version, five_domains

NAME = "Practice network fidelity scale"


def _json(instrument=None, number: int = 1) -> dict:
    return json.loads(instrument_questionnaire(instrument or five_domains(), number=number))


def _bytes(resource: dict) -> bytes:
    return json.dumps(resource).encode()


# --- The mapping and the round trips -----------------------------------------------------------


def test_a_framework_version_is_a_valid_questionnaire(db):
    data = instrument_questionnaire(five_domains(), number=3)
    questionnaire = Questionnaire.model_validate_json(data)

    assert (
        questionnaire.url
        == "https://housing-first-fidelity.example/fhir/Questionnaire/practice-network-fidelity-scale"
    )
    assert questionnaire.version == "3"
    assert questionnaire.title == NAME
    assert [g.linkId for g in questionnaire.item] == ["D1", "D2", "D3", "D4", "D5"]
    assert {g.type for g in questionnaire.item} == {"group"}
    first = questionnaire.item[0].item[0]
    assert (first.linkId, first.type, first.text) == (
        "D1.1",
        "choice",
        "Item 1 of domain 1 is in place.",
    )
    assert [(o.valueCoding.code, o.valueCoding.display) for o in first.answerOption] == [
        (str(v), f"Level {v}") for v in range(1, 6)
    ]
    assert [e.valueString for e in first.extension if e.url == PLAIN_WORDS] == [
        "Is item 1 of domain 1 there for you?"
    ]
    assert len([e for e in questionnaire.extension if e.url == BAND]) == 3


@override_settings(FHIR_BASE_URL="https://fidelity.example.org/fhir/")
def test_the_canonical_url_is_built_from_the_setting():
    assert questionnaire_url(framework_name="HF England") == (
        "https://fidelity.example.org/fhir/Questionnaire/hf-england"
    )
    assert questionnaire_canonical(framework_name="HF England", number=2) == (
        "https://fidelity.example.org/fhir/Questionnaire/hf-england|2"
    )


def test_the_default_framework_round_trips_through_fhir(db):
    original = framework_instrument(version=default_version())
    imported = framework_import(
        read_instrument_questionnaire(instrument_questionnaire(original, number=1))
    )
    assert imported.number == 2
    again = framework_instrument(version=imported)
    assert again == original
    assert read_instrument_questionnaire(instrument_questionnaire(again, number=2)) == original


def test_fhir_then_xlsx_then_fhir_keeps_the_instrument(db):
    built = five_domains()
    through_xlsx = read_instrument_xlsx(
        instrument_xlsx(read_instrument_questionnaire(instrument_questionnaire(built, number=1)))
    )
    assert through_xlsx == built
    assert read_instrument_questionnaire(instrument_questionnaire(through_xlsx, number=1)) == built


def test_fhir_export_and_import_on_the_command_line(db, tmp_path):
    first = framework_import(five_domains())
    path = tmp_path / "network.json"
    out = io.StringIO()
    call_command(
        "export_framework", str(first.pk), "--format", "fhir", "--output", str(path), stdout=out
    )
    assert out.getvalue() == f"Wrote {NAME} v1 to {path}.\n"
    assert json.loads(path.read_bytes())["resourceType"] == "Questionnaire"

    out = io.StringIO()
    call_command("import_framework", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    second = FrameworkVersion.objects.get(pk=int(lines[-1]))
    assert second.number == 2
    assert lines[0] == f"Imported {NAME} v2: 5 domains, 38 indicators, a 5-level scale, 3 bands."
    assert framework_instrument(version=second) == five_domains()
    path.write_bytes(
        instrument_questionnaire(framework_instrument(version=second), number=second.number)
    )
    call_command("import_framework", str(path), stdout=io.StringIO())
    third = FrameworkVersion.objects.get(framework__name=NAME, number=3)
    assert framework_instrument(version=third) == five_domains()


def test_a_questionnaire_from_another_system_takes_plain_words(db):
    """Without our extensions the words default to "section"; only the bands are required."""
    resource = _json()
    bands = [e for e in resource["extension"] if e["url"] == BAND]
    resource["extension"] = bands
    for group in resource["item"]:
        for item in group["item"]:
            item.pop("extension", None)
    instrument = read_instrument_questionnaire(_bytes(resource))
    assert instrument.section_word == "section"
    assert instrument.section_word_plural == "sections"
    assert instrument.report_title == f"{NAME} report"
    assert instrument.caseload_target_per_fte == Decimal("7.0")
    assert instrument.indicator_count == 38


def test_a_byte_order_mark_and_the_format_are_read_from_the_content(db):
    data = b"\xef\xbb\xbf" + instrument_questionnaire(five_domains(), number=1)
    assert read_instrument_file(data) == five_domains()
    assert read_instrument_file(instrument_xlsx(five_domains())) == five_domains()


# --- Bad files ---------------------------------------------------------------------------------


def _edited(edit) -> bytes:
    resource = _json()
    edit(resource)
    return _bytes(resource)


def _set(path: str, value):
    """Sets a value at a dotted path of keys and list indexes, e.g. "item.0.item.2.text"."""

    def edit(resource):
        *parents, last = path.split(".")
        node = resource
        for key in parents:
            node = node[int(key)] if key.isdigit() else node[key]
        if value is None:
            del node[int(last) if last.isdigit() else last]
        else:
            node[int(last) if last.isdigit() else last] = value

    return edit


def _drop_level_3(resource):
    for group in resource["item"]:
        for item in group["item"]:
            item["answerOption"] = [
                o for o in item["answerOption"] if o["valueCoding"]["code"] != "3"
            ]


def _many_items(count: int):
    def edit(resource):
        group = resource["item"][0]
        group["item"] += [
            {"linkId": f"X{n}", "text": f"Extra {n}", "type": "choice"} for n in range(count - 38)
        ]

    return edit


def _fifty_megabytes() -> bytes:
    resource = _json()
    resource["description"] = "x" * (50 * 1024 * 1024)
    return _bytes(resource)


BAD_FILES = {
    "not JSON": (
        lambda: b'{"resourceType": "Questionnaire", ',
        "The file: this is not JSON that can be read.",
    ),
    "neither JSON nor XLSX": (
        lambda: b"code,text\nD1.1,Housing first\n",
        "The file: this is neither an Excel workbook (.xlsx) nor a FHIR Questionnaire (.json).",
    ),
    "a JSON list": (lambda: b"[1, 2]", "The file: this is neither"),
    "the wrong resource type": (
        lambda: _edited(_set("resourceType", "Patient")),
        "$.resourceType: this is a Patient resource, not a FHIR Questionnaire.",
    ),
    "JSON that is not FHIR": (
        lambda: b'{"name": "HF"}',
        "$.resourceType: there is no resourceType “Questionnaire”: this is not a FHIR "
        "Questionnaire.",
    ),
    "an item without text": (
        lambda: _edited(_set("item.1.item.2.text", None)),
        "$.item[1].item[2].text: the indicator has no text.",
    ),
    "an item without a linkId": (
        lambda: _edited(_set("item.1.item.2.linkId", None)),
        "$.item[1].item[2].linkId: this is required.",
    ),
    "a duplicate indicator code": (
        lambda: _edited(_set("item.1.item.0.linkId", "D1.3")),
        "$.item[1].item[0].linkId: the code D1.3 is used twice.",
    ),
    "a duplicate section code": (
        lambda: _edited(_set("item.2.linkId", "D1")),
        "$.item[2].linkId: the code D1 is used twice.",
    ),
    "a scale with a gap": (
        lambda: _edited(_drop_level_3),
        "$.item[0].item[0].answerOption: the scale has a gap: 3 missing between 1 and 5.",
    ),
    "an indicator on another scale": (
        lambda: _edited(_set("item.0.item.1.answerOption.0.valueCoding.display", "Bottom")),
        "$.item[0].item[1].answerOption: the answer options differ from the first indicator's",
    ),
    "a level that is not a number": (
        lambda: _edited(_set("item.0.item.0.answerOption.0.valueCoding.code", "low")),
        "$.item[0].item[0].answerOption[0].valueCoding.code: the value “low” is not a whole number "
        "from 0 to 100.",
    ),
    "a huge level": (
        lambda: _edited(_set("item.0.item.0.answerOption.4.valueCoding.code", "9" * 30)),
        f"$.item[0].item[0].answerOption[4].valueCoding.code: the value “{'9' * 30}” is not a "
        "whole number from 0 to 100.",
    ),
    "201 sections": (
        lambda: _edited(
            lambda r: r.update(item=[{**r["item"][0], "linkId": f"S{n}"} for n in range(201)])
        ),
        "$.item: there are 201 sections; at most 200.",
    ),
    "a section that is not a group": (
        lambda: _edited(_set("item.4.type", "choice")),
        "$.item[4].type: a top-level item is a section and must be a “group”, not “choice”.",
    ),
    "no bands": (
        lambda: _edited(
            lambda r: r.update(extension=[e for e in r["extension"] if e["url"] != BAND])
        ),
        "$.extension: there are no bands.",
    ),
    "no status": (lambda: _edited(_set("status", None)), "$.status: this is required."),
    "10,000 items": (
        lambda: _edited(_many_items(10_000)),
        "$.item: there are 10,000 indicators; a framework has at most 2,000.",
    ),
    "a 50 MB file": (_fifty_megabytes, "The file: the file is more than 5 MB, the limit."),
    "items nested 300 deep": (
        lambda: (
            b'{"resourceType": "Questionnaire", "status": "active", "item": ['
            + b'{"linkId": "x", "type": "group", "item": [' * 300
            + b"]}" * 300
            + b"]}"
        ),
        "The file: the JSON nests more than 32 levels deep;",
    ),
    "deeply nested JSON": (lambda: b"{" + b'"a":[' * 100_000, "The file: this is not JSON"),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_refused_with_its_reason_and_nothing_is_created(db, case, tmp_path):
    make, message = BAD_FILES[case]
    data = make()
    with pytest.raises(InstrumentFileError) as caught:
        read_instrument_file(data)
    problems = [str(p) for p in caught.value.problems]
    assert any(p.startswith(message) for p in problems), problems

    path = tmp_path / "instrument.json"
    path.write_bytes(data)
    versions, principles = FrameworkVersion.objects.count(), Principle.objects.count()
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("import_framework", str(path), stdout=io.StringIO(), stderr=err)
    assert message in err.getvalue()
    assert FrameworkVersion.objects.count() == versions
    assert Principle.objects.count() == principles
    assert not Framework.objects.filter(name=NAME).exists()


def test_a_big_file_is_read_only_a_little_past_the_limit():
    read = []

    def chunks():
        for n in range(50):
            read.append(n)
            yield b"x" * (1024 * 1024)

    assert len(read_bounded(chunks())) == 6 * 1024 * 1024
    assert len(read) == 6


def test_every_problem_is_listed_at_once(db):
    def edit(resource):
        del resource["item"][0]["item"][6]["text"]
        resource["item"][1]["item"][0]["linkId"] = "D1.1"

    with pytest.raises(InstrumentFileError) as caught:
        read_instrument_questionnaire(_edited(edit))
    assert [str(p) for p in caught.value.problems] == [
        "$.item[0].item[6].text: the indicator has no text.",
        "$.item[1].item[0].linkId: the code D1.1 is used twice.",
    ]


# --- The admin ---------------------------------------------------------------------------------

IMPORT_URL = "/admin/fidelity/frameworkversion/import/"


@pytest.fixture
def admin(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_the_admin_previews_a_questionnaire_and_creates_it_when_confirmed(admin):
    data = instrument_questionnaire(five_domains(), number=1)
    response = admin.post(IMPORT_URL, {"file": SimpleUploadedFile("network.json", data)})
    text = page_text(response)
    assert f"{NAME} (new framework, version 1)" in text
    assert "5 domains, 38 indicators" in text
    assert not Framework.objects.filter(name=NAME).exists()

    response = admin.post(IMPORT_URL, {"token": response.context["token"]})
    version = FrameworkVersion.objects.get(framework__name=NAME)
    assert response.status_code == 302
    assert framework_instrument(version=version) == five_domains()


def test_the_admin_lists_a_questionnaires_problems_by_json_path(admin):
    data = BAD_FILES["a duplicate indicator code"][0]()
    response = admin.post(IMPORT_URL, {"file": SimpleUploadedFile("network.json", data)})
    text = page_text(response)
    assert response.status_code == 200
    assert "The file was not imported and nothing was changed. 1 problem:" in text
    assert "$.item[1].item[0].linkId: the code D1.3 is used twice." in text
    assert not Framework.objects.filter(name=NAME).exists()


def test_a_version_exports_as_fhir_from_the_admin(admin):
    version = FrameworkVersion.objects.get(framework__name=DEFAULT_FRAMEWORK, number=1)
    response = admin.post(
        "/admin/fidelity/frameworkversion/",
        {"action": "export_fhir", "_selected_action": [version.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    assert "v1.json" in response["Content-Disposition"]
    questionnaire = Questionnaire.model_validate_json(response.content)
    assert questionnaire.version == "1"
    assert read_instrument_questionnaire(response.content) == framework_instrument(version=version)
