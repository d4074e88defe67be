"""Who may open what: every URL in the configuration, asked by every role.

EXPECTATIONS has one row per URL name: the method, the URL's arguments for an object in the test
pilot (Bolton's team where a team matters), the arguments for the same kind of object in another
pilot (None when the URL takes no object), and the status each role gets for the test pilot's
object. Everyone in the test pilot gets 404 for the other pilot's object. A URL added to the
configuration without a row fails `test_every_url_has_a_row_in_the_matrix`.

To add a row: copy a similar one; `expect(...)` starts from "anonymous 302 to sign in, everyone
else 404" and takes the roles that get something else. A URL asked about a second object of the
test pilot has a further row, keyed "name, which object", with `url_name` set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest

from .matrix import ROLES, status_of, url_names

PILOT_ROLES = ["own_leader", "other_leader", "facilitator", "reviewer", "manager"]


def expect(default: int = 404, anonymous: int = 302, **roles: int) -> dict[str, int]:
    table = {role: default for role in ROLES}
    table["anonymous"] = anonymous
    table.update(roles)
    return table


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int) -> dict[str, int]:
    return expect(default=status)


@dataclass
class Row:
    expected: dict[str, int]
    own: Callable = lambda w: {}
    other: Callable | None = None
    method: str = "GET"
    data: dict = field(default_factory=dict)
    url_name: str | None = None  # for a further row of a URL already in the matrix


def pk(attr: str) -> Callable:
    return lambda w: {"pk": getattr(w, attr).pk}


API_RESOURCES = [
    "pilot",
    "zone",
    "local-authority",
    "organisation",
    "team",
    "framework",
    "return",
    "improvement-action",
    "forum-challenge",
    "forum-action",
    "report",
]

EXPECTATIONS: dict[str, Row] = {
    "home": Row(expect(default=200)),
    "healthz": Row(everyone(200)),
    "login": Row(everyone(200)),
    "logout": Row(everyone(302), method="POST"),
    "password_change": Row(signed_in(200)),
    "password_change_done": Row(signed_in(200)),
    "password_reset": Row(everyone(200)),
    "password_reset_done": Row(everyone(200)),
    "password_reset_confirm": Row(
        everyone(200), own=lambda w: {"uidb64": "MQ", "token": "set-password"}
    ),
    "password_reset_complete": Row(everyone(200)),
    "two_factor": Row(signed_in(200)),
    # Only someone who owes a code is shown the form; anyone else is sent on.
    "two_factor_verify": Row(signed_in(302)),
    "two_factor_setup": Row(signed_in(200)),
    # Council sign-in is off unless OIDC_ENABLED; on, tests/partners/test_council_sign_in.py.
    "oidc_authentication_init": Row(everyone(404)),
    "oidc_authentication_callback": Row(everyone(404)),
    "api_tokens": Row(signed_in(200)),
    "privacy": Row(everyone(200)),
    "accessibility": Row(everyone(200)),
    "admin:index": Row(expect(default=302, administrator=200)),
    "partners:team_list": Row(signed_in(200)),
    "partners:team_detail": Row(
        expect(own_leader=200, manager=200),
        own=lambda w: {"pk": w.bolton_team.pk},
        other=lambda w: {"pk": w.other_team.pk},
    ),
    "fidelity:return_list": Row(
        expect(own_leader=200, other_leader=200, manager=200, other_manager=200)
    ),
    "fidelity:return_start": Row(expect(), method="POST"),
    "fidelity:review_list": Row(expect(manager=200, other_manager=200)),
    "fidelity:home_panel": Row(signed_in(200)),
    "fidelity:team_returns": Row(
        expect(own_leader=200, manager=200),
        own=lambda w: {"team_pk": w.bolton_team.pk},
        other=lambda w: {"team_pk": w.other_team.pk},
    ),
    "fidelity:return_detail": Row(
        expect(own_leader=200, manager=200), own=pk("submitted_return"), other=pk("other_return")
    ),
    "fidelity:return_edit": Row(
        expect(own_leader=302, manager=302), own=pk("draft_return"), other=pk("other_return")
    ),
    "fidelity:return_tasks": Row(
        expect(own_leader=200, manager=302), own=pk("draft_return"), other=pk("other_return")
    ),
    "fidelity:return_section": Row(
        expect(own_leader=200, manager=302),
        own=lambda w: {"pk": w.draft_return.pk, "slug": "p1"},
        other=lambda w: {"pk": w.other_return.pk, "slug": "p1"},
    ),
    "fidelity:return_check": Row(
        expect(own_leader=200, manager=302), own=pk("draft_return"), other=pk("other_return")
    ),
    "fidelity:return_check_submit": Row(
        expect(own_leader=302, manager=302),
        own=pk("draft_return"),
        other=pk("other_return"),
        method="POST",
    ),
    "fidelity:return_review": Row(
        expect(own_leader=302, manager=302),
        own=pk("submitted_return"),
        other=pk("other_return"),
        method="POST",
        data={"action": "approve"},
    ),
    "fidelity:return_export": Row(
        expect(own_leader=200, manager=200),
        own=lambda w: {"pk": w.submitted_return.pk, "fmt": "csv"},
        other=lambda w: {"pk": w.other_return.pk, "fmt": "csv"},
    ),
    "fidelity:return_export, FHIR": Row(
        expect(own_leader=200, manager=200),
        own=lambda w: {"pk": w.submitted_return.pk, "fmt": "fhir.json"},
        other=lambda w: {"pk": w.other_return.pk, "fmt": "fhir.json"},
        url_name="fidelity:return_export",
    ),
    # A quarter's returns of the pilot a person sees teams in (their first, without ?pilot=):
    # each leader gets their own team's, each manager their pilot's.
    "fidelity:returns_bundle": Row(
        expect(own_leader=200, other_leader=200, manager=200, other_manager=200),
        own=lambda w: {"quarter": w.submitted_return.quarter_value.slug},
    ),
    "fidelity:dashboard": Row(expect(manager=200, other_manager=200)),
    "fidelity:dashboard_export": Row(
        expect(manager=200, other_manager=200), own=lambda w: {"panel": "headline", "fmt": "csv"}
    ),
    "fidelity:team_dashboard_home": Row(expect(own_leader=302, other_leader=302)),
    "fidelity:team_dashboard": Row(
        expect(own_leader=200, manager=200),
        own=lambda w: {"pk": w.bolton_team.pk},
        other=lambda w: {"pk": w.other_team.pk},
    ),
    "fidelity:la_dashboard": Row(
        expect(manager=200),
        own=lambda w: {"pk": w.bolton.pk},
        other=lambda w: {"pk": w.other_team.local_authorities.get().pk},
    ),
    # Open data: the list, the packs and their files are public; the managers publish (each their
    # own pilot's). Nothing is published in this world, so a pack's address is not found.
    "fidelity:open_data_list": Row(everyone(200)),
    "fidelity:open_data_manage": Row(expect(manager=200, other_manager=200)),
    "fidelity:open_data_pack": Row(
        everyone(404),
        own=lambda w: {"pilot_slug": w.pilot.slug, "quarter_slug": "2026-q1", "version": 1},
    ),
    "fidelity:open_data_file": Row(
        everyone(404),
        own=lambda w: {
            "pilot_slug": w.pilot.slug,
            "quarter_slug": "2026-q1",
            "version": 1,
            "name": "pack.csv",
        },
    ),
    "fidelity:spreadsheet_index": Row(
        expect(own_leader=200, other_leader=200, manager=200, other_manager=200)
    ),
    "fidelity:spreadsheet_bulk": Row(expect(manager=200, other_manager=200)),
    "fidelity:spreadsheet_template": Row(
        expect(own_leader=200, manager=200),
        own=lambda w: {"team_pk": w.bolton_team.pk, "quarter": "2026-q2"},
        other=lambda w: {"team_pk": w.other_team.pk, "quarter": "2026-q1"},
    ),
    "fidelity:spreadsheet_upload": Row(
        expect(own_leader=200),
        own=lambda w: {"team_pk": w.bolton_team.pk, "quarter": "2026-q2"},
        other=lambda w: {"team_pk": w.other_team.pk, "quarter": "2026-q1"},
    ),
    "fidelity:spreadsheet_preview": Row(
        expect(own_leader=302),
        own=lambda w: {"team_pk": w.bolton_team.pk, "quarter": "2026-q2"},
        other=lambda w: {"team_pk": w.other_team.pk, "quarter": "2026-q1"},
    ),
    "fidelity:spreadsheet_confirm": Row(
        expect(own_leader=302),
        own=lambda w: {"team_pk": w.bolton_team.pk, "quarter": "2026-q2"},
        other=lambda w: {"team_pk": w.other_team.pk, "quarter": "2026-q1"},
        method="POST",
    ),
    # The improvement plan is written while the return can still be changed.
    "fidelity:return_improvement": Row(
        expect(own_leader=200), own=pk("draft_return"), other=pk("other_return")
    ),
    "fidelity:improvement_list": Row(expect(manager=200, other_manager=200)),
    "fidelity:improvement_export": Row(
        expect(manager=200, other_manager=200), own=lambda w: {"fmt": "csv"}
    ),
    "fidelity:improvement_panel": Row(expect(manager=200, other_manager=200)),
    "fidelity:peer_review_list": Row(expect(reviewer=200, manager=200, other_manager=200)),
    "fidelity:peer_review_assign": Row(expect(manager=200, other_manager=200)),
    # A review is the reviewer's to fill in and its pilot's managers' to read.
    "fidelity:peer_review_detail": Row(
        expect(reviewer=200, manager=200), own=pk("peer_review"), other=pk("other_peer_review")
    ),
    "fidelity:peer_review_step": Row(
        expect(reviewer=200),
        own=lambda w: {"pk": w.peer_review.pk, "step": 1},
        other=lambda w: {"pk": w.other_peer_review.pk, "step": 1},
    ),
    "fidelity:peer_review_submit": Row(
        expect(reviewer=302),
        own=pk("peer_review"),
        other=pk("other_peer_review"),
        method="POST",
    ),
    "fidelity:team_peer_gaps": Row(
        expect(own_leader=200, manager=200),
        own=lambda w: {"team_pk": w.bolton_team.pk},
        other=lambda w: {"team_pk": w.other_team.pk},
    ),
    "fidelity:pilot_peer_gaps": Row(expect(manager=200, other_manager=200)),
    "forums:index": Row(expect(default=200, administrator=404)),
    "forums:home_panel": Row(signed_in(200)),
    "forums:series_create": Row(expect(facilitator=200, manager=200, other_manager=200)),
    "forums:session_create": Row(expect(facilitator=200, manager=200, other_manager=200)),
    "forums:session_detail": Row(
        expect(default=200, other_manager=404, administrator=404),
        own=pk("published_session"),
        other=pk("other_session"),
    ),
    "forums:session_publish": Row(
        expect(facilitator=302, manager=302),
        own=pk("draft_session"),
        other=pk("other_session"),
        method="POST",
    ),
    "forums:note_add": Row(
        expect(facilitator=422, manager=422),
        own=lambda w: {"pk": w.published_session.pk, "kind": "challenge"},
        other=lambda w: {"pk": w.other_session.pk, "kind": "challenge"},
        method="POST",
    ),
    "forums:note_delete": Row(
        expect(facilitator=302, manager=302),
        own=lambda w: {"pk": w.published_session.pk, "kind": "action", "note_pk": w.action.pk},
        other=lambda w: {"pk": w.other_session.pk, "kind": "action", "note_pk": w.other_action.pk},
        method="POST",
    ),
    "forums:theme_options": Row(expect(facilitator=200, manager=200, other_manager=200)),
    "forums:cross_la": Row(expect(facilitator=200, manager=200, other_manager=200)),
    "forums:shared_confirm": Row(
        expect(facilitator=302, manager=302, other_manager=302), method="POST"
    ),
    "forums:summary": Row(expect(default=200, administrator=404)),
    "forums:summary_csv": Row(expect(default=200, administrator=404)),
    "forums:summary_pdf": Row(expect(default=200, administrator=404)),
    "forums:principle_challenges": Row(
        expect(default=200, administrator=404), own=lambda w: {"code": "P1"}
    ),
    "forums:actions": Row(expect(default=200, administrator=404)),
    "forums:action_status": Row(
        expect(facilitator=302, manager=302),
        own=pk("action"),
        other=pk("other_action"),
        method="POST",
    ),
    "reports:index": Row(signed_in(200)),
    "reports:request": Row(expect(manager=400, other_manager=400), method="POST"),
    "reports:home_panel": Row(signed_in(200)),
    "reports:reminders": Row(signed_in(200)),
    "reports:reminder_detail": Row(
        expect(own_leader=200), own=pk("reminder"), other=pk("other_reminder")
    ),
    # The dashboard's "Needs attention" counts: each manager's own pilot (a foreign ?pilot= is 404).
    "reports:dashboard_attention": Row(expect(manager=200, other_manager=200)),
    "reports:reminder_settings": Row(
        expect(manager=200),
        own=lambda w: {"pilot_pk": w.pilot.pk},
        other=lambda w: {"pilot_pk": w.other_pilot.pk},
    ),
    # The report is the test pilot's whole-pilot report: every team leader of the pilot reads it.
    "reports:detail": Row(
        expect(own_leader=200, other_leader=200, manager=200),
        own=pk("report"),
        other=pk("other_report"),
    ),
    "reports:progress": Row(
        expect(own_leader=200, other_leader=200, manager=200),
        own=pk("report"),
        other=pk("other_report"),
    ),
    "reports:retry": Row(
        expect(manager=302), own=pk("report"), other=pk("other_report"), method="POST"
    ),
    "reports:download": Row(
        expect(own_leader=200, other_leader=200, manager=200),
        own=pk("report"),
        other=pk("other_report"),
    ),
    "reports:download_version": Row(
        expect(own_leader=200, other_leader=200, manager=200),
        own=lambda w: {"pk": w.report.pk, "number": 1},
        other=lambda w: {"pk": w.other_report.pk, "number": 1},
    ),
    # A team leader reads their own local authority's, zone's and organisation's reports, not
    # another's: the own leader leads Bolton (zone West, Red Rose Support), the other Wigan (West,
    # Red Rose Support).
    "reports:detail, Wigan's report": Row(
        expect(other_leader=200, manager=200),
        own=pk("wigan_report"),
        other=pk("other_report"),
        url_name="reports:detail",
    ),
    "reports:download, Wigan's report": Row(
        expect(other_leader=200, manager=200),
        own=pk("wigan_report"),
        other=pk("other_report"),
        url_name="reports:download",
    ),
    "reports:download, the North zone's report": Row(
        expect(manager=200),
        own=pk("north_report"),
        other=pk("other_report"),
        url_name="reports:download",
    ),
    "reports:download, Northern Lights' report": Row(
        expect(manager=200),
        own=pk("northern_lights_report"),
        other=pk("other_report"),
        url_name="reports:download",
    ),
    # The legacy handbook: only the pilot's managers; anyone reads the published version.
    "reports:handbook_home": Row(expect(manager=302, other_manager=302)),
    "reports:handbooks": Row(
        expect(manager=200),
        own=lambda w: {"pilot_pk": w.pilot.pk},
        other=lambda w: {"pilot_pk": w.other_pilot.pk},
    ),
    "reports:handbook_request": Row(
        expect(manager=400),
        own=lambda w: {"pilot_pk": w.pilot.pk},
        other=lambda w: {"pilot_pk": w.other_pilot.pk},
        method="POST",
    ),
    "reports:handbook_words": Row(
        expect(manager=200),
        own=lambda w: {"pilot_pk": w.pilot.pk},
        other=lambda w: {"pilot_pk": w.other_pilot.pk},
    ),
    "reports:handbook_detail": Row(
        expect(manager=200), own=pk("handbook"), other=pk("other_handbook")
    ),
    "reports:handbook_progress": Row(
        expect(manager=200), own=pk("handbook"), other=pk("other_handbook")
    ),
    "reports:handbook_rebuild": Row(
        expect(manager=302), own=pk("handbook"), other=pk("other_handbook"), method="POST"
    ),
    **{
        f"reports:handbook_{name}": Row(
            expect(manager=status),
            own=lambda w: {"pk": w.handbook.pk, "number": 1},
            other=lambda w: {"pk": w.other_handbook.pk, "number": 1},
            method=method,
        )
        for name, method, status in [
            ("pdf", "GET", 200),
            ("html", "GET", 200),
            ("publish", "POST", 302),
            ("unpublish", "POST", 302),
        ]
    },
    "handbook:public": Row(everyone(200), own=lambda w: {"pilot_slug": w.pilot.slug}),
    "handbook:public_pdf": Row(everyone(200), own=lambda w: {"pilot_slug": w.pilot.slug}),
    # The API answers bearer tokens only: a session, signed in or not, gets 401 (who sees what
    # with a token: tests/api/test_api_authorisation.py).
    **{f"api:{name}-list": Row(everyone(401)) for name in API_RESOURCES},
    **{
        f"api:{name}-detail": Row(everyone(401), own=lambda w: {"pk": w.bolton_team.pk})
        for name in API_RESOURCES
    },
    "api:framework-questionnaire": Row(everyone(401), own=lambda w: {"pk": 1}),
    "api:framework-crosswalk": Row(everyone(401), own=lambda w: {"pk": 1}),
    "api:report-pdf": Row(everyone(401), own=lambda w: {"pk": 1}),
    "api:quarters": Row(everyone(401)),
    "api:figures": Row(everyone(401)),
    "api:schema": Row(everyone(200)),
    "api:docs": Row(everyone(200)),
}


@pytest.mark.parametrize("name", sorted(EXPECTATIONS))
def test_each_role_gets_the_expected_answer(secure_world, name):
    row = EXPECTATIONS[name]
    users = secure_world.users()
    got = {
        role: status_of(
            users[role], row.method, row.url_name or name, row.own(secure_world), row.data
        )
        for role in ROLES
    }
    assert got == row.expected


@pytest.mark.parametrize("name", sorted(n for n, row in EXPECTATIONS.items() if row.other))
def test_nobody_in_the_pilot_reaches_another_pilots_object(secure_world, name):
    row = EXPECTATIONS[name]
    users = secure_world.users()
    got = {
        role: status_of(
            users[role], row.method, row.url_name or name, row.other(secure_world), row.data
        )
        for role in ["anonymous", *PILOT_ROLES]
    }
    assert got == {"anonymous": 302, **dict.fromkeys(PILOT_ROLES, 404)}


def test_every_url_has_a_row_in_the_matrix():
    names = {n for n in url_names() if not n.startswith("admin:")} | {"admin:index"}
    asked = {row.url_name or name for name, row in EXPECTATIONS.items()}
    assert sorted(names - asked) == []
    assert sorted(asked - names) == []
