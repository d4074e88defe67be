"""Load profiles for locust (run headless by `manage.py bench` and `.ci/load`).

- DashboardUser: a pilot manager reloading the fidelity dashboard.
- MixedUser: the issue's mix of dashboard views, return saves and report requests.

Credentials come from the environment: LOAD_MANAGER, LOAD_LEADERS (comma-separated), LOAD_PASSWORD.
"""

from __future__ import annotations

import itertools
import os
import re
import threading
from html.parser import HTMLParser

from locust import HttpUser, between, constant, task

PASSWORD = os.environ.get("LOAD_PASSWORD", "housing-first-demo")
MANAGER = os.environ.get("LOAD_MANAGER", "manager")
LEADERS = itertools.cycle(os.environ.get("LOAD_LEADERS", "lead-bolton").split(","))
_leaders_lock = threading.Lock()
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def sign_in(user: HttpUser, username: str) -> None:
    page = user.client.get("/accounts/login/", name="login page")
    token = CSRF_INPUT.search(page.text).group(1)
    user.client.post(
        "/accounts/login/",
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": user.host + "/accounts/login/"},
        name="sign in",
    )


class DashboardUser(HttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        sign_in(self, MANAGER)

    @task
    def dashboard(self) -> None:
        self.client.get("/dashboard/", name="dashboard")


class FormReader(HTMLParser):
    """The fields of the first form with a given id or action, as a browser would post them."""

    def __init__(self, form_match: str) -> None:
        super().__init__()
        self.form_match = form_match
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.options: dict[str, list[str]] = {}
        self._select: str | None = None
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = self.form_match in (a.get("id", ""), a.get("action", ""))
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("radio", "checkbox") and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "")))
        elif tag == "select" and name:
            self._select = name
            self.options[name] = []
        elif tag == "option" and self._select:
            if a.get("value"):
                self.options[self._select].append(a["value"])
            if "selected" in a:
                self.fields.append((self._select, a.get("value", "")))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""

    def handle_data(self, data):
        if self._textarea:
            self._text += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.fields.append((self._textarea, self._text))
            self._textarea = None


def read_form(html: str, form_match: str) -> FormReader:
    reader = FormReader(form_match)
    reader.feed(html)
    return reader


class MixedManager(HttpUser):
    """A pilot manager: mostly dashboard views (filtered too), sometimes a report request."""

    weight = 2
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        sign_in(self, MANAGER)

    @task(6)
    def dashboard(self) -> None:
        self.client.get("/dashboard/", name="dashboard")

    @task(2)
    def dashboard_filtered(self) -> None:
        page = self.client.get("/dashboard/", name="dashboard").text
        zones = read_form(page, "/dashboard/").options.get("zone", [])
        if zones:
            self.client.get(
                f"/dashboard/?zone={zones[0]}",
                headers={"HX-Request": "true"},
                name="dashboard (filtered, htmx)",
            )

    @task(1)
    def request_report(self) -> None:
        page = self.client.get("/reports/", name="reports page").text
        form = read_form(page, "/reports/request/")
        scopes = form.options.get("scope", [])
        fields = dict(form.fields)
        if not scopes or "csrfmiddlewaretoken" not in fields:
            return
        fields["scope"] = scopes[0]
        self.client.post(
            "/reports/request/",
            fields,
            headers={"Referer": self.host + "/reports/"},
            name="request a report",
        )


# The return's first section page: saving it is what a team leader does most.
SECTION = "section/p1/"


class MixedTeamLeader(HttpUser):
    """A team leader saving this quarter's draft return again and again."""

    weight = 3
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        with _leaders_lock:
            self.username = next(LEADERS)
        sign_in(self, self.username)
        self.edit_url = None

    def _find_draft(self) -> None:
        """This quarter's draft: the newest return if it is still editable, else a new one."""
        page = self.client.get("/returns/", name="returns list").text
        newest = re.search(r'href="(/returns/\d+/)"', page)
        if newest:
            edit = self.client.get(newest.group(1) + SECTION, name="return form")
            if edit.url.endswith(SECTION) and read_form(edit.text, "return-form").fields:
                self.edit_url = newest.group(1) + SECTION
                return
        fields = dict(read_form(page, "/returns/start/").fields)
        if "csrfmiddlewaretoken" in fields:
            started = self.client.post(
                "/returns/start/",
                fields,
                headers={"Referer": self.host + "/returns/"},
                name="start a return",
            )
            if started.url.endswith("/tasks/"):
                self.edit_url = started.url.removeprefix(self.host).replace("tasks/", SECTION)

    @task
    def save_draft(self) -> None:
        if self.edit_url is None:
            self._find_draft()
            if self.edit_url is None:
                return
        page = self.client.get(self.edit_url, name="return form").text
        fields = read_form(page, "return-form").fields
        if not fields:
            self.edit_url = None
            return
        with self.client.post(
            self.edit_url,
            [*fields, ("continue", "1")],
            headers={"Referer": self.host + self.edit_url},
            name="save draft",
            catch_response=True,
        ) as response:
            # Two people saving one draft at once: the second is told what changed (a correct
            # answer, not an error); anything else but a page or a redirect is a failure.
            if response.status_code in (200, 302):
                response.success()
            else:
                response.failure(f"status {response.status_code}")
