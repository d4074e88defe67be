"""The crosswalk between framework versions: its rules and messages, the XLSX columns that carry
it, what `framework_revise` fills in, and editing it on the version's admin page."""

from __future__ import annotations

import importlib
import io
from dataclasses import replace

import pytest
from django.apps import apps as django_apps
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from fidelity.frameworks import crosswalk
from fidelity.frameworks.crosswalk import Link, link_problems
from fidelity.frameworks.instrument import (
    InstrumentFileError,
    InstrumentIndicator,
    InstrumentSection,
    instrument_from_data,
    instrument_to_data,
)
from fidelity.frameworks.models import IndicatorLineage
from fidelity.frameworks.selectors import framework_instrument, retired_indicators
from fidelity.frameworks.services import framework_import, framework_revise
from fidelity.frameworks.workbook import instrument_xlsx, read_instrument_xlsx
from tests.factories import UserFactory
from tests.fidelity.dashboards.test_crosswalk_figures import V1, V2
from tests.fidelity.factories import make_return, page_text, use_default_framework

OLD = ["A.1", "A.2", "A.3", "B.1", "B.2"]


@pytest.mark.parametrize(
    ("links", "expected"),
    [
        ([Link("X", "same", ("A.1",)), Link("Y", "reworded", ("A.2",))], []),
        ([Link("X", "split", ("A.2",)), Link("Y", "split", ("A.2",))], []),
        ([Link("X", "merged", ("B.1", "B.2")), Link("Y", "new")], []),
        (
            [Link("X", "same", ("A.9",))],
            [(0, "there is no indicator A.9 in HF v1.")],
        ),
        (
            [Link("X", "reworded", ("A.1", "A.2"))],
            [(0, "“Reworded” continues exactly one old indicator; it names 2.")],
        ),
        (
            [Link("X", "merged", ("B.1",))],
            [(0, "“Merged from” needs at least two old indicators; it names 1.")],
        ),
        (
            [Link("X", "split", ("A.2",))],
            [(0, "only this indicator is split from A.2; a split makes two or more.")],
        ),
        (
            [Link("X", "new", ("A.3",))],
            [(0, "“New” continues no old indicator; it names 1.")],
        ),
        (
            [Link("X", "same", ("A.1",)), Link("Y", "same", ("A.1",))],
            [
                (
                    0,
                    "A.1 is continued by X and Y: one old indicator continues into one new "
                    "indicator, or is split (every one “Split from”).",
                )
            ],
        ),
        (
            [Link("X", "moved", ())],
            [(0, "the change “moved” is not one of Same, Reworded, Split from, Merged from, New.")],
        ),
    ],
)
def test_each_kind_of_change_takes_its_number_of_old_indicators(links, expected):
    assert link_problems(links, old_codes=OLD, previous="HF v1") == expected


def test_nothing_continues_without_a_previous_version():
    assert link_problems([Link("X", "same", ("A.1",))], old_codes=None) == [
        (0, "it continues old indicators, but there is no previous version.")
    ]


def test_old_indicators_nothing_continues_are_retired():
    links = [Link("X", "merged", ("B.1", "B.2")), Link("Y", "same", ("A.1",))]
    assert crosswalk.retired(OLD, links) == ["A.2", "A.3"]


def test_an_import_saves_the_crosswalk_and_derives_what_is_retired(db):
    framework_import(V1)
    v2 = framework_import(V2)

    assert v2.previous.number == 1
    assert {p.code: p.continues and p.continues.code for p in v2.principles.all()} == {
        "A": "A",
        "C": "B",
        "D": None,
    }
    lineage = IndicatorLineage.objects.get(indicator__code="C.1")
    assert lineage.change == "merged"
    assert sorted(i.code for i in lineage.continues.all()) == ["B.1", "B.2"]
    assert [i.code for i in retired_indicators(version=v2)] == ["A.3"]
    assert framework_instrument(version=v2) == V2


def test_the_crosswalk_round_trips_through_the_workbook_exactly(db):
    framework_import(V1)
    v2 = framework_import(V2)
    exported = framework_instrument(version=v2)

    data = instrument_xlsx(exported)
    sheet = load_workbook(io.BytesIO(data))["Indicators"]
    assert [c.value for c in sheet[1]][-2:] == ["Change", "Continues"]
    assert [c.value for c in sheet[4]][-2:] == ["split", "A.2"]
    again = read_instrument_xlsx(data)
    assert again == exported
    assert instrument_from_data(instrument_to_data(again)) == exported
    v3 = framework_import(again)
    assert framework_instrument(version=v3) == exported  # continues version 1, as the file says
    assert read_instrument_xlsx(instrument_xlsx(framework_instrument(version=v3))) == exported


def _problems(data: bytes) -> list[str]:
    with pytest.raises(InstrumentFileError) as caught:
        read_instrument_xlsx(data)
    return [str(p) for p in caught.value.problems]


def _v2_workbook_edited(edit) -> bytes:
    workbook = load_workbook(io.BytesIO(instrument_xlsx(V2)))
    edit(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_bad_crosswalk_is_refused_by_sheet_and_row(db):
    framework_import(V1)

    def edit(workbook):
        indicators = workbook["Indicators"]
        indicators["H2"] = "A.9"  # A.1 "same" an unknown old code
        indicators["H5"] = "B.1"  # C.1 "merged" from one
        indicators["G6"] = "moved"  # D.1
        workbook["Sections"]["E3"] = "Z"
        workbook["Sections"]["E4"] = "A"  # D continues A, which A continues

    assert _problems(_v2_workbook_edited(edit)) == [
        "Sections, row 3: there is no section Z in Crosswalk test framework v1.",
        "Sections, row 4: A already continues A; an old section continues into one section "
        "(a split or merged one starts afresh).",
        "Indicators, row 6: the change “moved” is not one of same, reworded, split, merged, new.",
        "Indicators, row 2: there is no indicator A.9 in Crosswalk test framework v1.",
        "Indicators, row 5: “Merged from” needs at least two old indicators; it names 1.",
    ]


def test_a_previous_version_that_is_not_here_is_named(db):
    assert _problems(instrument_xlsx(V2)) == [
        "Framework, row 9: there is no version 1 of Crosswalk test framework here to continue; "
        "clear “Previous version” and the Continues columns to import it without a crosswalk."
    ]


def test_a_file_without_a_crosswalk_still_imports_as_before(db):
    framework_import(V1)
    old_style = replace(
        V2,
        previous_version=None,
        sections=tuple(
            InstrumentSection(
                code=s.code,
                title=s.title,
                indicators=tuple(InstrumentIndicator(i.code, i.text) for i in s.indicators),
            )
            for s in V2.sections
        ),
    )
    version = framework_import(read_instrument_xlsx(instrument_xlsx(old_style)))
    assert version.previous is None
    assert not IndicatorLineage.objects.filter(version=version).exists()


def test_revising_a_version_in_use_fills_same_and_reworded(world):
    version = use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 1)
    new = framework_revise(
        version=version,
        notes="Reworded 1.1.",
        indicator_changes={"1.1": {"text": "People choose where they live, and with whom."}},
        new_indicators=[("P1", "People choose their support worker.")],
    )
    changes = {
        row.indicator.code: (row.change, [i.code for i in row.continues.all()])
        for row in IndicatorLineage.objects.filter(version=new).select_related("indicator")
    }
    assert new.previous == version
    assert changes["1.1"] == ("reworded", ["1.1"])
    assert changes["1.2"] == ("same", ["1.2"])
    assert changes[max(c for c in changes if c.startswith("1."))][0] == "new"
    assert retired_indicators(version=new) == []


@pytest.fixture
def admin_client(client, db):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    return client


def test_the_version_page_edits_the_crosswalk_with_choices_that_say_whose(admin_client):
    framework_import(V1)
    v2 = framework_import(V2)
    url = f"/admin/fidelity/frameworkversion/{v2.pk}/change/"

    page = admin_client.get(url).content.decode()
    assert "Crosswalk: what each indicator continues of the previous version" in page
    assert "A.2 (Crosswalk test framework v1) Indicator A.2" in page
    assert "B (Crosswalk test framework v1) Belonging" in page
    assert "A.3 Indicator A.3" in page  # retired

    data = _change_form_data(admin_client, url)
    split = next(k for k, v in data.items() if k.startswith("lineages-") and v == "split")
    data[split] = "same"  # A.2a now "same" as A.2, which A.2b is split from
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert (
        "A.2 is continued by A.2a and A.2b: one old indicator continues into one new "
        "indicator, or is split (every one “Split from”)." in response.content.decode()
    )
    assert IndicatorLineage.objects.get(indicator__code="A.2a").change == "split"


def _change_form_data(client, url: str) -> dict:
    """The change form's fields as the browser would send them back."""
    response = client.get(url)
    data: dict = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update({management.add_prefix(k): v for k, v in management.initial.items()})
        forms += inline.formset.forms
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value not in (None, "", False):
                data[form.add_prefix(name)] = value
    return data


def test_versions_made_before_the_crosswalk_get_one_by_code(db):
    """The migration links existing versions as figures always followed them: by code."""
    framework_import(V1)
    v2 = framework_import(
        replace(
            V1,
            sections=(
                InstrumentSection(
                    "A",
                    "Access",
                    indicators=(
                        InstrumentIndicator("A.1", "Indicator A.1"),
                        InstrumentIndicator("A.2", "A.2 in new words"),
                        InstrumentIndicator("A.4", "Indicator A.4"),
                    ),
                ),
            ),
        )
    )
    assert v2.previous is None

    migration = importlib.import_module("fidelity.migrations.0007_framework_version_crosswalk")
    migration.link_existing_versions(django_apps, None)

    v2.refresh_from_db()
    assert v2.previous.number == 1
    assert v2.principles.get().continues.code == "A"
    assert [
        (row.indicator.code, row.change, [i.code for i in row.continues.all()])
        for row in IndicatorLineage.objects.filter(version=v2)
    ] == [("A.1", "same", ["A.1"]), ("A.2", "reworded", ["A.2"]), ("A.4", "new", [])]
    assert [i.code for i in retired_indicators(version=v2)] == ["A.3", "B.1", "B.2"]


def test_the_admin_import_previews_the_crosswalk_and_saves_it_when_confirmed(admin_client):
    framework_import(V1)
    url = "/admin/fidelity/frameworkversion/import/"
    response = admin_client.post(url, {"file": SimpleUploadedFile("v2.xlsx", instrument_xlsx(V2))})
    text = page_text(response)
    assert "Continues version 1, as each principle and indicator below says" in text
    assert "C. Connection (1 indicators): continues B" in text
    assert "merged B.1, B.2" in text

    admin_client.post(url, {"token": response.context["token"]})
    assert IndicatorLineage.objects.get(indicator__code="C.1").change == "merged"
