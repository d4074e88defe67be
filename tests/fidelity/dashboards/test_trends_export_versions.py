"""The dashboard's trends export says which framework version each quarter's figures are on, and
where the pilot moved to a new version in the period, what the change did to the sections: the
chart marks it, so the file says it too (docs/figures.md, "Across a change of framework
version")."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from common.quarters import Quarter
from fidelity.dashboards.figures import FrameworkInfo
from fidelity.frameworks.instrument import (
    Instrument,
    InstrumentBand,
    InstrumentIndicator,
    InstrumentSection,
)
from fidelity.frameworks.models import PilotFramework
from fidelity.frameworks.selectors import current_framework_version
from fidelity.frameworks.services import framework_import
from tests.fidelity.factories import make_return, use_default_framework

Q1, Q2, Q3 = Quarter(2026, 1), Quarter(2026, 2), Quarter(2026, 3)
SCALE = ((1, "Not in place"), (2, "Partly"), (3, "Mostly"), (4, "Fully"))
BANDS = (InstrumentBand("High", "high", Decimal("3.5")), InstrumentBand("Low", "low", Decimal(0)))


def _section(code: str, continues: str | None = None, old: str | None = None):
    change = ("same", (f"{old}.1",)) if old else ("new", ())
    indicator = InstrumentIndicator(
        code=f"{code}.1", text=f"{code} one", change=change[0], continues=change[1]
    )
    return InstrumentSection(code, f"Section {code}", continues=continues, indicators=(indicator,))


# Version 2 keeps A, renames B to C and adds D; the pilot moves to it in Q3.
V1 = Instrument(
    name="Export test framework", scale=SCALE, bands=BANDS, sections=(_section("A"), _section("B"))
)
V2 = Instrument(
    name="Export test framework",
    scale=SCALE,
    bands=BANDS,
    previous_version=1,
    sections=(_section("A", "A", "A"), _section("C", "B", "B"), _section("D", "")),
)
CHANGE_NOTE = f"v2 from {Q3.label}: C continues B of v1; D is new"


@pytest.fixture
def moved(world):
    PilotFramework.objects.create(pilot=world.pilot, version=framework_import(V1))
    make_return(world.bolton_team, 2026, 1, scores={"A": [3], "B": [4]})
    make_return(world.bolton_team, 2026, 2, scores={"A": [3], "B": [3]})
    PilotFramework.objects.filter(pilot=world.pilot).update(version=framework_import(V2))
    make_return(world.bolton_team, 2026, 3, scores={"A": [3], "C": [2], "D": [2]})
    return world


def _export(client, world, panel: str, fmt: str) -> list[list]:
    client.force_login(world.manager)
    url = reverse("fidelity:dashboard_export", args=[panel, fmt])
    response = client.get(url, {"quarter": Q3.slug})
    assert response.status_code == 200
    if fmt == "csv":
        return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    rows = load_workbook(io.BytesIO(response.content)).active.values
    return [["" if v is None else v for v in row] for row in rows]


def _by_quarter(rows: list[list]) -> dict[str, dict]:
    headers = rows[0]
    return {row[0]: dict(zip(headers, row, strict=True)) for row in rows[1:]}


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_trends_export_gives_each_quarters_version_and_says_where_it_changed(
    client, moved, fmt
):
    rows = _by_quarter(_export(client, moved, "trends", fmt))

    assert {q: r["Framework version"] for q, r in rows.items() if q in (Q1.label, Q2.label)} == {
        Q1.label: "v1",
        Q2.label: "v1",
    }
    assert rows[Q3.label]["Framework version"] == "v2"
    assert rows[Q3.label]["Framework change"] == CHANGE_NOTE
    assert [q for q, r in rows.items() if r["Framework change"]] == [Q3.label]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_pilot_that_kept_its_version_gets_the_version_column_and_nothing_more(client, world, fmt):
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 2, fill=2)
    make_return(world.bolton_team, 2026, 3, fill=3)
    number = current_framework_version(pilot=world.pilot).number

    rows = _export(client, world, "trends", fmt)

    assert "Framework version" in rows[0] and "Framework change" not in rows[0]
    versions = {r[0]: r[rows[0].index("Framework version")] for r in rows[1:]}
    assert versions[Q2.label] == versions[Q3.label] == f"v{number}"
    assert not any("changed" in str(cell) for row in rows for cell in row)


def test_the_drift_export_says_the_framework_changed_within_its_quarters(client, moved):
    rows = _export(client, moved, "drift", "csv")

    # Bolton's C (B before the change) fell from 4.00 to 3.00 to 2.00: a drift alert.
    assert any(row[1] == "HF Bolton" and row[3] == "C" for row in rows[1:])
    assert [rows[-1][0], rows[-1][4]] == ["Framework changed", CHANGE_NOTE]


def test_the_change_note_names_renamed_new_and_ended_sections_and_nothing_else():
    framework = FrameworkInfo(
        principles=[],
        rules=[],
        band_names={},
        # Version 1's E continues into nothing now; A runs on under its own code.
        codes_in={1: {"A": "A", "B": "C", "E": None}, 2: {"A": "A", "C": "C", "D": "D"}},
    )
    assert framework.change_words(1, 2) == "C continues B of v1; D is new; E of v1 ends"
    assert framework.change_words(2, 2) == "every section continues"
