"""The benchmark: builds synthetic pilots in a scratch database and prints one JSON line a figure.

Each line names the figure, its value and unit, the data size it was measured at, and the target
where the product has one. Uses PostgreSQL when DATABASE_URL points at one (a scratch database
named test_<name> is created and dropped), else a scratch SQLite file.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from multiprocessing import get_context
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.management.base import BaseCommand
from django.core.signals import request_finished
from django.db import close_old_connections, connection, connections
from django.test import Client
from django.urls import reverse

from forums.models import ForumSession
from ops.synthetic import (
    GOOD_FIGURES,
    ScaleSpec,
    build_scale,
    remove_scale_data,
    score_values,
)
from partners.models import Pilot, Role, RoleAssignment, Team, User
from reports.models import Report

ROOT = Path(settings.BASE_DIR)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


class Command(BaseCommand):
    help = "Measures the app's speed at a small and a large data size; prints JSON lines."

    def add_arguments(self, parser):
        parser.add_argument(
            "--small", default="1x10x1x6", help="pilots x LAs x teams/LA x quarters"
        )
        parser.add_argument(
            "--large", default="3x50x2x40", help="pilots x LAs x teams/LA x quarters"
        )
        parser.add_argument("--requests", type=int, default=60, help="dashboard requests per size")
        parser.add_argument("--workers", type=int, default=2, help="processes for the report set")
        parser.add_argument("--load-seconds", type=int, default=15, help="length of each load run")
        parser.add_argument("--load-users", type=int, default=8)
        parser.add_argument("--skip-load", action="store_true", help="skip the gunicorn load runs")

    def emit(self, figure: str, value, unit: str, size: str, **extra) -> None:
        line = {"figure": figure, "value": value, "unit": unit, "data": size, **extra}
        self.stdout.write(json.dumps(line))
        self.stdout.flush()

    def handle(self, *args, **options):
        self.options = options
        # As in production: no query log kept for every statement.
        settings.DEBUG = False
        # Report PDFs built by the benchmark go to a scratch folder, not the app's media.
        settings.MEDIA_ROOT = tempfile.mkdtemp(prefix="bench-media-")
        self.emit(
            "machine",
            platform.platform(),
            "",
            "",
            cpus=os.cpu_count(),
            python=platform.python_version(),
            database=connection.vendor,
        )
        # As in Django's own test client: keep the connection (and its query log) across requests.
        request_finished.disconnect(close_old_connections)
        with scratch_database() as database_url:
            self.database_url = database_url
            for label in ("small", "large"):
                spec = parse_size(options[label])
                remove_scale_data()
                started = time.perf_counter()
                build_scale(spec)
                size = describe(spec)
                self.emit("seed_scale", round(time.perf_counter() - started, 2), "s", size)
                pilot = Pilot.objects.filter(name__startswith="Scale pilot").order_by("pk").first()
                self.bench_dashboard(pilot, size)
            size = describe(parse_size(options["large"]))
            pilot = Pilot.objects.filter(name__startswith="Scale pilot").order_by("pk").first()
            build_customer_shaped_pilot()
            for step in self.extra_steps():
                step(pilot, size)
            if not options["skip_load"]:
                self.bench_throughput(size)

    def extra_steps(self):
        return [
            self.bench_return,
            self.bench_challenge_summary,
            self.bench_pdf,
            self.bench_report_set,
        ]

    def bench_return(self, pilot: Pilot, size: str) -> None:
        """Opening, saving (every indicator and figure) and submitting this quarter's return."""
        from fidelity.returns.services import (
            current_quarter,
            return_open,
            return_save_draft,
            return_submit,
        )

        quarter = current_quarter(pilot=pilot)
        teams = list(Team.objects.filter(organisation__pilot=pilot).order_by("pk")[:10])
        saves, submits = [], []
        for team in teams:
            leader, _ = User.objects.get_or_create(username=f"scale-lead-{team.pk}")
            RoleAssignment.objects.get_or_create(
                user=leader, role=Role.TEAM_LEADER, pilot=pilot, team=team
            )
            qa_return = return_open(team=team, quarter=quarter, user=leader)
            scores = score_values(qa_return, 3)
            started = time.perf_counter()
            qa_return = return_save_draft(
                qa_return=qa_return,
                user=leader,
                lock_version=qa_return.lock_version,
                figures=GOOD_FIGURES,
                scores=scores,
            )
            saves.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            return_submit(qa_return=qa_return, user=leader)
            submits.append((time.perf_counter() - started) * 1000)
        self.emit("return_save_draft_p50", round(statistics.median(saves), 1), "ms", size)
        self.emit("return_submit_p50", round(statistics.median(submits), 1), "ms", size)

    def bench_challenge_summary(self, pilot: Pilot, size: str) -> None:
        """The facilitator's challenge summary, as CSV and as PDF, over every session."""
        facilitator, _ = User.objects.get_or_create(username=f"scale-facilitator-{pilot.pk}")
        RoleAssignment.objects.get_or_create(user=facilitator, role=Role.FACILITATOR, pilot=pilot)
        client = Client()
        client.force_login(facilitator)
        sessions = ForumSession.objects.filter(series__pilot=pilot).count()
        for fmt, name in (("csv", "forums:summary_csv"), ("pdf", "forums:summary_pdf")):
            started = time.perf_counter()
            response = client.get(reverse(name))
            elapsed = time.perf_counter() - started
            assert response.status_code == 200, response.status_code
            self.emit(
                f"challenge_summary_{fmt}",
                round(elapsed * 1000, 1),
                "ms",
                size,
                forum_sessions=sessions,
            )

    def bench_pdf(self, pilot: Pilot, size: str) -> None:
        """The pilot report built end to end, next to WeasyPrint alone on the same HTML."""
        from fidelity.returns.services import current_quarter
        from reports.render import render_pdf
        from reports.services import report_build, report_request

        quarter = current_quarter(pilot=pilot).previous()
        with held_back():
            report = report_request(scope=pilot, quarter=quarter)
        builds, alone = [], []
        for _ in range(3):
            Report.objects.filter(pk=report.pk).update(status="queued", current_version=None)
            started = time.perf_counter()
            with self.captured_html() as html:
                report_build(report_id=report.pk)
            builds.append(time.perf_counter() - started)
            started = time.perf_counter()
            render_pdf(html[0])
            alone.append(time.perf_counter() - started)
        build, layout = statistics.median(builds), statistics.median(alone)
        self.emit("pilot_report_build", round(build, 2), "s", size)
        self.emit("weasyprint_alone_same_html", round(layout, 2), "s", size)
        self.emit(
            "pilot_report_overhead", round(build / layout - 1, 3), "ratio", size, target="<= 0.25"
        )

    @contextmanager
    def captured_html(self):
        """Keeps the HTML the report build hands to WeasyPrint, to lay it out again alone."""
        from reports import render, services

        seen: list[str] = []
        original = render.render_pdf

        def keep(html: str):
            seen.append(html)
            return original(html)

        services_original = getattr(services, "render_pdf", None)
        render.render_pdf = keep
        if services_original is not None:
            services.render_pdf = keep
        try:
            yield seen
        finally:
            render.render_pdf = original
            if services_original is not None:
                services.render_pdf = services_original

    def bench_report_set(self, pilot: Pilot, size: str) -> None:
        """The quarter's full set for a pilot shaped like the first customer's, with N processes."""
        from fidelity.returns.services import current_quarter
        from reports.services import report_set_request

        workers = self.options["workers"]
        target = Pilot.objects.get(name=SET_PILOT)
        quarter = current_quarter(pilot=target).previous()
        with held_back():
            reports = report_set_request(pilot=target, quarter=quarter)
        ids = [r.pk for r in reports]
        connections.close_all()
        started = time.perf_counter()
        with ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork")) as pool:
            list(pool.map(_build_in_process, ids))
        elapsed = time.perf_counter() - started
        ready = Report.objects.filter(pk__in=ids, status="ready").count()
        self.emit(
            "quarterly_report_set",
            round(elapsed, 1),
            "s",
            "1 pilot x 10 LAs x 4 zones x 11 partners x 8 quarters",
            reports=len(ids),
            ready=ready,
            workers=workers,
            target="<= 60 s for 26 PDFs",
        )

    def bench_dashboard(self, pilot: Pilot, size: str) -> None:
        """Server time of the manager's dashboard: rendered afresh (cache emptied before each
        request) and as served again (panels from the cache until a return changes)."""
        manager = User.objects.get(username=f"scale-manager-{pilot.name.rsplit(' ', 1)[-1]}")
        client = Client()
        client.force_login(manager)
        url = reverse("fidelity:dashboard")
        for _ in range(3):
            client.get(url)
        cache.clear()
        queries = []

        def count(execute, sql, params, many, context):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        for label, clear in (("dashboard_uncached", True), ("dashboard", False)):
            timings = []
            for _ in range(self.options["requests"]):
                if clear:
                    cache.clear()
                started = time.perf_counter()
                client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
            self.emit(f"{label}_p50", round(statistics.median(timings), 1), "ms", size)
            self.emit(
                f"{label}_p95",
                round(percentile(timings, 0.95), 1),
                "ms",
                size,
                target="<= 150 ms",
            )
        self.emit(
            "dashboard_queries", len(queries), "queries", size, target="<= 15, same at every size"
        )

    def bench_throughput(self, size: str) -> None:
        port = free_port()
        env = {**os.environ, "DATABASE_URL": self.database_url, "DEBUG": "false"}
        env.pop("CELERY_BROKER_URL", None)
        workers = str(self.options["workers"])
        server = subprocess.Popen(  # noqa: S603 (fixed arguments)
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                workers,
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        try:
            wait_for_port(port)
            manager = User.objects.get(username="scale-manager-1")
            manager.set_password("bench-password-123")
            manager.save(update_fields=["password"])
            rates = {}
            for user_class, name in (("TrivialUser", "healthz"), ("DashboardUser", "dashboard")):
                rates[name] = self.run_locust(port, user_class, name)
                self.emit(
                    f"throughput_{name}", rates[name], "requests/s", size, gunicorn_workers=workers
                )
            ratio = round(rates["dashboard"] / rates["healthz"], 3) if rates["healthz"] else None
            self.emit(
                "throughput_ratio_dashboard_vs_trivial", ratio, "ratio", size, target=">= 0.25"
            )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    def run_locust(self, port: int, user_class: str, name: str) -> float:
        workdir = Path(tempfile.mkdtemp(prefix="bench-locust-"))
        env = {
            **os.environ,
            "LOAD_MANAGER": "scale-manager-1",
            "LOAD_PASSWORD": "bench-password-123",
        }
        subprocess.run(  # noqa: S603 (fixed arguments)
            [
                shutil.which("locust") or str(Path(sys.executable).with_name("locust")),
                "-f",
                str(ROOT / "tests" / "load" / "locustfile.py"),
                user_class,
                "--headless",
                "-u",
                str(self.options["load_users"]),
                "-r",
                str(self.options["load_users"]),
                "-t",
                f"{self.options['load_seconds']}s",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(workdir / "run"),
                "--only-summary",
            ],
            cwd=ROOT,
            env=env,
            check=False,
            capture_output=True,
            timeout=self.options["load_seconds"] + 60,
        )
        with open(workdir / "run_stats.csv") as stats:
            import csv

            for row in csv.DictReader(stats):
                if row["Name"] == name:
                    failures = int(row["Failure Count"])
                    if failures:
                        self.stderr.write(f"{name}: {failures} failed requests")
                    return round(float(row["Requests/s"]), 1)
        return 0.0


SET_PILOT = "Greater Manchester Housing First (demo)"


def build_customer_shaped_pilot() -> None:
    """The first customer's shape (10 LAs, 4 zones, 11 partners) with its demo history."""
    import importlib

    from partners.demo import seed_structure

    pilot = seed_structure(password="bench-password-123").pilot  # noqa: S106
    for app_label in settings.DEMO_APPS:
        try:
            module = importlib.import_module(f"{app_label}.demo")
        except ModuleNotFoundError:
            continue
        module.seed(pilot)


@contextmanager
def held_back():
    """Requests reports without handing them to Celery, so the benchmark builds them itself."""
    from reports import services

    original = services.report_send
    services.report_send = lambda *, report_id: False
    try:
        yield
    finally:
        services.report_send = original


def _build_in_process(report_id: int) -> None:
    from reports.services import report_build

    connections.close_all()
    report_build(report_id=report_id)


def parse_size(text: str) -> ScaleSpec:
    pilots, las, teams, quarters = (int(part) for part in text.lower().split("x"))
    return ScaleSpec(pilots=pilots, las_per_pilot=las, teams_per_la=teams, quarters=quarters)


def describe(spec: ScaleSpec) -> str:
    return (
        f"{spec.pilots} pilots x {spec.las_per_pilot} LAs x {spec.teams_per_la} teams/LA x "
        f"{spec.quarters} quarters"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not start on port {port}")


@contextmanager
def scratch_database():
    """Creates and migrates a scratch database, yields its URL, and drops it afterwards."""
    db = connections["default"]
    original = settings.DATABASES["default"]["NAME"]
    if db.vendor == "sqlite":
        path = Path(tempfile.mkdtemp(prefix="bench-")) / "bench.sqlite3"
        db.settings_dict["TEST"]["NAME"] = str(path)
    db.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        yield database_url(db.settings_dict)
    finally:
        db.creation.destroy_test_db(original, verbosity=0)


def database_url(config: dict) -> str:
    if config["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{config['NAME']}"
    user = config.get("USER") or ""
    password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    host = config.get("HOST") or "127.0.0.1"
    port = f":{config['PORT']}" if config.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{config['NAME']}"
