"""Local authorities' GSS codes under the LA page's heading and in the LA-level exports."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from partners.models import LocalAuthority
from tests.fidelity.factories import make_return, use_default_framework


@pytest.fixture
def coded(world):
    """Bolton's scores fall two quarters running, so it has drift alerts too."""
    use_default_framework(world.pilot)
    for quarter, fill in ((4, 4), (1, 3), (2, 2)):
        make_return(world.bolton_team, 2026 if quarter < 4 else 2025, quarter, fill=fill)
    make_return(world.wigan_team, 2026, 2, fill=3)
    LocalAuthority.objects.filter(pk=world.bolton.pk).update(gss_code="E08000001")
    return world


def _csv(response):
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_la_page_shows_the_code_under_its_heading(client, coded):
    client.force_login(coded.manager)
    body = client.get(reverse("fidelity:la_dashboard", args=[coded.bolton.pk])).content.decode()
    assert "ONS GSS code E08000001" in body
    wigan = client.get(reverse("fidelity:la_dashboard", args=[coded.wigan.pk])).content.decode()
    assert "GSS code" not in wigan


def test_the_la_heat_map_exports_carry_the_code(client, coded):
    client.force_login(coded.manager)
    url = reverse("fidelity:dashboard_export", args=["heatmap-la", "csv"])
    rows = _csv(client.get(url, {"quarter": "2026-q2"}))
    assert rows[0][:2] == ["Local authority", "GSS code"]
    assert {r[0]: r[1] for r in rows[1:]} == {"Bolton": "E08000001", "Wigan": "", "Bury": ""}
    url = reverse("fidelity:dashboard_export", args=["heatmap-la", "xlsx"])
    sheet = load_workbook(io.BytesIO(client.get(url, {"quarter": "2026-q2"}).content)).active
    values = list(sheet.values)
    assert values[0][:2] == ("Local authority", "GSS code")
    assert ("Bolton", "E08000001") in [v[:2] for v in values[1:]]


def test_other_heat_maps_have_no_code_column(client, coded):
    client.force_login(coded.manager)
    url = reverse("fidelity:dashboard_export", args=["heatmap-zone", "csv"])
    assert "GSS code" not in _csv(client.get(url, {"quarter": "2026-q2"}))[0]


def test_drift_alerts_on_a_local_authority_carry_its_code(client, coded):
    client.force_login(coded.manager)
    url = reverse("fidelity:dashboard_export", args=["drift", "csv"])
    rows = _csv(client.get(url, {"quarter": "2026-q2"}))
    assert rows[0][:3] == ["Level", "Name", "GSS code"]
    la_rows = [r for r in rows[1:] if r[0] == "Local authority"]
    assert la_rows and {r[2] for r in la_rows} == {"E08000001"}
    assert {r[2] for r in rows[1:] if r[0] != "Local authority"} == {""}
