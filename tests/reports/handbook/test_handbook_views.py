"""The handbook pages: only the pilot's managers see, request, download and publish its
handbooks and write its words; anyone reads the published version at the public URL."""

import re

import pytest
from django.urls import reverse

from reports.handbook.models import Handbook, HandbookWords
from reports.handbook.services import handbook_publish, handbook_request
from reports.jobs import JobStatus

from .factories import Q2, made_handbook, made_version

ROLES = ["manager", "other_manager", "lead_bolton", "facilitator", "reviewer", "anonymous"]


@pytest.fixture
def ready(handbook_world):
    """The test pilot's handbook, built once (a version saved without a build_handbook)."""
    handbook = made_handbook(handbook_world.pilot)
    made_version(handbook)
    return handbook


def _user(world, role):
    return None if role == "anonymous" else getattr(world, role)


def _pages(world, handbook):
    """(method, URL, what the pilot's manager gets) for every handbook page of the test pilot."""
    pilot, pk = world.pilot.pk, handbook.pk
    return [
        ("get", reverse("reports:handbooks", args=[pilot]), 200),
        ("post", reverse("reports:handbook_request", args=[pilot]), 302),
        ("get", reverse("reports:handbook_words", args=[pilot]), 200),
        ("post", reverse("reports:handbook_words", args=[pilot]), 302),
        ("get", reverse("reports:handbook_detail", args=[pk]), 200),
        ("get", reverse("reports:handbook_progress", args=[pk]), 200),
        ("post", reverse("reports:handbook_rebuild", args=[pk]), 302),
        ("get", reverse("reports:handbook_pdf", args=[pk, 1]), 200),
        ("get", reverse("reports:handbook_html", args=[pk, 1]), 200),
        ("post", reverse("reports:handbook_publish", args=[pk, 1]), 302),
        ("post", reverse("reports:handbook_unpublish", args=[pk, 1]), 302),
    ]


FORM_DATA = {"first": "2026-q1", "last": "2026-q2", "foreword": "Ours", "lessons": ""}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_pilots_managers_reach_its_handbook_pages(client, handbook_world, ready, role):
    user = _user(handbook_world, role)
    if user is not None:
        client.force_login(user)
    for method, url, managers_status in _pages(handbook_world, ready):
        response = getattr(client, method)(url, FORM_DATA)
        if role == "manager":
            expected = managers_status
        elif role == "anonymous":
            expected = 302
        else:
            expected = 404
        assert response.status_code == expected, (method, url)
        if role == "anonymous":
            assert response.url.startswith(reverse("login")), url


def test_nobody_changed_anything_they_could_not_reach(client, handbook_world, ready):
    for role in ("other_manager", "lead_bolton", "facilitator", "reviewer"):
        client.force_login(getattr(handbook_world, role))
        for method, url, _ in _pages(handbook_world, ready):
            getattr(client, method)(url, FORM_DATA)
    assert not HandbookWords.objects.exists()
    assert ready.versions.get().published_at is None
    assert Handbook.objects.count() == 1


def test_handbook_home_takes_a_manager_to_their_pilots_handbooks(client, handbook_world):
    client.force_login(handbook_world.manager)
    response = client.get(reverse("reports:handbook_home"))
    assert response.url == reverse("reports:handbooks", args=[handbook_world.pilot.pk])
    for role in ("lead_bolton", "facilitator", "reviewer"):
        client.force_login(getattr(handbook_world, role))
        assert client.get(reverse("reports:handbook_home")).status_code == 404


def test_the_reports_page_links_managers_to_the_handbook(client, handbook_world):
    client.force_login(handbook_world.manager)
    assert reverse("reports:handbook_home") in client.get(reverse("reports:index")).text
    client.force_login(handbook_world.lead_bolton)
    assert reverse("reports:handbook_home") not in client.get(reverse("reports:index")).text


def test_the_request_form_offers_all_of_the_pilot_by_default(client, handbook_world):
    client.force_login(handbook_world.manager)
    page = client.get(reverse("reports:handbooks", args=[handbook_world.pilot.pk])).text
    assert '<option value="2026-q1" selected>' in page  # From
    assert '<option value="2026-q2" selected>' in page  # To
    assert "2025-q4" not in page  # before the pilot's first return
    assert "No handbook yet." in page


def test_manager_requests_a_handbook_and_is_taken_to_its_progress(
    client, handbook_world, eager_celery, django_capture_on_commit_callbacks
):
    client.force_login(handbook_world.manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:handbook_request", args=[handbook_world.pilot.pk]),
            {"first": "2026-q2", "last": "2026-q2"},
        )
    handbook = Handbook.objects.get()
    assert response.url == reverse("reports:handbook_detail", args=[handbook.pk])
    assert (handbook.first, handbook.last) == (Q2, Q2)
    assert handbook.requested_by == handbook_world.manager
    page = client.get(response.url).text
    assert "Ready" in page
    assert reverse("reports:handbook_pdf", args=[handbook.pk, 1]) in page
    assert reverse("reports:handbook_html", args=[handbook.pk, 1]) in page


def test_a_period_ending_before_it_starts_is_refused_next_to_the_last_quarter(
    client, handbook_world
):
    client.force_login(handbook_world.manager)
    response = client.post(
        reverse("reports:handbook_request", args=[handbook_world.pilot.pk]),
        {"first": "2026-q2", "last": "2026-q1"},
    )
    assert response.status_code == 400
    assert 'id="id_last"' in response.text and 'aria-invalid="true"' in response.text
    assert "The last quarter must not come before the first (2026-27 Q2)." in response.text
    assert '<option value="2026-q2" selected>' in response.text  # what was chosen is kept
    assert not Handbook.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {"first": "2019-q1", "last": "2026-q2"},  # before the pilot's first return
        {"first": "2026-q1", "last": "2027-q4"},  # not over yet
        {"first": "junk", "last": "2026-q2"},
        {"first": "2026-q1"},
        {"first": ["2026-q1", "2026-q2"], "last": "\x00"},
    ],
)
def test_a_quarter_not_offered_is_refused_without_a_server_error(client, handbook_world, data):
    client.force_login(handbook_world.manager)
    response = client.post(
        reverse("reports:handbook_request", args=[handbook_world.pilot.pk]), data
    )
    assert response.status_code == 400
    assert "is-invalid" in response.text
    assert not Handbook.objects.exists()


def test_progress_partial_polls_while_queued_and_stops_when_ready(client, handbook_world, ready):
    queued = handbook_request(pilot=handbook_world.pilot, first=Q2, last=Q2)
    client.force_login(handbook_world.manager)

    polling = client.get(reverse("reports:handbook_progress", args=[queued.pk])).text
    assert 'hx-trigger="every 2s"' in polling
    assert "Queued" in polling

    done = client.get(reverse("reports:handbook_progress", args=[ready.pk])).text
    assert "hx-trigger" not in done
    assert "Download the PDF" in done
    assert reverse("reports:handbook_html", args=[ready.pk, 1]) in done


def test_failed_handbook_shows_its_error_and_is_tried_again_in_place(
    client, handbook_world, quick_render, eager_celery, django_capture_on_commit_callbacks
):
    failed = made_handbook(
        handbook_world.pilot, status=JobStatus.FAILED, error="ValueError: no fonts"
    )
    client.force_login(handbook_world.manager)
    page = client.get(reverse("reports:handbook_detail", args=[failed.pk])).text
    assert "ValueError: no fonts" in page
    assert "Try again" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:handbook_rebuild", args=[failed.pk]), HTTP_HX_REQUEST="true"
        )
    assert 'id="handbook-progress"' in response.text
    failed.refresh_from_db()
    assert failed.status == JobStatus.READY


def test_manager_downloads_the_pdf_and_the_web_page(client, handbook_world, ready):
    client.force_login(handbook_world.manager)

    pdf = client.get(reverse("reports:handbook_pdf", args=[ready.pk, 1]))
    assert pdf["Content-Type"] == "application/pdf"
    assert "handbook-test-pilot-2026-q1-to-2026-q2-v1.pdf" in pdf["Content-Disposition"]
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")

    html = client.get(reverse("reports:handbook_html", args=[ready.pk, 1]))
    assert html["Content-Type"] == "text/html; charset=utf-8"
    assert "attachment" in html["Content-Disposition"]
    assert b"Invented handbook" in b"".join(html.streaming_content)

    assert client.get(reverse("reports:handbook_pdf", args=[ready.pk, 9])).status_code == 404


def test_publishing_opens_the_public_page_and_unpublishing_closes_it(client, handbook_world, ready):
    slug = handbook_world.pilot.slug
    public, public_pdf = (
        reverse("handbook:public", args=[slug]),
        reverse("handbook:public_pdf", args=[slug]),
    )
    assert client.get(public).status_code == 404
    assert client.get(public_pdf).status_code == 404

    client.force_login(handbook_world.manager)
    client.post(reverse("reports:handbook_publish", args=[ready.pk, 1]))
    detail = client.get(reverse("reports:handbook_detail", args=[ready.pk])).text
    assert "Unpublish" in detail and public in detail
    client.logout()

    page = client.get(public)
    assert page.status_code == 200
    assert page["Content-Type"] == "text/html; charset=utf-8"
    assert f"What {handbook_world.pilot} learned" in page.text
    assert f'href="{public_pdf}"' in page.text
    pdf = client.get(public_pdf)
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF")

    client.force_login(handbook_world.manager)
    client.post(reverse("reports:handbook_unpublish", args=[ready.pk, 1]))
    client.logout()
    assert client.get(public).status_code == 404
    assert client.get(public_pdf).status_code == 404


def test_publishing_one_handbook_takes_down_the_other(client, handbook_world, ready):
    later = made_handbook(handbook_world.pilot, first=Q2)
    made_version(later, lessons="The later one")
    client.force_login(handbook_world.manager)
    client.post(reverse("reports:handbook_publish", args=[ready.pk, 1]))
    client.post(reverse("reports:handbook_publish", args=[later.pk, 1]))
    client.logout()

    page = client.get(reverse("handbook:public", args=[handbook_world.pilot.slug]))
    assert "The later one" in page.text
    assert ready.versions.get().published_at is None


@pytest.mark.parametrize(
    "path",
    [
        "/handbook/no-such-pilot/",
        "/handbook/no-such-pilot/handbook.pdf",
        "/handbook/%00/",
        "/handbook/..%2f..%2fetc/",
        "/handbook/" + "a" * 3000 + "/",
        "/handbook/another-pilot/",  # exists, publishes nothing
    ],
)
def test_the_public_urls_answer_404_to_junk(client, handbook_world, ready, path):
    handbook_publish(version=ready.versions.get(), user=handbook_world.manager)
    assert client.get(path).status_code == 404


def test_the_manager_writes_the_foreword_and_lessons(client, handbook_world):
    url = reverse("reports:handbook_words", args=[handbook_world.pilot.pk])
    client.force_login(handbook_world.manager)
    assert (
        "Nobody has written"
        in client.get(reverse("reports:handbooks", args=[handbook_world.pilot.pk])).text
    )

    response = client.post(
        url, {"foreword": "We began in Bolton.", "lessons": "Housing first, then support."}
    )

    assert response.url == reverse("reports:handbooks", args=[handbook_world.pilot.pk])
    words = HandbookWords.objects.get(pilot=handbook_world.pilot)
    assert (words.foreword, words.lessons) == (
        "We began in Bolton.",
        "Housing first, then support.",
    )
    assert words.updated_by == handbook_world.manager
    page = client.get(url).text
    assert "We began in Bolton." in page  # in the form, to edit
    assert "Last edited" in page
    handbooks_page = client.get(response.url).text
    assert (
        "We began in Bolton." in handbooks_page and "Housing first, then support." in handbooks_page
    )
    assert "Nobody has written" not in handbooks_page


@pytest.mark.parametrize(
    ("field", "bad", "message"),
    [
        ("foreword", "Hidden\u202eword", "invisible character"),
        ("lessons", "x" * 20_001, "at most 20000 characters"),
    ],
)
def test_words_with_bad_input_are_refused_next_to_the_field_and_kept(
    client, handbook_world, field, bad, message
):
    client.force_login(handbook_world.manager)
    data = {"foreword": "Kept foreword", "lessons": "Kept lessons", field: bad}
    response = client.post(reverse("reports:handbook_words", args=[handbook_world.pilot.pk]), data)
    assert response.status_code == 400
    assert f'id="error_1_id_{field}"' in response.text
    assert message in response.text
    other = "lessons" if field == "foreword" else "foreword"
    assert f"Kept {other}" in response.text
    assert not HandbookWords.objects.exists()


def test_the_public_page_links_its_stylesheet_and_is_served_under_the_apps_policy(
    client, handbook_world, ready
):
    handbook_publish(version=ready.versions.get(), user=handbook_world.manager)

    page = client.get(reverse("handbook:public", args=[handbook_world.pilot.slug]))

    assert page.status_code == 200
    assert '<link rel="stylesheet" href="/static/reports/handbook.css">' in page.text
    assert not re.search(r"<style\b|\sstyle=|<script\b", page.text, re.IGNORECASE)
    app_policy = client.get(reverse("login"))["Content-Security-Policy"]
    assert page["Content-Security-Policy"] == app_policy
    assert "'unsafe-inline'" not in app_policy


def test_a_manager_finds_the_handbook_and_open_data_from_home_reports_and_dashboard(
    client, handbook_world
):
    pilot = handbook_world.pilot
    handbook = reverse("reports:handbooks", args=[pilot.pk])
    open_data = f"{reverse('fidelity:open_data_manage')}?pilot={pilot.pk}"
    client.force_login(handbook_world.manager)

    home_panel = client.get(reverse("reports:home_panel")).text
    dashboard = client.get(reverse("fidelity:dashboard"), {"pilot": pilot.pk}).text
    reports = client.get(reverse("reports:index")).text

    for page in (home_panel, dashboard):
        assert f'href="{handbook}"' in page and f'href="{open_data}"' in page
    assert f'href="{reverse("reports:handbook_home")}"' in reports
    assert f'href="{reverse("fidelity:open_data_manage")}"' in reports
    assert client.get(handbook).status_code == client.get(open_data).status_code == 200


def test_a_team_leader_is_not_shown_the_way_to_the_handbook(client, handbook_world):
    client.force_login(handbook_world.lead_bolton)

    for url in (reverse("reports:home_panel"), reverse("reports:index")):
        page = client.get(url).text
        assert "handbook" not in page and reverse("fidelity:open_data_manage") not in page
