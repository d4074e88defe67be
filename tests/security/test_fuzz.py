"""Whatever is typed into any form or query string, the app never answers 500.

Hypothesis posts generated values (long strings, unicode, control characters, NUL, numbers as
text) into the fields of every form, on top of otherwise valid data where a form has many
fields. Each endpoint gets ~30 examples, so the file runs in well under two minutes.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fidelity.returns.forms import ApproveForm, CommentForm, ReopenForm
from forums.forms import ActionStatusForm, ConfirmSharedForm, SeriesForm, SessionForm
from forums.views import NOTE_KINDS
from reports.handbook.forms import HandbookRequestForm, HandbookWordsForm
from reports.reminders.forms import ReminderSettingsForm
from tests.fidelity.factories import form_data

FUZZ = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

values = st.one_of(
    st.text(max_size=50),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=20),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["", "\x00", "<script>alert(1)</script>", "=cmd|' /C calc'!A0", "1e999"]),
    st.integers(min_value=1000, max_value=200_000).map(lambda n: "x" * n),
)


def fields_of(form_class) -> list[str]:
    return list(form_class.base_fields)


def inputs(names: list[str]):
    return st.dictionaries(st.sampled_from(names), values, min_size=1)


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def assert_no_server_error(response) -> None:
    assert response.status_code < 500, response.content[:500]


@pytest.mark.parametrize(
    ("kind", "form_class"), [(kind, form) for kind, (form, _) in NOTE_KINDS.items()]
)
def test_forum_notes_never_answer_500(secure_world, kind, form_class):
    client = client_for(secure_world.facilitator)
    url = reverse("forums:note_add", args=[secure_world.draft_session.pk, kind])

    @FUZZ
    @given(data=inputs([*fields_of(form_class), "privacy_confirmed"]), htmx=st.booleans())
    def post(data, htmx):
        headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
        assert_no_server_error(client.post(url, data, **headers))

    post()


@pytest.mark.parametrize(
    ("name", "form_class"),
    [("forums:series_create", SeriesForm), ("forums:session_create", SessionForm)],
)
def test_forum_series_and_session_forms_never_answer_500(secure_world, name, form_class):
    client = client_for(secure_world.facilitator)

    @FUZZ
    @given(data=inputs(fields_of(form_class)))
    def post(data):
        assert_no_server_error(client.post(reverse(name), data))

    post()


def test_forum_action_status_and_shared_confirm_never_answer_500(secure_world):
    client = client_for(secure_world.facilitator)
    status_url = reverse("forums:action_status", args=[secure_world.action.pk])
    confirm_url = reverse("forums:shared_confirm")

    @FUZZ
    @given(
        status=inputs(fields_of(ActionStatusForm)),
        confirm=inputs([*fields_of(ConfirmSharedForm), "query"]),
    )
    def post(status, confirm):
        assert_no_server_error(client.post(status_url, status))
        assert_no_server_error(client.post(confirm_url, confirm))

    post()


def test_the_return_form_never_answers_500(secure_world):
    client = client_for(secure_world.lead_bolton)
    qa_return = secure_world.draft_return
    urls = [
        reverse("fidelity:return_section", args=[qa_return.pk, slug])
        for slug in ("p1", "activities", "caseload")
    ] + [reverse("fidelity:return_check_submit", args=[qa_return.pk])]
    valid = form_data(qa_return)

    @FUZZ
    @given(changes=inputs([*valid, "continue", "tasks", "activity-0-kind", "activity-0-notes"]))
    def post(changes):
        qa_return.refresh_from_db()
        data = {**valid, "lock_version": str(qa_return.lock_version), **changes}
        for url in urls:
            assert_no_server_error(client.post(url, data))

    post()


def test_the_review_form_never_answers_500(secure_world):
    client = client_for(secure_world.manager)
    url = reverse("fidelity:return_review", args=[secure_world.submitted_return.pk])
    names = [
        "action",
        *(f"approve-{n}" for n in fields_of(ApproveForm)),
        *(f"send_back-{n}" for n in fields_of(CommentForm)),
        *(f"reopen-{n}" for n in fields_of(ReopenForm)),
    ]

    @FUZZ
    @given(data=inputs(names))
    def post(data):
        assert_no_server_error(client.post(url, data))

    post()


def test_report_request_and_reminder_settings_never_answer_500(secure_world):
    client = client_for(secure_world.manager)
    request_url = reverse("reports:request")
    settings_url = reverse("reports:reminder_settings", args=[secure_world.pilot.pk])

    @FUZZ
    @given(
        report=inputs(["scope", "quarter"]),
        reminder=inputs(fields_of(ReminderSettingsForm)),
    )
    def post(report, reminder):
        assert_no_server_error(client.post(request_url, report))
        assert_no_server_error(client.post(settings_url, reminder))

    post()


def test_handbook_request_and_words_never_answer_500(secure_world):
    client = client_for(secure_world.manager)
    request_url = reverse("reports:handbook_request", args=[secure_world.pilot.pk])
    words_url = reverse("reports:handbook_words", args=[secure_world.pilot.pk])

    @FUZZ
    @given(
        period=inputs(fields_of(HandbookRequestForm)),
        words=inputs(fields_of(HandbookWordsForm)),
    )
    def post(period, words):
        assert_no_server_error(client.post(request_url, period))
        assert_no_server_error(client.post(words_url, words))

    post()


@pytest.mark.parametrize(
    ("role", "name"),
    [
        ("manager", "fidelity:dashboard"),
        ("manager", "fidelity:review_list"),
        ("manager", "fidelity:return_list"),
        ("facilitator", "forums:summary"),
        ("facilitator", "forums:cross_la"),
        ("facilitator", "forums:theme_options"),
        ("facilitator", "forums:actions"),
        ("manager", "reports:index"),
    ],
)
def test_query_strings_never_answer_500(secure_world, role, name):
    client = client_for(getattr(secure_world, role))
    names = [
        "q",
        "query",
        "pilot",
        "quarter",
        "since",
        "zone",
        "la",
        "organisation",
        "status",
        "principle",
        "theme",
        "page",
        "themes",
        "local_authority",
        "text",
    ]

    @FUZZ
    @given(params=inputs(names))
    def get(params):
        assert_no_server_error(client.get(reverse(name), params))

    get()


def test_sign_in_never_answers_500(db):
    client = Client()

    @FUZZ
    @given(data=inputs(["username", "password"]))
    def post(data):
        assert_no_server_error(client.post(reverse("login"), data))

    post()
