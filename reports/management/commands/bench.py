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
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.signals import request_finished
from django.db import close_old_connections, connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.models import Pilot, User
from reports.scale import ScaleSpec, build_scale, remove_scale_data

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
            for step in self.extra_steps():
                step(pilot, size)
            if not options["skip_load"]:
                self.bench_throughput(size)

    def extra_steps(self):
        return []

    def bench_dashboard(self, pilot: Pilot, size: str) -> None:
        manager = User.objects.get(username=f"scale-manager-{pilot.name.rsplit(' ', 1)[-1]}")
        client = Client()
        client.force_login(manager)
        url = reverse("fidelity:dashboard")
        for _ in range(3):
            client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, response.status_code
        timings = []
        for _ in range(self.options["requests"]):
            started = time.perf_counter()
            client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
        self.emit("dashboard_p50", round(statistics.median(timings), 1), "ms", size)
        self.emit(
            "dashboard_p95", round(percentile(timings, 0.95), 1), "ms", size, target="<= 150 ms"
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
