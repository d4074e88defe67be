"""Load profiles for locust (run headless by `manage.py bench` and `.ci/load`).

- DashboardUser: a pilot manager reloading the fidelity dashboard.
- TrivialUser: the cheapest page on the same server (/healthz), the yardstick for throughput.
- MixedUser: the issue's mix of dashboard views, return saves and report requests.

Credentials come from the environment: LOAD_MANAGER, LOAD_LEADERS (comma-separated), LOAD_PASSWORD.
"""

from __future__ import annotations

import itertools
import os
import re
import threading

from locust import HttpUser, constant, task

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


class TrivialUser(HttpUser):
    wait_time = constant(0)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="healthz")
