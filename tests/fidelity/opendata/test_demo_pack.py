"""The demo publishes one open data pack, for the dashboard's default quarter, once."""

from fidelity.dashboards.figures import default_quarter
from fidelity.opendata.models import OpenDataPack
from fidelity.opendata.selectors import published_packs
from partners.demo import seed_pilot


def test_the_demo_pilot_has_one_pack_for_its_default_quarter(db, client):
    pilot = seed_pilot(password="demo-password-x").pilot
    seed_pilot(password="demo-password-x")

    [pack] = published_packs(pilot=pilot)
    assert pack.quarter_index == default_quarter(pilot=pilot).index
    assert OpenDataPack.objects.filter(pilot=pilot).count() == 1
    assert pilot.name in client.get("/open-data/").content.decode()
    assert any(row["marker"] == "c" for row in pack.content["rows"])
