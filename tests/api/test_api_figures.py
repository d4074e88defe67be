"""The API's figures are the dashboard's heat maps, number for number, for each grouping."""

from __future__ import annotations

import pytest

from common.quarters import Quarter
from fidelity.dashboards.selectors import pilot_dashboard
from tests import factories
from tests.api.conftest import token_client

BYS = ["la", "zone", "organisation", "team"]


def _expected(world, quarter: Quarter, by: str) -> list[dict]:
    heatmap = pilot_dashboard(pilot=world.pilot, quarter=quarter, heatmaps=(by,)).heatmaps[by]
    number = lambda d: None if d is None else float(d)  # noqa: E731 (JSON numbers)
    return [
        {
            "id": row.pk,
            "name": row.name,
            "overall": number(row.overall.score),
            "overall_band": row.overall.band,
            "overall_change": number(row.overall.change),
            "scores": {c.code: number(c.cell.score) for c in row.cells},
            "bands": {c.code: c.cell.band for c in row.cells},
            "changes": {c.code: number(c.cell.change) for c in row.cells},
            "completeness": str(row.completeness),
            "provisional": row.completeness.provisional > 0,
        }
        for row in heatmap.rows
    ]


def _answered(body: dict) -> list[dict]:
    return [
        {
            "id": row["id"],
            "name": row["name"],
            "overall": row["overall"],
            "overall_band": row["cells"]["overall"]["band"],
            "overall_change": row["cells"]["overall"]["change"],
            "scores": row["scores"],
            "bands": {
                code: cell["band"] for code, cell in row["cells"].items() if code != "overall"
            },
            "changes": {
                code: cell["change"] for code, cell in row["cells"].items() if code != "overall"
            },
            "completeness": row["completeness"]["text"],
            "provisional": row["provisional"],
        }
        for row in body["results"]
    ]


@pytest.mark.parametrize("by", BYS)
def test_the_figures_are_the_dashboards_for_the_default_quarter(scored_world, by):
    body = token_client(scored_world.manager).get("/api/v1/figures/", {"by": by}).json()
    assert (body["quarter"], body["by"], body["pilot"]) == ("2026-q1", by, scored_world.pilot.pk)
    expected = _expected(scored_world, Quarter(2026, 1), by)
    assert _answered(body) == expected
    assert any(row["overall"] is not None for row in expected)
    assert [s["code"] for s in body["sections"]] == list(expected[0]["scores"])


@pytest.mark.parametrize("by", BYS)
def test_the_figures_of_a_chosen_quarter_are_the_dashboards(scored_world, by):
    client = token_client(scored_world.manager)
    body = client.get("/api/v1/figures/", {"by": by, "quarter": "2025-q4"}).json()
    assert _answered(body) == _expected(scored_world, Quarter(2025, 4), by)


def test_a_row_with_a_submitted_return_is_marked_provisional(scored_world):
    body = token_client(scored_world.manager).get("/api/v1/figures/", {"by": "team"}).json()
    rows = {row["name"]: row for row in body["results"]}
    assert rows["HF Wigan"]["provisional"] is True
    assert rows["HF Wigan"]["completeness"]["provisional"] == 1
    assert rows["HF Bolton"]["provisional"] is False
    assert rows["HF Bury"]["overall"] is None  # a draft never counts


def test_a_manager_of_two_pilots_chooses_one(scored_world):
    factories.assign(scored_world.manager, "manager", scored_world.other_pilot)
    client = token_client(scored_world.manager)
    body = client.get("/api/v1/figures/", {"pilot": scored_world.other_pilot.pk}).json()
    assert body["pilot"] == scored_world.other_pilot.pk
    assert [row["name"] for row in body["results"]] == ["Elsewhere"]
    assert client.get("/api/v1/figures/", {"pilot": 2**62}).status_code == 404


def test_quarters_carry_the_dashboards_completeness(scored_world):
    body = token_client(scored_world.manager).get("/api/v1/quarters/").json()
    assert body["default_quarter"] == "2026-q1"
    quarters = {q["slug"]: q for q in body["results"]}
    assert quarters["2026-q1"]["completeness"]["text"] == "2 of 3 teams; 1 provisional"
    assert quarters["2025-q4"]["completeness"]["text"] == "3 of 3 teams; 1 provisional"
    trends = pilot_dashboard(pilot=scored_world.pilot, quarter=Quarter(2026, 2)).trends
    assert [q["slug"] for q in body["results"]] == [q.slug for q in trends.quarters]
    assert [q["completeness"]["text"] for q in body["results"]] == [
        str(c) for c in trends.completeness
    ]
    assert [q["overall"] for q in body["results"]] == [
        None if o is None else float(o) for o in trends.overall
    ]
