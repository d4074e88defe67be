"""Every figure the app shows equals the one tests/figures_reference.py works out from
docs/figures.md, on random pilots and histories played through the real services.

A pilot here has zones, local authorities, organisations and teams (some serving two local
authorities, some inactive); each team's return for each of four quarters goes through the
workflow as a team leader and a manager would use it: opened, saved, submitted, sent back,
resubmitted, approved, reopened. Then the pilot dashboard, the LA and team dashboards, the panel
exports, a PDF report's content and the API's figures (called with a token of the pilot's
manager) are read and compared, figure by figure, with the reference.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
from decimal import Decimal
from unittest import mock

from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from common.quarters import Quarter
from fidelity.dashboards.exports import panel_table
from fidelity.dashboards.figures import Scope
from fidelity.dashboards.selectors import pilot_dashboard, team_dashboard
from fidelity.frameworks.models import (
    Band,
    Framework,
    FrameworkVersion,
    Indicator,
    PilotFramework,
    Principle,
    ScaleLevel,
)
from fidelity.frameworks.words import DEFAULT_WORDS
from fidelity.improvement.services import improvement_plan_save
from fidelity.measures.models import MeasureKind, PilotMeasure
from fidelity.measures.validation import measure_key
from fidelity.returns.models import QAReturn, ReturnStatus
from fidelity.returns.services import (
    return_approve,
    return_open,
    return_reopen,
    return_save_draft,
    return_send_back,
    return_submit,
)
from partners.api_tokens import TokenRateThrottle, api_token_create
from reports.content import report_content
from reports.models import Report, ScopeKind
from tests import factories
from tests import figures_reference as ref

QUARTER = Quarter(2026, 2)
QUARTERS = QUARTER.back(4)
PRINCIPLES = {"A": 2, "B": 2, "C": 1}  # a small instrument: three sections, five indicators
BANDS = [
    ("high", Decimal("3.5")),
    ("good", Decimal("3.0")),
    ("fair", Decimal("2.5")),
    ("low", Decimal("0")),
]

# How far each return got, as the list of moves after it was opened and saved.
HISTORIES = {
    "draft": [],
    "submitted": ["submit"],
    "approved": ["submit", "approve"],
    "sent back": ["submit", "send_back"],
    "resubmitted": ["submit", "send_back", "save", "submit"],
    "reopened": ["submit", "approve", "reopen"],
    "reapproved": ["submit", "approve", "reopen", "save", "submit", "approve"],
}
FINAL_STATUS = {
    "draft": ReturnStatus.DRAFT,
    "submitted": ReturnStatus.SUBMITTED,
    "approved": ReturnStatus.APPROVED,
    "sent back": ReturnStatus.RETURNED,
    "resubmitted": ReturnStatus.SUBMITTED,
    "reopened": ReturnStatus.RETURNED,
    "reapproved": ReturnStatus.APPROVED,
}

indicator_score = st.one_of(st.integers(1, 4), st.none())  # None: not assessed
scores = st.lists(indicator_score, min_size=5, max_size=5)


@st.composite
def caseloads(draw):
    supported = draw(st.integers(0, 12))
    ended = draw(st.integers(0, 4))
    unknown = draw(st.integers(0, ended))
    return {
        "people_supported": supported,
        "new_referrals": draw(st.integers(0, 5)),
        "people_housed": draw(st.integers(0, 5)),
        "tenancies_sustained": draw(st.integers(0, supported)),
        "tenancies_ended": ended,
        "ended_unknown": unknown,
        "ended_planned_move": ended - unknown,
        "staff_fte": draw(st.sampled_from([Decimal("0"), Decimal("1"), Decimal("2.5")])),
    }


@st.composite
def pilots(draw):
    zones = draw(st.lists(st.integers(1, 2), min_size=1, max_size=3))  # LAs per zone
    las = [(z, n) for z, count in enumerate(zones) for n in range(count)]
    organisations = draw(st.integers(1, 2))
    team_count = draw(st.integers(2, 4))
    teams = []
    for _ in range(team_count):
        served = draw(
            st.lists(st.sampled_from(range(len(las))), min_size=1, max_size=2, unique=True)
        )
        teams.append(
            {
                "organisation": draw(st.integers(0, organisations - 1)),
                "las": served,
                "active": draw(st.sampled_from([True, True, True, False])),
            }
        )
    returns = {}
    for t in range(team_count):
        for q in range(len(QUARTERS)):
            if draw(st.booleans()):
                returns[(t, q)] = {
                    "history": draw(st.sampled_from(list(HISTORIES))),
                    "first": draw(scores),
                    "final": draw(scores),
                    "caseload": draw(caseloads()),
                    "measures": {
                        "Admissions": draw(st.integers(0, 3)),
                        "Budget": draw(st.sampled_from([Decimal("0"), Decimal("12.25")])),
                    },
                    "late": draw(st.booleans()),
                }
    return {
        "zones": zones,
        "las": las,
        "organisations": organisations,
        "teams": teams,
        "returns": returns,
        "approved_only": draw(st.booleans()),
    }


def _framework():
    framework = Framework.objects.create(name="Three sections (test)")
    version = FrameworkVersion.objects.create(framework=framework, number=1)
    for value, label in enumerate(["Not in place", "Partly", "Mostly", "Fully"], start=1):
        ScaleLevel.objects.create(version=version, value=value, label=label)
    for slug, minimum in BANDS:
        Band.objects.create(version=version, name=slug.title(), slug=slug, minimum=minimum)
    indicators = []
    for position, (code, count) in enumerate(PRINCIPLES.items(), start=1):
        principle = Principle.objects.create(
            version=version, code=code, position=position, title=f"Section {code}"
        )
        for n in range(1, count + 1):
            indicators.append(
                Indicator.objects.create(
                    principle=principle,
                    code=f"{code}.{n}",
                    position=n,
                    text=f"Indicator {code}.{n}",
                )
            )
    return version, indicators


def _by_principle(values, indicators):
    grouped = {code: [] for code in PRINCIPLES}
    for value, indicator in zip(values, indicators, strict=True):
        grouped[indicator.principle.code].append(value)
    return grouped


class FiguresMatchTheReference(TestCase):
    @settings(
        max_examples=12,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(pilots())
    def test_every_figure_equals_the_reference(self, spec):
        world, reference = self._build(spec)
        self._check_pilot_dashboard(world, reference)
        self._check_la_and_team_dashboards(world, reference)
        self._check_report(world, reference)
        self._check_api_figures(world, reference)

    # --- building the pilot in the database and in the reference ----------------------------

    def _save(self, qa_return, leader, values, indicators, r):
        measures = {measure_key(self.measures[n].pk): v for n, v in r["measures"].items()}
        saved = return_save_draft(
            qa_return=qa_return,
            user=leader,
            lock_version=QAReturn.objects.get(pk=qa_return.pk).lock_version,
            figures={**r["caseload"], **measures},
            scores={
                i.pk: {
                    "score": v,
                    "not_assessed": v is None,
                    "not_assessed_reason": "" if v is not None else "Not looked at",
                    "evidence": "Invented evidence",
                }
                for v, i in zip(values, indicators, strict=True)
            },
        )
        low = {
            i.pk: {"no_action": True, "no_action_reason": "Invented"}
            for v, i in zip(values, indicators, strict=True)
            if v is not None and v <= 2
        }
        if low:
            improvement_plan_save(qa_return=saved, user=leader, plans=low)
        return saved

    def _build(self, spec):
        pilot = factories.PilotFactory()
        version, indicators = _framework()
        PilotFramework.objects.create(pilot=pilot, version=version)
        self.measures = {
            "Admissions": PilotMeasure.objects.create(pilot=pilot, name="Admissions"),
            "Budget": PilotMeasure.objects.create(
                pilot=pilot, name="Budget", kind=MeasureKind.DECIMAL, decimal_places=2
            ),
        }
        manager = factories.manager(pilot)
        zones = [factories.ZoneFactory(pilot=pilot) for _ in spec["zones"]]
        las = [factories.LocalAuthorityFactory(zone=zones[z]) for z, _ in spec["las"]]
        organisations = [
            factories.OrganisationFactory(pilot=pilot) for _ in range(spec["organisations"])
        ]
        teams, leaders = [], []
        for t in spec["teams"]:
            team = factories.TeamFactory(
                organisation=organisations[t["organisation"]],
                local_authorities=[las[i] for i in t["las"]],
            )
            teams.append(team)
            leaders.append(factories.team_leader(team))
        ref_returns = []
        for (t, q), r in sorted(spec["returns"].items()):
            quarter, leader = QUARTERS[q], leaders[t]
            qa_return = return_open(team=teams[t], quarter=quarter, user=leader)
            current = self._save(qa_return, leader, r["first"], indicators, r)
            for move in HISTORIES[r["history"]]:
                if move == "save":
                    current = self._save(current, leader, r["final"], indicators, r)
                elif move == "submit":
                    current = return_submit(qa_return=current, user=leader)
                elif move == "approve":
                    current = return_approve(qa_return=current, user=manager)
                elif move == "send_back":
                    current = return_send_back(
                        qa_return=current, user=manager, comment="More, please."
                    )
                elif move == "reopen":
                    current = return_reopen(qa_return=current, user=manager, reason="A correction.")
            deadline = current.deadline
            submitted_on = None
            if current.submitted_at is not None:
                submitted_on = deadline + datetime.timedelta(days=3 if r["late"] else -3)
                QAReturn.objects.filter(pk=current.pk).update(
                    submitted_at=timezone.make_aware(
                        datetime.datetime.combine(submitted_on, datetime.time(12))
                    )
                )
            values = r["final"] if "save" in HISTORIES[r["history"]] else r["first"]
            assert current.status == FINAL_STATUS[r["history"]]
            ref_returns.append(
                ref.Return(
                    team=teams[t].pk,
                    quarter=quarter.index,
                    status=current.status,
                    scores=_by_principle(values, indicators),
                    not_assessed=sum(1 for v in values if v is None),
                    caseload=r["caseload"],
                    measures=r["measures"],
                    deadline=deadline,
                    submitted_on=submitted_on,
                )
            )
        for team, t in zip(teams, spec["teams"], strict=True):
            if not t["active"]:
                team.is_active = False
                team.save()
        reference = ref.Pilot(
            zones={z.pk: frozenset(la.pk for la in las if la.zone_id == z.pk) for z in zones},
            organisations=[o.pk for o in organisations],
            teams=[
                ref.Team(
                    id=team.pk,
                    organisation=team.organisation_id,
                    local_authorities=frozenset(las[i].pk for i in t["las"]),
                    active=t["active"],
                )
                for team, t in zip(teams, spec["teams"], strict=True)
            ],
            returns=ref_returns,
            principles=list(PRINCIPLES),
            bands=BANDS,
            approved_only=spec["approved_only"],
        )
        world = {
            "pilot": pilot,
            "manager": manager,
            "teams": teams,
            "las": las,
            "approved_only": spec["approved_only"],
        }
        return world, reference

    # --- comparing ---------------------------------------------------------------------------

    def _assert_cell(self, cell, score, change, where):
        assert cell.score == score, f"{where}: score {cell.score} != {score}"
        assert cell.change == change, f"{where}: change {cell.change} != {change}"

    def _assert_headline(self, headline, reference, teams, where):
        q = QUARTER.index
        self._assert_cell(
            headline.overall, reference.overall(teams, q), reference.overall_change(teams, q), where
        )
        assert headline.overall.band == reference.band(reference.overall(teams, q)), where
        for p in headline.principles:
            self._assert_cell(
                p.cell,
                reference.principle(teams, q, p.code),
                reference.principle_change(teams, q, p.code),
                f"{where} {p.code}",
            )
        c = headline.completeness
        assert (c.counted, c.expected, c.provisional) == reference.completeness(teams, q), where

    def _check_pilot_dashboard(self, world, reference):
        scope = Scope(approved_only=world["approved_only"])
        data = pilot_dashboard(
            pilot=world["pilot"],
            quarter=QUARTER,
            scope=scope,
            since=QUARTERS[0],
            heatmaps=("la", "zone", "organisation", "team"),  # the LA page shows the teams
        )
        everyone = reference.teams_of("pilot")
        self._assert_headline(data.headline, reference, everyone, "pilot headline")
        for by in ("la", "zone", "organisation", "team"):
            rows = {row.pk: row for row in data.heatmaps[by].rows}
            assert sorted(rows) == sorted(reference.groups(by)), f"{by} groups"
            for key, row in rows.items():
                teams = reference.teams_of(by, key)
                self._assert_cell(
                    row.overall,
                    reference.overall(teams, QUARTER.index),
                    reference.overall_change(teams, QUARTER.index),
                    f"{by} {row.name} overall",
                )
                for c in row.cells:
                    self._assert_cell(
                        c.cell,
                        reference.principle(teams, QUARTER.index, c.code),
                        reference.principle_change(teams, QUARTER.index, c.code),
                        f"{by} {row.name} {c.code}",
                    )
                counted = row.completeness
                assert (counted.counted, counted.expected, counted.provisional) == (
                    reference.completeness(teams, QUARTER.index)
                ), f"{by} {row.name} completeness"
        for i, quarter in enumerate(data.trends.quarters):
            assert data.trends.overall[i] == reference.overall(everyone, quarter.index), quarter
            for series in data.trends.series:
                assert series.points[i] == reference.principle(everyone, quarter.index, series.code)
            c = data.trends.completeness[i]
            assert (c.counted, c.expected, c.provisional) == reference.completeness(
                everyone, quarter.index
            )
        caseload = reference.caseload(everyone, QUARTER.index)
        figures = {f.key: f.value for f in data.caseload.figures}
        for key, value in caseload.items():
            assert figures[key] == value, f"caseload {key}: {figures[key]} != {value}"
        for name, measure in self.measures.items():
            value = reference.measure(everyone, QUARTER.index, name)
            shown = figures[measure_key(measure.pk)]
            assert shown == value, f"measure {name}: {shown} != {value}"
        quality = reference.data_quality(everyone, QUARTER.index)
        for key, value in quality.items():
            assert getattr(data.data_quality, key) == value, f"data quality {key}"
        # The panel exports carry the same numbers.
        headline = panel_table("headline", data, words=DEFAULT_WORDS)
        assert headline.rows[0][2] == reference.overall(everyone, QUARTER.index)
        heat = panel_table("heatmap-la", data, words=DEFAULT_WORDS)
        for line in heat.rows:
            row = next(r for r in data.heatmaps["la"].rows if r.name == line[0])
            teams = reference.teams_of("la", row.pk)
            assert line[3] == reference.overall(teams, QUARTER.index)
            assert line[5] == reference.overall_change(teams, QUARTER.index)

    def _check_la_and_team_dashboards(self, world, reference):
        approved_only = world["approved_only"]
        for la in world["las"]:
            teams = reference.teams_of("la", la.pk)
            if not teams:
                continue
            data = pilot_dashboard(
                pilot=world["pilot"],
                quarter=QUARTER,
                scope=Scope(local_authorities=(la.pk,), approved_only=approved_only),
            )
            self._assert_headline(data.headline, reference, teams, f"LA {la.name}")
        team = world["teams"][0]
        data = team_dashboard(
            pilot=world["pilot"], team=team, quarter=QUARTER, approved_only=approved_only
        )
        self._assert_headline(data.headline, reference, reference.teams_of("team", team.pk), "team")
        self._assert_headline(
            data.pilot_headline, reference, reference.teams_of("pilot"), "team's pilot average"
        )

    def _check_report(self, world, reference):
        if world["approved_only"]:
            return  # reports count every counted return, as the dashboard does by default
        report = Report.objects.create(
            pilot=world["pilot"],
            scope_kind=ScopeKind.PILOT,
            year=QUARTER.year,
            quarter=QUARTER.number,
        )
        content = report_content(report, today=datetime.date(2026, 11, 30))
        everyone = reference.teams_of("pilot")

        def text(value):
            return None if value is None else str(value)

        assert content["overall"]["score"] == text(reference.overall(everyone, QUARTER.index))
        for h in content["headlines"]:
            assert h["score"] == text(reference.principle(everyone, QUARTER.index, h["code"]))
        counted, expected, provisional = reference.completeness(everyone, QUARTER.index)
        assert content["completeness"].startswith(f"{counted} of {expected} team")
        for row in content["heatmap"]["rows"]:
            la = next(la for la in world["las"] if la.name == row["la"])
            teams = reference.teams_of("la", la.pk)
            assert row["overall"]["score"] == text(reference.overall(teams, QUARTER.index))

    def _check_api_figures(self, world, reference):
        # The API has no "approved only" switch: its figures count what the dashboard counts by
        # default, approved and submitted returns alike.
        reference = dataclasses.replace(reference, approved_only=False)
        secret = api_token_create(user=world["manager"], name="Figures check").secret
        q = QUARTER.index
        # Four calls an example; a rate far above it, so no example is ever throttled.
        with mock.patch.object(TokenRateThrottle, "THROTTLE_RATES", {"token": "100000/minute"}):
            for by in ("la", "zone", "organisation", "team"):
                response = self.client.get(
                    "/api/v1/figures/",
                    {"by": by, "quarter": QUARTER.slug},
                    HTTP_AUTHORIZATION=f"Bearer {secret}",
                )
                assert response.status_code == 200, (by, response.content)
                body = json.loads(response.content, parse_float=Decimal)
                assert (body["quarter"], body["by"]) == (QUARTER.slug, by)
                assert [s["code"] for s in body["sections"]] == list(PRINCIPLES)
                rows = {row["id"]: row for row in body["results"]}
                assert sorted(rows) == sorted(reference.groups(by)), f"API {by} groups"
                for key, row in rows.items():
                    teams = reference.teams_of(by, key)
                    where = f"API {by} {row['name']}"
                    overall = reference.overall(teams, q)
                    assert row["overall"] == overall, f"{where} overall"
                    cell = row["cells"]["overall"]
                    assert cell["score"] == overall, f"{where} overall cell"
                    assert cell["band"] == reference.band(overall), f"{where} overall band"
                    assert cell["change"] == reference.overall_change(teams, q), f"{where} change"
                    for code in PRINCIPLES:
                        score = reference.principle(teams, q, code)
                        assert row["scores"][code] == score, f"{where} {code}"
                        cell = row["cells"][code]
                        assert cell["score"] == score, f"{where} {code} cell"
                        assert cell["band"] == reference.band(score), f"{where} {code} band"
                        change = reference.principle_change(teams, q, code)
                        assert cell["change"] == change, f"{where} {code} change"
                    counted, expected, provisional = reference.completeness(teams, q)
                    c = row["completeness"]
                    assert (c["counted"], c["expected"], c["provisional"]) == (
                        counted,
                        expected,
                        provisional,
                    ), f"{where} completeness"
                    assert row["provisional"] is (provisional > 0), f"{where} provisional"
