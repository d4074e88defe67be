"""A manager publishes a quarter's open data pack; anyone downloads it; it never changes."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from common.quarters import Quarter
from fidelity.dashboards.caseload import caseload_summary, data_quality
from fidelity.dashboards.figures import WHOLE_PILOT, Scope, dashboard_headline
from fidelity.dashboards.groups import heatmap
from fidelity.opendata import selectors
from fidelity.opendata.models import OpenDataPack, PackImmutable
from fidelity.opendata.selectors import open_data_pack_preview, published_packs
from fidelity.opendata.services import open_data_publish
from fidelity.opendata.suppression import Count
from fidelity.returns.models import ReturnStatus
from tests import factories
from tests.fidelity.factories import make_return
from tests.fidelity.opendata.conftest import BOLTON, BURY, WIGAN
from tests.fidelity.opendata.test_suppression import determined_by_contributors

Q1 = Quarter(2026, 1)
MANAGE = reverse("fidelity:open_data_manage")
LIST = reverse("fidelity:open_data_list")
OGL = "Contains public sector information licensed under the Open Government Licence v3.0."
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


def preview(world, threshold=5):
    return open_data_pack_preview(pilot=world.pilot, quarter=Q1, threshold=threshold)


def cell(p, area, measure):
    return p.cells[(area, measure)]


def area_key(kind, obj):
    return f"{kind}:{obj.pk}"


def csv_rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))


# --- What a pack holds ---------------------------------------------------------------------------


def test_the_packs_figures_are_the_dashboards(pack_world):
    w = pack_world
    p = preview(w)
    west = w.bolton.zone
    scopes = {
        "pilot": WHOLE_PILOT,
        area_key("zone", west): Scope(zones=(west.pk,)),
        area_key("la", w.bolton): Scope(local_authorities=(w.bolton.pk,)),
        area_key("la", w.wigan): Scope(local_authorities=(w.wigan.pk,)),
        area_key("la", w.bury): Scope(local_authorities=(w.bury.pk,)),
    }
    la_rows = {f"la:{r.pk}": r for r in heatmap(pilot=w.pilot, quarter=Q1, by="la").rows}
    zone_rows = {f"zone:{r.pk}": r for r in heatmap(pilot=w.pilot, quarter=Q1, by="zone").rows}
    headline = dashboard_headline(pilot=w.pilot, quarter=Q1)
    for key, scope in scopes.items():
        caseload = caseload_summary(pilot=w.pilot, quarter=Q1, scope=scope)
        quality = data_quality(pilot=w.pilot, quarter=Q1, scope=scope)
        assert cell(p, key, "people_supported").value == caseload.people_supported
        assert cell(p, key, "new_referrals").value == caseload.new_referrals
        assert cell(p, key, "people_housed").value == caseload.people_housed
        assert cell(p, key, "tenancies_sustained").value == caseload.tenancies_sustained
        assert cell(p, key, "tenancies_ended").value == caseload.tenancies_ended
        assert cell(p, key, "tenancies_ended_unknown").value == quality.ended_unknown
        assert cell(p, key, "unknown_outcome_share").value == quality.unknown_share
        row = headline if key == "pilot" else {**la_rows, **zone_rows}[key]
        assert cell(p, key, "score_overall").value == row.overall.score
        principles = row.principles if key == "pilot" else row.cells
        for pc in principles:
            assert cell(p, key, f"score_{pc.code}").value == pc.cell.score
        assert cell(p, key, "teams_counted").value == row.completeness.counted
        assert cell(p, key, "teams_expected").value == row.completeness.expected
        assert cell(p, key, "returns_provisional").value == row.completeness.provisional
    # And by hand, from the returns: West is Bolton and Wigan, the pilot all three.
    west_key = area_key("zone", west)
    assert cell(p, west_key, "people_supported").value == 12 + 20
    assert cell(p, "pilot", "people_supported").value == 12 + 20 + 9
    assert cell(p, "pilot", "returns_provisional").value == 1  # Wigan's is submitted
    assert cell(p, area_key("la", w.bolton), "score_P1").value == Decimal("3.67")  # (4 + 4 + 3) / 3


def test_areas_are_the_pilot_its_zones_and_its_las_with_gss_codes(pack_world):
    areas = preview(pack_world).areas
    assert [(a["type"], a["name"], a["code"]) for a in areas] == [
        ("pilot", "Test pilot", ""),
        ("zone", "North", ""),
        ("zone", "West", ""),
        ("local_authority", "Bolton", "E08000001"),
        ("local_authority", "Bury", "E08000002"),
        ("local_authority", "Wigan", "E08000010"),
    ]
    assert all("Elsewhere" not in a["name"] for a in areas)


def test_small_counts_are_withheld_with_the_smallest_cell_that_protects_them(pack_world):
    w = pack_world
    p = preview(w)
    bolton, wigan, bury = (area_key("la", la) for la in (w.bolton, w.wigan, w.bury))
    west, north = area_key("zone", w.bolton.zone), area_key("zone", w.bury.zone)
    # New referrals: Bolton 3 (small), Wigan 6, West 9 = 3 + 6: Wigan's is withheld too, or
    # West minus Wigan would give Bolton's.
    assert cell(p, bolton, "new_referrals").withheld == "primary"
    assert cell(p, wigan, "new_referrals").withheld == "secondary"
    assert not cell(p, west, "new_referrals").withheld
    assert not cell(p, bury, "new_referrals").withheld
    # Tenancies ended: Bolton 2 and Bury 3 (= North) small; Wigan then West withheld so that
    # neither West - Wigan nor the pilot - West gives one; the pilot's total stays.
    for key in (bolton, bury, north):
        assert cell(p, key, "tenancies_ended").withheld == "primary"
    for key in (wigan, west):
        assert cell(p, key, "tenancies_ended").withheld == "secondary"
    assert not cell(p, "pilot", "tenancies_ended").withheld
    # People supported: nothing small, nothing withheld. Scores never are.
    assert not any(cell(p, a["key"], "people_supported").withheld for a in p.areas)
    assert not any(cell(p, a["key"], "score_overall").withheld for a in p.areas)
    # A zero is published (Wigan's unknown outcomes); a share over a withheld count is not.
    assert cell(p, wigan, "tenancies_ended_unknown").value == WIGAN["ended_unknown"] == 0
    assert not cell(p, wigan, "tenancies_ended_unknown").withheld
    assert cell(p, wigan, "unknown_outcome_share").withheld
    assert BOLTON and BURY  # the figures above come from these returns


def test_the_published_content_has_no_withheld_value(pack_world):
    content = preview(pack_world).content
    bolton = area_key("la", pack_world.bolton)
    rows = {(r["area"], r["measure"]): r for r in content["rows"]}
    assert rows[(bolton, "new_referrals")] == {
        "area": bolton,
        "measure": "new_referrals",
        "value": None,
        "marker": "c",
    }
    assert rows[("pilot", "people_supported")]["value"] == 41
    assert content["threshold"] == 5


def test_an_la_without_a_counted_return_is_not_available_not_zero(pack_world):
    make_return(pack_world.bury_team, 2026, 2, status=ReturnStatus.DRAFT)
    p = open_data_pack_preview(pilot=pack_world.pilot, quarter=Quarter(2026, 2), threshold=5)
    bury = area_key("la", pack_world.bury)
    assert cell(p, bury, "people_supported").value is None
    row = next(
        r for r in p.content["rows"] if r["area"] == bury and r["measure"] == "people_supported"
    )
    assert row["marker"] == "x"


# --- Publishing ----------------------------------------------------------------------------------


def publish(world, **kwargs):
    return open_data_publish(pilot=world.pilot, quarter=Q1, user=world.manager, **kwargs)


def test_a_published_pack_is_never_changed_or_deleted(pack_world):
    pack = publish(pack_world)
    pack.corrects = "sneaky"
    with pytest.raises(PackImmutable):
        pack.save()
    with pytest.raises(PackImmutable):
        pack.delete()
    with pytest.raises(PackImmutable):
        OpenDataPack.objects.filter(pk=pack.pk).update(corrects="sneaky")
    with pytest.raises(PackImmutable):
        OpenDataPack.objects.filter(pk=pack.pk).delete()
    pack.refresh_from_db()
    assert pack.corrects == ""


def test_publishing_again_needs_a_change_and_a_note_and_makes_a_new_version(client, pack_world):
    w = pack_world
    v1 = publish(w)
    files_v1 = {
        name: client.get(reverse_file(v1, name)).content
        for name in ("pack.csv", "pack.json", "README.txt", "pack.zip")
    }
    with pytest.raises(ValidationError, match="Nothing has changed"):
        publish(w, corrects="Bury's figures")
    # Bury's return is sent back: its figures stop counting.
    w.bury_team.returns.filter(quarter_index=Q1.index).update(status=ReturnStatus.RETURNED)
    with pytest.raises(ValidationError) as error:
        publish(w)
    assert "corrects" in error.value.message_dict

    v2 = publish(w, corrects="Bury's return was sent back and no longer counts.")

    assert (v1.version, v2.version) == (1, 2)
    for name, body in files_v1.items():
        assert client.get(reverse_file(v1, name)).content == body
    readme = client.get(reverse_file(v2, "README.txt")).content.decode()
    assert "This version corrects: Bury's return was sent back" in readme
    assert "v1, " in readme and "v2, " in readme
    assert published_packs(pilot=w.pilot) == [v2]
    document = json.loads(client.get(reverse_file(v2, "pack.json")).content)
    assert [v["version"] for v in document["versions"]] == [1, 2]


def test_only_the_pilots_managers_publish(pack_world):
    for who in ("lead_bolton", "facilitator", "other_manager"):
        with pytest.raises(PermissionError):
            open_data_publish(pilot=pack_world.pilot, quarter=Q1, user=getattr(pack_world, who))
    assert not OpenDataPack.objects.exists()


def test_published_packs_lists_the_latest_version_of_each_quarter(pack_world):
    w = pack_world
    q4 = open_data_publish(pilot=w.pilot, quarter=Quarter(2025, 4), user=w.manager)
    v1 = publish(w)
    w.bury_team.returns.filter(quarter_index=Q1.index).update(status=ReturnStatus.RETURNED)
    v2 = publish(w, corrects="Bury")
    assert published_packs(pilot=w.pilot) == [v2, q4]
    assert v1 not in published_packs(pilot=w.pilot)
    assert published_packs(pilot=w.other_pilot) == []


# --- The manager's page --------------------------------------------------------------------------


def test_manager_previews_the_default_quarter_with_what_is_withheld(client, pack_world):
    client.force_login(pack_world.manager)
    response = client.get(MANAGE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Preview: 2026-27 Q1" in body
    assert "primary" in body and "secondary" in body
    assert "csrfmiddlewaretoken" in body


def test_manager_publishes_from_the_page_and_a_second_time_needs_the_note(client, pack_world):
    client.force_login(pack_world.manager)
    response = client.post(MANAGE, {"quarter": Q1.slug})
    pack = OpenDataPack.objects.get()
    assert response.status_code == 302
    assert response["Location"] == selectors_url(pack)

    pack_world.bury_team.returns.filter(quarter_index=Q1.index).update(status=ReturnStatus.RETURNED)
    response = client.post(MANAGE, {"quarter": Q1.slug, "corrects": ""})
    assert response.status_code == 200
    assert response.context["form"].errors["corrects"]
    assert "Say what this version corrects" in response.content.decode()
    assert OpenDataPack.objects.count() == 1


def test_the_page_refuses_junk_quarters_without_error(client, pack_world):
    client.force_login(pack_world.manager)
    assert client.get(MANAGE, {"quarter": "nonsense", "pilot": "abc"}).status_code == 404
    assert client.get(MANAGE, {"quarter": "nonsense"}).status_code == 200
    response = client.post(MANAGE, {"quarter": "1999-q9"})
    assert response.status_code == 200
    assert response.context["form"].errors["quarter"]
    assert not OpenDataPack.objects.exists()


@pytest.mark.parametrize("who", ["lead_bolton", "facilitator", "other_manager"])
def test_team_leaders_facilitators_and_other_pilots_cannot_open_or_post(client, pack_world, who):
    user = getattr(pack_world, who)
    client.force_login(user)
    if who == "other_manager":
        assert client.get(MANAGE, {"pilot": pack_world.pilot.pk}).status_code == 404
        client.post(MANAGE, {"pilot": pack_world.pilot.pk, "quarter": Q1.slug})
    else:
        assert client.get(MANAGE).status_code == 404
        assert client.post(MANAGE, {"quarter": Q1.slug}).status_code == 404
    assert not OpenDataPack.objects.filter(pilot=pack_world.pilot).exists()


# --- The public pages and files ------------------------------------------------------------------


def reverse_file(pack, name):
    return selectors_url(pack) + name


def selectors_url(pack):
    return pack.get_absolute_url()


def test_anyone_downloads_a_pack_without_signing_in(client, pack_world):
    pack = publish(pack_world)
    listing = client.get(LIST)
    assert listing.status_code == 200
    assert selectors_url(pack) in listing.content.decode()
    page = client.get(selectors_url(pack))
    assert page.status_code == 200
    assert OGL in page.content.decode()
    bolton_row = next(r for r in page.context["rows"] if r["code"] == "E08000001")
    figures = dict(zip(page.context["columns"], bolton_row["values"], strict=True))
    assert figures["New referrals"] == "[c]" and figures["People supported at quarter end"] == "12"
    assert '<td class="text-end">[c]</td>' in page.content.decode()

    csv_response = client.get(reverse_file(pack, "pack.csv"))
    assert csv_response.status_code == 200
    assert csv_response["Content-Type"].startswith("text/csv")
    assert "immutable" in csv_response["Cache-Control"]
    rows = csv_rows(csv_response.content.decode("utf-8"))
    bolton = {
        r["measure"]: r
        for r in rows
        if r["area_type"] == "local_authority" and r["area_code"] == "E08000001"
    }
    assert bolton["new_referrals"]["value"] == "[c]"
    assert bolton["people_supported"]["value"] == "12"
    assert {r["quarter"] for r in rows} == {"2026-27 Q1"}

    document = json.loads(client.get(reverse_file(pack, "pack.json")).content)
    assert document["licence"]["url"] == OGL_URL
    assert document["threshold"] == 5 and document["version"] == 1
    withheld = [d for d in document["data"] if d["marker"] == "c"]
    assert withheld and all(d["value"] is None for d in withheld)

    readme = client.get(reverse_file(pack, "README.txt")).content.decode()
    assert OGL in readme and OGL_URL in readme and "[c]" in readme

    archive = zipfile.ZipFile(io.BytesIO(client.get(reverse_file(pack, "pack.zip")).content))
    assert sorted(archive.namelist()) == ["README.txt", "pack.csv", "pack.json"]
    assert archive.read("README.txt").decode() == readme
    assert (
        client.get(reverse_file(pack, "pack.zip")).content
        == client.get(reverse_file(pack, "pack.zip")).content
    )


def test_an_la_name_a_spreadsheet_would_run_is_escaped_in_the_csv(client, pack_world):
    pack_world.bolton.name = "=cmd|' /C calc'!A0"
    pack_world.bolton.save()
    pack = publish(pack_world)
    text = client.get(reverse_file(pack, "pack.csv")).content.decode("utf-8")
    names = {r["area_name"] for r in csv_rows(text)}
    assert "'=cmd|' /C calc'!A0" in names
    assert not any(n.startswith("=") for n in names)


@pytest.mark.parametrize(
    "path",
    [
        "/open-data/test-pilot/2026-q1/v2/",
        "/open-data/test-pilot/2026-q1/v0/",
        "/open-data/test-pilot/2026-q1/v99999999999999999999/",
        "/open-data/test-pilot/2026-q9/v1/",
        "/open-data/test-pilot/nonsense/v1/",
        "/open-data/no-such-pilot/2026-q1/v1/",
        "/open-data/another-pilot/2026-q1/v1/",
        "/open-data/test-pilot/2026-q1/v1/pack.exe",
        "/open-data/test-pilot/2026-q1/v1/..%2Fpack.csv",
        "/open-data/test-pilot/2026-q1/v2/pack.csv",
    ],
)
def test_junk_addresses_are_not_found(client, pack_world, path):
    publish(pack_world)
    assert client.get(path).status_code == 404


def test_the_list_says_when_nothing_is_published_and_the_manager_page_needs_sign_in(client, db):
    assert "No pack has been published yet" in client.get(LIST).content.decode()
    assert client.get(MANAGE).status_code == 302
    assert selectors.every_published_pack() == []


def test_teams_serving_two_las_cannot_reveal_a_withheld_count(pack_world):
    """Bolton's team also serves Horwich; an outreach team serves Bolton and Leigh. Then Bolton
    counts both teams, and Leigh (the outreach team's 4 people) is Bolton minus Horwich, though
    no LA adds up to another: solving the published counts over the teams finds no withheld
    count."""
    w = pack_world
    west = w.bolton.zone
    horwich = factories.LocalAuthorityFactory(zone=west, name="Horwich")
    leigh = factories.LocalAuthorityFactory(zone=west, name="Leigh")
    w.bolton_team.local_authorities.add(horwich)
    outreach = factories.TeamFactory(
        organisation=w.bolton_team.organisation,
        name="HF Outreach",
        local_authorities=[w.bolton, leigh],
    )
    make_return(
        outreach,
        2026,
        1,
        status=ReturnStatus.APPROVED,
        people_supported=4,
        new_referrals=1,
        people_housed=6,
        tenancies_sustained=3,
        tenancies_ended=1,
        ended_planned_move=1,
        ended_unknown=0,
    )
    p = preview(w)
    teams = {
        area_key("la", w.bolton): {"bolton", "outreach"},
        area_key("la", horwich): {"bolton"},
        area_key("la", leigh): {"outreach"},
        area_key("la", w.wigan): {"wigan"},
        area_key("la", w.bury): {"bury"},
        area_key("zone", west): {"bolton", "wigan", "outreach"},
        area_key("zone", w.bury.zone): {"bury"},
        "pilot": {"bolton", "wigan", "bury", "outreach"},
    }
    assert cell(p, area_key("la", w.bolton), "people_supported").value == 12 + 4
    assert cell(p, area_key("la", leigh), "people_supported").withheld == "primary"
    for measure in selectors.COUNT_KEYS:
        counts = {
            key: Count(value=cell(p, key, measure).value, contributors=frozenset(members))
            for key, members in teams.items()
        }
        hidden = {key for key in teams if cell(p, key, measure).withheld}
        for key in hidden:
            assert not determined_by_contributors(counts, hidden, key), (measure, key)
        for key in set(teams) - hidden:
            assert counts[key].value == 0 or counts[key].value >= 5


def test_the_admin_shows_packs_read_only(admin_client, pack_world):
    pack = publish(pack_world)
    url = reverse("admin:fidelity_opendatapack_change", args=[pack.pk])
    assert admin_client.get(url).status_code == 200
    admin_client.post(url, {"corrects": "changed"})
    delete = reverse("admin:fidelity_opendatapack_delete", args=[pack.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    pack.refresh_from_db()
    assert pack.corrects == ""


def test_the_page_says_when_nothing_changed_and_publishes_nothing(client, pack_world):
    client.force_login(pack_world.manager)
    client.post(MANAGE, {"quarter": Q1.slug})
    response = client.post(MANAGE, {"quarter": Q1.slug, "corrects": "Just in case"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Nothing has changed since version 1 was published" in body
    assert "Just in case" in body  # what was typed is kept
    assert OpenDataPack.objects.count() == 1
