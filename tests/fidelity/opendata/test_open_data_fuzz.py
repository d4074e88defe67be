"""Whatever is typed into the open data page or its addresses, the answer is never a 500."""

from __future__ import annotations

from urllib.parse import quote

from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fidelity.opendata.models import OpenDataPack

junk = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["2026-q1", "2026-q9", "0000-q1", "-1", "1e9", "99999999999999999999", ""]),
)
FUZZ = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(quarter=junk, corrects=junk, pilot=junk, post=junk)
def test_the_manage_page_never_answers_500(pack_world, quarter, corrects, pilot, post):
    client = Client()
    client.force_login(pack_world.manager)
    assert client.get("/open-data/manage/", {"quarter": quarter, "pilot": pilot}).status_code in (
        200,
        404,
    )
    # The quarter field takes only the quarters offered, so nothing junk is published.
    response = client.post("/open-data/manage/", {"quarter": post, "corrects": corrects})
    assert response.status_code in (200, 302, 404)
    assert not OpenDataPack.objects.exclude(quarter_index__gte=0).exists()


@FUZZ
@given(pilot=junk, quarter=junk, version=junk, name=junk)
def test_public_addresses_never_answer_500(client, db, pilot, quarter, version, name):
    path = (
        f"/open-data/{quote(pilot, safe='')}/{quote(quarter, safe='')}/v{quote(version, safe='')}/"
    )
    assert client.get(path).status_code in (200, 404, 301)
    assert client.get(path + quote(name, safe="")).status_code in (200, 404, 301)
