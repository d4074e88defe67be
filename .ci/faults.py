# ruff: noqa: S603, S607 (a CI script running the local services' own commands)
"""The fault scenarios of .ci/faults: drives gunicorn over HTTP and counts what was lost.

Each scenario prints one line: what was sent, what the app acknowledged, what the database holds,
and `lost` (acknowledged but not there, or a report asked for and never built). Exits 1 if
anything was lost or the app did not recover by itself.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from fidelity.returns.models import QAReturn, ReturnStatus  # noqa: E402
from fidelity.returns.sections import principle_slug, section_url  # noqa: E402
from partners.models import Role, RoleAssignment  # noqa: E402
from reports.forms import ReportRequestForm  # noqa: E402
from reports.models import Report, ReportStatus  # noqa: E402
from reports.services import reports_sweep  # noqa: E402
from tests.fidelity.factories import form_data  # noqa: E402

BASE = os.environ["FAULTS_BASE_URL"]
LOGS = Path(os.environ["FAULTS_LOGS"])
CSRF = "f" * 32
failures: list[str] = []


def report(name: str, lost: int, ok: bool = True, **counts) -> None:
    fields = " ".join(f"{k}={v}" for k, v in counts.items())
    print(f"{name}: {fields} lost={lost}{'' if ok else ' NOT RECOVERED'}", flush=True)
    if lost or not ok:
        failures.append(name)


def fresh_db() -> None:
    """The driver's own connection does not survive a restart either: drop it before ORM use."""
    connection.close()


def browser_for(user) -> requests.Session:
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    session = requests.Session()
    session.cookies.set(settings.SESSION_COOKIE_NAME, store.session_key)
    session.cookies.set(settings.CSRF_COOKIE_NAME, CSRF)
    session.headers.update({"X-CSRFToken": CSRF, "Referer": BASE + "/"})
    return session


def wait_until(check, timeout: float, every: float = 0.5) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            if check():
                return True
        except Exception:  # noqa: BLE001 (a service may still be coming back)
            fresh_db()
        time.sleep(every)
    return False


def app_is_up() -> bool:
    return requests.get(BASE + "/healthz", timeout=5).status_code == 200


# --- Celery workers ------------------------------------------------------------------------------


def start_worker() -> subprocess.Popen:
    log = open(LOGS / "worker.log", "a")  # noqa: SIM115 (kept open for the worker's life)
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/celery"),
            "-A",
            "config",
            "worker",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
        ],
        cwd=ROOT,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    (LOGS / "worker.pid").write_text(str(worker.pid))
    return worker


def kill_worker(worker: subprocess.Popen) -> None:
    """SIGKILL the worker and its pool child: its own process group, started above."""
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait()


# --- Returns -------------------------------------------------------------------------------------


class ReturnSaver:
    """A team leader pressing "Save and continue" on a section again and again, each time with
    new evidence."""

    def __init__(self) -> None:
        self.qa_return = (
            QAReturn.objects.filter(
                status__in=[ReturnStatus.DRAFT, ReturnStatus.RETURNED],
                team__role_assignments__role=Role.TEAM_LEADER,
            )
            .order_by("pk")
            .first()
        )
        assert self.qa_return is not None, "the demo data has no draft return to save"
        leader = (
            RoleAssignment.objects.filter(role=Role.TEAM_LEADER, team=self.qa_return.team)
            .first()
            .user
        )
        self.browser = browser_for(leader)
        self.data = form_data(self.qa_return)
        # The section page of the return's first indicator, saved with "Save and continue".
        first = self.qa_return.scores.order_by("pk").select_related("indicator__principle").first()
        self.evidence_field = f"score-{first.indicator.code}-evidence"
        slug = principle_slug(first.indicator.principle)
        self.url = BASE + section_url(qa_return=self.qa_return, slug=slug)
        self.lock = self.qa_return.lock_version
        self.sent = self.acknowledged = self.errors = 0
        self.last_evidence = ""

    def db_lock(self) -> int:
        fresh_db()
        return QAReturn.objects.get(pk=self.qa_return.pk).lock_version

    def resync(self) -> None:
        page = self.browser.get(self.url, timeout=10).text
        found = re.search(r'name="lock_version" value="(\d+)"', page)
        if found:
            self.lock = int(found.group(1))

    def save(self, label: str) -> bool:
        self.sent += 1
        evidence = f"Fault run evidence {label} {self.sent}"
        data = {
            **self.data,
            "lock_version": str(self.lock),
            self.evidence_field: evidence,
            "continue": "1",
        }
        try:
            answer = self.browser.post(self.url, data, allow_redirects=False, timeout=15)
        except requests.RequestException:
            answer = None
        if answer is not None and answer.status_code == 302:
            self.acknowledged += 1
            self.lock += 1
            self.last_evidence = evidence
            return True
        self.errors += 1
        with contextlib.suppress(requests.RequestException):
            self.resync()
        return False

    def evidence_kept(self) -> bool:
        fresh_db()
        score = self.qa_return.scores.order_by("pk").first()
        score.refresh_from_db()
        return not self.last_evidence or score.evidence == self.last_evidence


# --- Scenarios -----------------------------------------------------------------------------------


def postgres_restart(saver: ReturnSaver) -> None:
    start_lock = saver.db_lock()
    for _ in range(5):
        saver.save("before")
    restart = subprocess.Popen(os.environ["FAULTS_PG_RESTART"].split())
    during = 0
    while restart.poll() is None:
        saver.save("during")
        during += 1
        time.sleep(0.1)
    errors_before_recovery = saver.errors
    time.sleep(1)
    recovered = all(saver.save("after") for _ in range(10))
    after_errors = saver.errors - errors_before_recovery
    saved = saver.db_lock() - start_lock
    lost = saver.acknowledged - saved + (0 if saver.evidence_kept() else 1)
    report(
        "postgres-restart",
        lost,
        ok=recovered and restart.returncode == 0,
        saves_sent=saver.sent,
        acknowledged=saver.acknowledged,
        saved=saved,
        failed_during_restart=errors_before_recovery,
        failed_after=after_errors,
    )


def report_choices(manager) -> tuple[list[str], str]:
    form = ReportRequestForm(user=manager, today=date.today())
    scopes = [value for _, group in form.fields["scope"].choices[1:] for value, _ in group]
    return scopes, form.fields["quarter"].choices[0][0]


def redis_stopped(saver: ReturnSaver, manager) -> None:
    fresh_db()
    scopes, quarter = report_choices(manager)
    scopes = scopes[1:6]
    browser = browser_for(manager)
    asked_at = timezone.now()
    saver.sent = saver.acknowledged = saver.errors = 0
    start_lock = saver.db_lock()
    down_at = time.monotonic()
    subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-p", "6379", "shutdown", "nosave"],
        check=False,
        capture_output=True,
    )
    for _ in range(10):
        saver.save("redis-down")
    requested = []
    for scope in scopes:
        answer = browser.post(
            f"{BASE}/reports/request/",
            {"scope": scope, "quarter": quarter},
            allow_redirects=False,
            timeout=30,
        )
        if answer.status_code == 302:
            requested.append(scope)
    down_for = time.monotonic() - down_at
    subprocess.run(
        [
            "redis-server",
            "--daemonize",
            "yes",
            "--bind",
            "127.0.0.1",
            "--port",
            "6379",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        check=True,
        capture_output=True,
    )
    wait_until(
        lambda: subprocess.run(["redis-cli", "ping"], capture_output=True).returncode == 0, 20
    )
    saved = saver.db_lock() - start_lock

    def built() -> int:
        fresh_db()
        return Report.objects.filter(
            queued_at__gte=asked_at, status=ReportStatus.READY, finished_at__gte=asked_at
        ).count()

    def all_built() -> bool:
        reports_sweep()  # what Celery beat runs every few minutes
        return built() == len(requested)

    wait_until(all_built, timeout=180, every=5)
    lost = (saver.acknowledged - saved) + (len(requested) - built())
    report(
        "redis-stopped",
        lost,
        ok=saver.acknowledged == saver.sent,
        redis_down_seconds=round(down_for, 1),
        saves_sent=saver.sent,
        acknowledged=saver.acknowledged,
        saved=saved,
        reports_requested=len(scopes),
        reports_acknowledged=len(requested),
        reports_built=built(),
    )


def worker_killed(manager, worker: subprocess.Popen) -> subprocess.Popen:
    fresh_db()
    scopes, quarter = report_choices(manager)
    browser = browser_for(manager)
    asked_at = timezone.now()
    answer = browser.post(
        f"{BASE}/reports/request/",
        {"scope": scopes[0], "quarter": quarter},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 302, answer.status_code
    fresh_db()
    target = Report.objects.filter(queued_at__gte=asked_at).order_by("-pk").first()

    def running() -> bool:
        fresh_db()
        return Report.objects.filter(pk=target.pk, status=ReportStatus.RUNNING).exists()

    was_running = wait_until(running, timeout=60, every=0.05)
    kill_worker(worker)
    fresh_db()
    status_at_kill = Report.objects.get(pk=target.pk).status
    worker = start_worker()

    def built() -> bool:
        reports_sweep()  # a report whose heartbeat went stale is sent again
        return Report.objects.filter(
            pk=target.pk, status=ReportStatus.READY, finished_at__gte=asked_at
        ).exists()

    done = wait_until(built, timeout=settings.REPORTS_STALE_AFTER_MINUTES * 60 + 120, every=5)
    report(
        "worker-killed",
        0 if done else 1,
        ok=was_running,
        killed_while=status_at_kill,
        reports_requested=1,
        reports_built=int(done),
    )
    return worker


def main() -> int:
    assert wait_until(app_is_up, 30), "gunicorn did not start"
    saver = ReturnSaver()
    manager = (
        RoleAssignment.objects.filter(
            role=Role.PILOT_MANAGER, pilot=saver.qa_return.team.organisation.pilot
        )
        .first()
        .user
    )
    worker = start_worker()
    try:
        postgres_restart(saver)
        redis_stopped(saver, manager)
        worker = worker_killed(manager, worker)
    finally:
        kill_worker(worker)
    if failures:
        print(f"faults: FAILED {', '.join(failures)}; logs in {LOGS}", flush=True)
        return 1
    print("faults: nothing lost", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
