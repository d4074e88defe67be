"""A council analyst's script: the figures over HTTP with requests, into a pandas DataFrame,
are the dashboard's heat map."""

from __future__ import annotations

import pandas as pd
import pytest
import requests

from common.quarters import Quarter
from fidelity.dashboards.selectors import pilot_dashboard
from partners.api_tokens import api_token_create


# The live server needs a transactional database; serialized_rollback puts back the data the
# migrations load (the default framework) for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("by", ["la", "zone"])
def test_an_analyst_reads_the_heat_map_into_a_dataframe(scored_world, live_server, by):
    secret = api_token_create(user=scored_world.manager, name="Council analyst").secret
    response = requests.get(
        f"{live_server.url}/api/v1/figures/",
        params={"by": by},
        headers={"Authorization": f"Bearer {secret}"},
        timeout=60,
    )
    response.raise_for_status()
    body = response.json()
    codes = [section["code"] for section in body["sections"]]
    frame = pd.json_normalize(body["results"]).set_index("name")
    heat = frame[["overall", *(f"scores.{code}" for code in codes)]]
    heat.columns = ["overall", *codes]

    heatmap = pilot_dashboard(
        pilot=scored_world.pilot, quarter=Quarter(2026, 1), heatmaps=(by,)
    ).heatmaps[by]
    dashboard = pd.DataFrame(
        [[row.overall.score, *(cell.cell.score for cell in row.cells)] for row in heatmap.rows],
        index=pd.Index([row.name for row in heatmap.rows], name="name"),
        columns=["overall", *codes],
        dtype="float64",
    )
    pd.testing.assert_frame_equal(heat.astype("float64"), dashboard)
    assert heat.notna().to_numpy().any()
