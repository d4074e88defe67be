"""The dashboard pages: who may open them, what they show, filters, drill-down and exports."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from fidelity.returns.models import QAReturn, ReturnStatus
from tests import factories
from tests.fidelity.factories import make_return, use_default_framework

DASHBOARD = reverse("fidelity:dashboard")


@pytest.fixture
def scored(world):
    """Two quarters of returns: Bolton and Wigan in zone West, Bury in zone North."""
    use_default_framework(world.pilot)
    make_return(world.bolton_team, 2026, 1, fill=2)
    make_return(world.bolton_team, 2026, 2, fill=4, people_supported=12, staff_fte=Decimal("2"))
    make_return(world.wigan_team, 2026, 2, fill=3, status=ReturnStatus.APPROVED)
    make_return(world.bury_team, 2026, 2, fill=1, tenancies_sustained=5, tenancies_ended=5)
    make_return(world.other_team, 2026, 2, fill=2)
    return world


def _open(client, user, url, **params):
    client.force_login(user)
    return client.get(url, params)


# --- Who may open what --------------------------------------------------------------------


def test_manager_opens_the_pilot_dashboard_for_the_latest_scored_quarter(client, scored):
    response = _open(client, scored.manager, DASHBOARD)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Fidelity dashboard: Test pilot" in body
    assert "2026-27 Q2" in body
    assert "HF Elsewhere" not in body


@pytest.mark.parametrize("who", ["lead_bolton", "facilitator"])
def test_team_leaders_and_facilitators_cannot_open_the_pilot_dashboard(client, scored, who):
    assert _open(client, getattr(scored, who), DASHBOARD).status_code == 404


def test_manager_of_another_pilot_sees_nothing_of_this_pilot(client, scored):
    response = _open(client, scored.other_manager, DASHBOARD)
    body = response.content.decode()
    assert "Another pilot" in body
    assert "HF Bolton" not in body and "Bolton" not in body
    assert _open(client, scored.other_manager, DASHBOARD, pilot=scored.pilot.pk).status_code == 404
    team_url = reverse("fidelity:team_dashboard", args=[scored.bolton_team.pk])
    assert _open(client, scored.other_manager, team_url).status_code == 404
    la_url = reverse("fidelity:la_dashboard", args=[scored.bolton.pk])
    assert _open(client, scored.other_manager, la_url).status_code == 404
    export = reverse("fidelity:dashboard_export", args=["headline", "csv"])
    assert _open(client, scored.other_manager, export, pilot=scored.pilot.pk).status_code == 404


def test_team_leader_opens_their_own_team_dashboard_from_the_menu(client, scored):
    response = _open(client, scored.lead_bolton, reverse("fidelity:team_dashboard_home"))
    assert response.status_code == 302
    assert response.url == reverse("fidelity:team_dashboard", args=[scored.bolton_team.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    assert "HF Bolton: team dashboard" in page.content.decode()


def test_team_leader_cannot_open_another_teams_dashboard(client, scored):
    url = reverse("fidelity:team_dashboard", args=[scored.wigan_team.pk])
    assert _open(client, scored.lead_bolton, url).status_code == 404


def test_facilitator_cannot_open_a_team_dashboard(client, scored):
    url = reverse("fidelity:team_dashboard", args=[scored.bolton_team.pk])
    assert _open(client, scored.facilitator, url).status_code == 404


def test_team_leader_cannot_open_an_la_drill_down(client, scored):
    url = reverse("fidelity:la_dashboard", args=[scored.bolton.pk])
    assert _open(client, scored.lead_bolton, url).status_code == 404


def test_manager_opens_any_team_dashboard_of_their_pilot(client, scored):
    url = reverse("fidelity:team_dashboard", args=[scored.bury_team.pk])
    assert _open(client, scored.manager, url).status_code == 200


def test_manager_of_two_pilots_chooses_one(client, scored):
    factories.assign(scored.manager, "manager", scored.other_pilot)
    body = _open(client, scored.manager, DASHBOARD, pilot=scored.other_pilot.pk).content.decode()
    assert "Fidelity dashboard: Another pilot" in body
    assert "HF Elsewhere" in body


# --- What the pilot dashboard shows -------------------------------------------------------


def test_heat_map_cells_show_number_and_band_name_and_each_row_links_to_its_la(client, scored):
    body = _open(client, scored.manager, DASHBOARD).content.decode()
    bolton_url = reverse("fidelity:la_dashboard", args=[scored.bolton.pk])
    # One link a row, stretched over the row's cells by CSS (tests/browser clicks a cell).
    assert f'<a class="stretched-link" href="{bolton_url}?quarter=2026-q2">Bolton</a>' in body
    assert '<td class="band-high"><span class="cell-score">' in body
    assert '<span class="cell-score">4.00</span> <span class="cell-band">High</span>' in body
    assert '<span class="cell-score">1.00</span> <span class="cell-band">Low</span>' in body


def test_status_lists_each_team_with_a_link_to_its_return(client, scored):
    body = _open(client, scored.manager, DASHBOARD).content.decode()
    bolton_return = scored.bolton_team.returns.get(quarter=2)
    assert reverse("fidelity:return_detail", args=[bolton_return.pk]) in body
    assert "<strong>2</strong> submitted" in body
    assert "<strong>1</strong> approved" in body


def test_each_principle_row_loads_its_forum_challenges_when_revealed(client, scored):
    body = _open(client, scored.manager, DASHBOARD).content.decode()
    url = reverse("forums:principle_challenges", args=["P3"])
    assert f'hx-get="{url}?quarter=2026-q2" hx-trigger="revealed"' in body


def test_trend_chart_is_an_accessible_svg_with_its_table(client, scored):
    body = _open(client, scored.manager, DASHBOARD).content.decode()
    assert 'role="img" aria-labelledby="pilot-trend-chart-title pilot-trend-chart-desc"' in body
    assert '<title id="pilot-trend-chart-title">' in body
    assert "Mean score of each principle by quarter (the data of the chart above)" in body


# --- Filters ------------------------------------------------------------------------------


def test_filter_by_zone_keeps_only_that_zones_las_and_teams(client, scored):
    north = scored.bury.zone_id
    body = _open(client, scored.manager, DASHBOARD, zone=north).content.decode()
    heat = body.split('id="heatmap-la"')[1].split("</table>")[0]
    assert "Bury" in heat and "Bolton" not in heat and "Wigan" not in heat
    status = body.split('id="status-heading"')[1].split("</table>")[0]
    assert "HF Bury" in status and "HF Bolton" not in status


def test_filter_by_organisation_and_la_combine(client, scored):
    org = scored.bolton_team.organisation_id
    body = _open(
        client, scored.manager, DASHBOARD, organisation=org, la=scored.wigan.pk
    ).content.decode()
    status = body.split('id="status-heading"')[1].split("</table>")[0]
    assert "HF Wigan" in status
    assert "HF Bolton" not in status and "HF Bury" not in status


def test_filter_to_an_earlier_quarter_shows_that_quarter(client, scored):
    body = _open(client, scored.manager, DASHBOARD, quarter="2026-q1").content.decode()
    assert "2026-27 Q1 (Apr 2026 to Jun 2026)" in body
    assert "<strong>1</strong> submitted" in body


def test_unknown_filter_values_are_reported_and_ignored_not_a_500(client, scored):
    response = _open(client, scored.manager, DASHBOARD, zone="999999", quarter="nonsense")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Some filters were not understood" in body
    assert "HF Bolton" in body  # the zone filter was dropped, the whole pilot shown


def test_htmx_filter_request_returns_only_the_panels(client, scored):
    client.force_login(scored.manager)
    response = client.get(DASHBOARD, {"zone": scored.bury.zone_id}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="headline-heading"' in body


def test_filter_form_updates_in_place_and_keeps_the_url(client, scored):
    body = _open(client, scored.manager, DASHBOARD).content.decode()
    assert 'hx-target="#dashboard-panels"' in body
    assert 'hx-push-url="true"' in body


def test_filters_are_checkboxes_behind_a_filter_disclosure(client, scored):
    body = _open(client, scored.manager, DASHBOARD).content.decode()
    form = body.split('<details class="dashboard-filters')[1].split("</details>")[0]
    assert (
        '<summary class="card-header"><span class="h5" id="filters-heading">Filter</span>' in form
    )
    assert "<select" in form and "multiple" not in form
    assert "Ctrl or Cmd" not in body
    for name, pk in (("zone", scored.bury.zone_id), ("la", scored.bolton.pk)):
        assert f'type="checkbox" name="{name}" value="{pk}"' in form


def test_chosen_filters_are_ticked(client, scored):
    body = _open(
        client, scored.manager, DASHBOARD, la=[scored.bolton.pk, scored.bury.pk]
    ).content.decode()
    ticked = re.findall(r'<input type="checkbox" name="(\w+)" value="(\d+)"[^>]* checked>', body)
    assert sorted(ticked) == sorted([("la", str(scored.bolton.pk)), ("la", str(scored.bury.pk))])


def test_the_first_panel_says_what_needs_attention_each_a_count_with_a_link(client, scored):
    # Bury's Q2 return is still a draft, past its deadline: overdue.
    QAReturn.objects.filter(team=scored.bury_team).update(status=ReturnStatus.DRAFT)
    body = _open(client, scored.manager, DASHBOARD).content.decode()
    assert body.index('id="attention-heading"') < body.index('id="headline-heading"')
    attention = body.split('id="attention-heading"')[1].split("</section>")[0]
    assert (
        '<a href="#status-heading"><span class="attention-count">1</span> '
        "overdue return for 2026-27 Q2</a>"
    ) in attention
    assert (
        '<a href="#drift-heading"><span class="attention-count">0</span> drift alerts' in attention
    )
    # Bolton 4 and Wigan 3 everywhere: every principle 3.50, so the first two by code, each
    # linking to its row of the headline table.
    lowest = re.findall(r'<a href="#principle-(P\d)"><strong>(P\d): ([\d.]+)</strong>', attention)
    assert lowest == [("P1", "P1", "3.50"), ("P2", "P2", "3.50")]
    assert 'id="principle-P1"' in body
    # Returns to review and overdue actions are loaded apart, never kept in the cached panels.
    assert f'hx-get="{reverse("reports:dashboard_attention")}?pilot={scored.pilot.pk}"' in attention
    assert "attention-count" not in attention.split('id="attention-review"')[1].split("</li>")[0]


def test_zone_row_drills_down_to_the_dashboard_filtered_to_that_zone(client, scored):
    body = _open(client, scored.manager, DASHBOARD).content.decode()
    assert f"?quarter=2026-q2&amp;zone={scored.bury.zone_id}" in body


# --- Drill-down pages ---------------------------------------------------------------------


def test_la_drill_down_shows_the_teams_serving_it_and_their_returns(client, scored):
    url = reverse("fidelity:la_dashboard", args=[scored.bolton.pk])
    body = _open(client, scored.manager, url, quarter="2026-q2").content.decode()
    assert "Bolton: 2026-27 Q2" in body
    assert reverse("fidelity:team_dashboard", args=[scored.bolton_team.pk]) in body
    bolton_return = scored.bolton_team.returns.get(quarter=2)
    assert reverse("fidelity:return_detail", args=[bolton_return.pk]) in body
    assert "HF Wigan" not in body


def test_team_dashboard_compares_the_team_with_the_pilot_average(client, scored):
    url = reverse("fidelity:team_dashboard", args=[scored.bolton_team.pk])
    body = _open(client, scored.lead_bolton, url, quarter="2026-q2").content.decode()
    # Bolton 4.00 on P1, the pilot mean (4 + 3 + 1) / 3 = 2.67.
    assert '<span class="cell-score">2.67</span> <span class="cell-band">Fair</span>' in body
    assert "up 2.00" in body
    assert 'id="team-trend-chart"' in body


def test_team_dashboard_tells_the_leader_about_comments_to_answer(client, scored):
    sent_back = make_return(scored.bolton_team, 2025, 4, status=ReturnStatus.RETURNED)
    sent_back.transitions.create(
        from_status=ReturnStatus.SUBMITTED,
        to_status=ReturnStatus.RETURNED,
        by=scored.manager,
        comment="Please add evidence for P3.",
    )
    url = reverse("fidelity:team_dashboard", args=[scored.bolton_team.pk])
    body = _open(client, scored.lead_bolton, url).content.decode()
    assert "Please add evidence for P3." in body
    assert reverse("fidelity:return_tasks", args=[sent_back.pk]) in body
    assert "Make the changes asked for on the 2025-26 Q4 return" in body


# --- Exports ------------------------------------------------------------------------------


def test_heat_map_exports_as_csv_with_the_filters_applied(client, scored):
    url = reverse("fidelity:dashboard_export", args=["heatmap-la", "csv"])
    response = _open(client, scored.manager, url, zone=scored.bolton.zone_id)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:6] == [
        "Local authority",
        "GSS code",
        "Teams",
        "Overall",
        "Overall band",
        "Overall change",
    ]
    assert [r[0] for r in rows[1:]] == ["Bolton", "Wigan"]
    assert rows[1][2] == "1 of 1 team; 1 provisional"
    assert rows[1][3] == "4.00" and rows[1][4] == "High" and rows[1][5] == "2.00"


def test_status_exports_as_xlsx(client, scored):
    url = reverse("fidelity:dashboard_export", args=["status", "xlsx"])
    response = _open(client, scored.manager, url)
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][:3] == ("Team", "Organisation", "Status")
    assert {v[0] for v in values[1:]} == {"HF Bolton", "HF Wigan", "HF Bury"}


def test_exports_neutralise_text_that_would_run_as_a_formula(client, scored):
    scored.bury_team.name = '=HYPERLINK("http://example.org")'
    scored.bury_team.save()
    for fmt in ("csv", "xlsx"):
        url = reverse("fidelity:dashboard_export", args=["status", fmt])
        response = _open(client, scored.manager, url)
        if fmt == "csv":
            names = [r[0] for r in csv.reader(io.StringIO(response.content.decode("utf-8-sig")))]
        else:
            names = [r[0] for r in load_workbook(io.BytesIO(response.content)).active.values]
        assert '\'=HYPERLINK("http://example.org")' in names


def test_unknown_export_panel_or_format_is_404(client, scored):
    client.force_login(scored.manager)
    assert (
        client.get(reverse("fidelity:dashboard_export", args=["secrets", "csv"])).status_code == 404
    )
    assert (
        client.get(reverse("fidelity:dashboard_export", args=["status", "pdf"])).status_code == 404
    )


def test_team_leader_cannot_export_pilot_data(client, scored):
    url = reverse("fidelity:dashboard_export", args=["status", "csv"])
    assert _open(client, scored.lead_bolton, url).status_code == 404


def test_a_pilot_without_any_return_shows_gaps_not_zeros(client, world):
    body = _open(client, world.manager, DASHBOARD).content.decode()
    assert "0 of 3 teams" in body
    assert '<span class="cell-score">–</span> <span class="cell-band">no score</span>' in body
    assert "0.00" not in body


def test_trends_start_at_the_first_scored_quarter(client, scored):
    body = _open(client, scored.manager, DASHBOARD).content.decode()
    table = body.split('class="table table-sm trend-table"')[1].split("</table>")[0]
    assert "2026-27 Q1" in table and "2026-27 Q2" in table
    assert "2025-26 Q4" not in table


def test_chosen_trend_range_is_kept_in_the_links(client, scored):
    body = _open(client, scored.manager, DASHBOARD, since="2025-q3").content.decode()
    table = body.split('class="table table-sm trend-table"')[1].split("</table>")[0]
    assert "2025-26 Q3" in table
    assert "since=2025-q3" in body


@pytest.mark.parametrize("quarter", ["0000-q1", "9999-q4", "2026-q7", "soon"])
def test_drill_down_pages_ignore_a_quarter_outside_the_choices(client, scored, quarter):
    client.force_login(scored.manager)
    for url in (
        reverse("fidelity:la_dashboard", args=[scored.bolton.pk]),
        reverse("fidelity:team_dashboard", args=[scored.bolton_team.pk]),
    ):
        response = client.get(url, {"quarter": quarter})
        assert response.status_code == 200
        assert "2026-27 Q2" in response.content.decode()


def test_drift_alert_names_the_team_and_links_to_its_dashboard(client, scored):
    make_return(scored.bury_team, 2026, 3, fill=1, scores={"P6": [3, 3, 3]})
    make_return(scored.bury_team, 2026, 4, fill=1, scores={"P6": [2, 2, 2]})
    body = _open(client, scored.manager, DASHBOARD, quarter="2026-q4").content.decode()
    # Bury's P6: 1.00 in Q2, 3.00 in Q3, 2.00 in Q4 is not drift; P1: 1.00 flat is not either.
    assert "No principle fell two quarters running" in body
    make_return(scored.bury_team, 2027, 1, fill=1, scores={"P6": [1, 1, 1]})
    body = _open(client, scored.manager, DASHBOARD, quarter="2027-q1").content.decode()
    team_url = reverse("fidelity:team_dashboard", args=[scored.bury_team.pk])
    assert f'href="{team_url}?quarter=2027-q1">HF Bury</a>: P6' in body
