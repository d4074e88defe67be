"""An administrator moves a whole instrument in and out as one XLSX workbook: what is exported
imports as the same instrument, and a file with anything wrong is refused, every problem named
by sheet and row, with nothing saved."""

import io
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from fidelity.frameworks.framework_data import NAME as DEFAULT_FRAMEWORK
from fidelity.frameworks.instrument import (
    Instrument,
    InstrumentBand,
    InstrumentFileError,
    InstrumentIndicator,
    InstrumentSection,
)
from fidelity.frameworks.models import Framework, FrameworkVersion, Indicator, Principle
from fidelity.frameworks.selectors import framework_instrument
from fidelity.frameworks.services import framework_import
from fidelity.frameworks.workbook import instrument_xlsx, read_instrument_xlsx


def five_domains() -> Instrument:
    """A 5-domain, 38-item instrument in the shape of the Pathways fidelity scale."""
    sizes = [8, 8, 8, 7, 7]
    return Instrument(
        name="Practice network fidelity scale",
        description="Five domains, in our own words.",
        notes="First version, from the network's scale.",
        section_word="domain",
        section_word_plural="domains",
        report_title="Practice network fidelity review",
        caseload_target_per_fte=Decimal("10.0"),
        sections=tuple(
            InstrumentSection(
                code=f"D{d}",
                title=f"Domain {d}",
                description=f"What domain {d} looks at.",
                indicators=tuple(
                    InstrumentIndicator(
                        code=f"D{d}.{i}",
                        text=f"Item {i} of domain {d} is in place.",
                        plain_text=f"Is item {i} of domain {d} there for you?" if i % 2 else "",
                        guidance="Ask to see the records." if i == 1 else "",
                    )
                    for i in range(1, size + 1)
                ),
            )
            for d, size in enumerate(sizes, start=1)
        ),
        scale=tuple((v, f"Level {v}") for v in range(1, 6)),
        bands=(
            InstrumentBand("Strong", "high", Decimal("4.5")),
            InstrumentBand("Fair", "fair", Decimal("3")),
            InstrumentBand("Weak", "low", Decimal("0")),
        ),
    )


def default_version() -> FrameworkVersion:
    return FrameworkVersion.objects.get(framework__name=DEFAULT_FRAMEWORK, number=1)


def test_the_default_framework_round_trips_through_its_workbook(db):
    original = framework_instrument(version=default_version())
    assert original.section_word == "principle"
    assert original.report_title == "Housing First fidelity report"

    imported = framework_import(read_instrument_xlsx(instrument_xlsx(original)))

    assert imported.framework.name == DEFAULT_FRAMEWORK
    assert imported.number == 2
    again = framework_instrument(version=imported)
    assert again == original
    assert read_instrument_xlsx(instrument_xlsx(again)) == original
    assert Indicator.objects.filter(principle__version=imported).count() == 30
    assert any(i.plain_text for s in again.sections for i in s.indicators)


def test_a_five_domain_instrument_round_trips_as_a_new_framework(db):
    built = five_domains()
    first = framework_import(read_instrument_xlsx(instrument_xlsx(built)))

    assert first.number == 1
    assert first.section_word == "domain"
    assert first.report_title == "Practice network fidelity review"
    assert first.principles.count() == 5
    assert Indicator.objects.filter(principle__version=first).count() == 38
    assert framework_instrument(version=first) == built

    second = framework_import(
        read_instrument_xlsx(instrument_xlsx(framework_instrument(version=first)))
    )
    assert second.number == 2
    assert framework_instrument(version=second) == built


def test_a_changed_word_or_plain_text_is_not_equal(db):
    """The round trip's equality covers words and plain words, so losing one would be seen."""
    built = five_domains()
    assert built != Instrument(**{**built.__dict__, "section_word_plural": "domain"})
    sections = list(built.sections)
    first = sections[0]
    sections[0] = InstrumentSection(
        first.code,
        first.title,
        first.description,
        (InstrumentIndicator("D1.1", first.indicators[0].text), *first.indicators[1:]),
    )
    assert built != Instrument(**{**built.__dict__, "sections": tuple(sections)})


def test_rows_are_read_in_their_order_column(db):
    workbook = _workbook(five_domains())
    sheet = workbook["Indicators"]
    sheet["F2"], sheet["F3"] = 2, 1
    parsed = read_instrument_xlsx(_bytes(workbook))
    assert [i.code for i in parsed.sections[0].indicators[:3]] == ["D1.2", "D1.1", "D1.3"]


def test_formula_like_text_comes_back_as_typed(db):
    built = five_domains()
    section = built.sections[0]
    odd = InstrumentIndicator("D1.1", "=SUM(A1) is not a formula here", "+ plain", "-guidance")
    sections = (
        InstrumentSection(section.code, section.title, "", (odd, *section.indicators[1:])),
        *built.sections[1:],
    )
    instrument = Instrument(**{**built.__dict__, "sections": sections})
    data = instrument_xlsx(instrument)
    assert load_workbook(io.BytesIO(data))["Indicators"]["C2"].data_type == "s"
    assert read_instrument_xlsx(data) == instrument


# --- Bad files ---------------------------------------------------------------------------------


def _workbook(instrument: Instrument):
    return load_workbook(io.BytesIO(instrument_xlsx(instrument)))


def _bytes(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _problems(data: bytes) -> list[str]:
    with pytest.raises(InstrumentFileError) as caught:
        read_instrument_xlsx(data)
    return [str(p) for p in caught.value.problems]


def _edited(edit) -> bytes:
    workbook = _workbook(five_domains())
    edit(workbook)
    return _bytes(workbook)


def _many_indicators(count: int):
    def edit(workbook):
        sheet = workbook["Indicators"]
        for n in range(count - 38):
            sheet.append(["D1", f"X{n}", f"Extra item {n}"])

    return edit


def _drop_scale_level(workbook):
    workbook["Scale"].delete_rows(4)  # value 3 of 1..5


def _blank(sheet, cell):
    def edit(workbook):
        workbook[sheet][cell] = None

    return edit


def _set(sheet, cell, value):
    def edit(workbook):
        workbook[sheet][cell] = value

    return edit


BAD_FILES = {
    "not a workbook": (
        lambda: b"name,text\nP1,Housing first\n",
        "The file: this is not an Excel workbook (.xlsx) that can be read.",
    ),
    "over 5 MB": (
        lambda: b"PK" + b"x" * (5 * 1024 * 1024),
        "The file: the file is 5.0 MB; the limit is 5 MB.",
    ),
    "a missing sheet": (
        lambda: _edited(lambda wb: wb.remove(wb["Bands"])),
        "Bands: there is no sheet with this name.",
    ),
    "a missing column": (
        lambda: _edited(_set("Indicators", "C1", "Wording")),
        "Indicators, row 1: there is no “Text” column.",
    ),
    "an item without text": (
        lambda: _edited(_blank("Indicators", "C7")),
        "Indicators, row 7: the indicator has no text.",
    ),
    "a duplicate indicator code": (
        lambda: _edited(_set("Indicators", "B7", "D1.3")),
        "Indicators, row 7: the code D1.3 is used twice.",
    ),
    "a duplicate section code": (
        lambda: _edited(_set("Sections", "A3", "D1")),
        "Sections, row 3: the code D1 is used twice.",
    ),
    "an indicator in no section": (
        lambda: _edited(_set("Indicators", "A9", "D9")),
        "Indicators, row 9: there is no section D9 on the Sections sheet.",
    ),
    "a scale with a gap": (
        lambda: _edited(_drop_scale_level),
        "Scale: the scale has a gap: 3 missing between 1 and 5.",
    ),
    "a huge scale value": (
        lambda: _edited(_set("Scale", "A6", 1000)),
        "Scale, row 6: the value “1000” is not a whole number from 0 to 100.",
    ),
    "a scale value used twice": (
        lambda: _edited(_set("Scale", "A3", 1)),
        "Scale, row 3: the value 1 is used twice.",
    ),
    "more than 2,000 indicators": (
        lambda: _edited(_many_indicators(2001)),
        "Indicators: there are 2,001 indicators; a framework has at most 2,000.",
    ),
    "10,000 indicators": (
        lambda: _edited(_many_indicators(10_000)),
        "Indicators: the sheet has 10,001 rows and 8 columns; a framework workbook has at most "
        "2,101 rows and 20 columns.",
    ),
    "a bidirectional override": (
        lambda: _edited(_set("Indicators", "C4", "Tenancy \u202eyrtne")),
        "Indicators, row 4: the text: this text holds an invisible character (U+202E, "
        "right-to-left override) at character 9.",
    ),
    "a formula": (
        lambda: _edited(_set("Indicators", "C4", "=A1")),
        "Indicators, row 4: this cell holds a formula.",
    ),
    "no section word": (
        lambda: _edited(_blank("Framework", "B5")),
        "Framework, row 5: “Section word” is empty or missing.",
    ),
    "a band scores cannot reach": (
        lambda: _edited(_set("Bands", "C4", 2)),
        "Bands: no band starts at or below the lowest score (1), so some scores would have no band.",
    ),
    "a caseload target that is not a number": (
        lambda: _edited(_set("Framework", "B8", "seven")),
        "Framework, row 8: “Caseload target per FTE” must be a number above 0 and below 1,000.",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_a_bad_file_is_refused_with_its_reason_and_nothing_is_created(db, case, tmp_path):
    make, message = BAD_FILES[case]
    data = make()
    assert any(p.startswith(message) for p in _problems(data)), _problems(data)

    path = tmp_path / "instrument.xlsx"
    path.write_bytes(data)
    versions, principles = FrameworkVersion.objects.count(), Principle.objects.count()
    with pytest.raises(CommandError, match="Nothing was changed"):
        call_command("import_framework", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert FrameworkVersion.objects.count() == versions
    assert Principle.objects.count() == principles
    assert not Framework.objects.filter(name="Practice network fidelity scale").exists()


def test_every_problem_is_listed_at_once(db):
    def edit(workbook):
        workbook["Indicators"]["C7"] = None
        workbook["Indicators"]["B9"] = "D1.1"
        workbook["Scale"].delete_rows(4)

    assert _problems(_edited(edit)) == [
        "Indicators, row 7: the indicator has no text.",
        "Indicators, row 9: the code D1.1 is used twice.",
        "Scale: the scale has a gap: 3 missing between 1 and 5.",
    ]


# --- Commands ----------------------------------------------------------------------------------


def test_export_then_import_on_the_command_line(db, tmp_path):
    path = tmp_path / "hf.xlsx"
    out = io.StringIO()
    call_command("export_framework", str(default_version().pk), "--output", str(path), stdout=out)
    assert out.getvalue() == f"Wrote {DEFAULT_FRAMEWORK} v1 to {path}.\n"

    out = io.StringIO()
    call_command("import_framework", str(path), stdout=out)
    lines = out.getvalue().splitlines()
    new = FrameworkVersion.objects.get(pk=int(lines[-1]))
    assert new.number == 2
    assert lines[0] == (
        f"Imported {DEFAULT_FRAMEWORK} v2: 7 principles, 30 indicators, a 4-level scale, 4 bands."
    )


def test_the_import_command_prints_each_problem(db, tmp_path):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(BAD_FILES["a duplicate indicator code"][0]())
    err = io.StringIO()
    with pytest.raises(CommandError) as caught:
        call_command("import_framework", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue() == "Indicators, row 7: the code D1.3 is used twice.\n"
    assert str(caught.value) == f"{path} was not imported: 1 problem. Nothing was changed."


def test_the_import_command_names_a_missing_file(db, tmp_path):
    with pytest.raises(CommandError, match="missing.xlsx cannot be read"):
        call_command("import_framework", str(tmp_path / "missing.xlsx"))


def test_export_refuses_an_unknown_version(db, tmp_path):
    path = tmp_path / "out.json"
    with pytest.raises(CommandError, match="There is no framework version with id 999"):
        call_command("export_framework", "999", "--output", str(path))
    assert not path.exists()
