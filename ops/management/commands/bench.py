"""The benchmark: builds synthetic pilots in a scratch database and prints one JSON line a figure.

Each line names the figure, its value and unit, the data size it was measured at, and the target
where the product has one, with whether it is met; a summary of the targets closes the output.
Uses PostgreSQL when DATABASE_URL points at one (a scratch database named test_<name> is created
and dropped), else a scratch SQLite file. The load runs drive gunicorn with Debian's wrk and a
session cookie; a run in which any request failed prints "FAILED: n of m requests failed" and no
rate. The machine's load average is printed at the start and the end: the figures are only as
good as the machine was quiet.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import shutil
import signal
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
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.core.signals import request_finished
from django.db import close_old_connections, connection, connections
from django.test import Client
from django.urls import reverse

from common.startup import settle
from forums.models import ForumSession
from ops import hostile_workbooks
from ops.benchtools import (
    CACHED_CPU_MS,
    SET_PILOT,
    THROUGHPUT_RATIO,
    _build_in_process,
    build_customer_shaped_pilot,
    cpu_model,
    describe,
    fetch_once,
    free_port,
    gunicorn_cpu_seconds,
    held_back,
    memory_gb,
    parse_size,
    request_cost,
    run_wrk,
    scratch_database,
    wait_for_port,
)
from ops.synthetic import (
    GOOD_FIGURES,
    build_scale,
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
        parser.add_argument(
            "--pilot150",
            default="1x150x2x40",
            help="pilots x LAs x teams/LA x quarters for the 150-LA pilot ('' to skip)",
        )
        parser.add_argument("--requests", type=int, default=60, help="dashboard requests per size")
        parser.add_argument(
            "--workers", type=int, default=2, help="processes for the report set and gunicorn"
        )
        parser.add_argument("--load-seconds", type=int, default=15, help="length of each load run")
        parser.add_argument(
            "--load-connections", type=int, default=4, help="wrk connections (one wrk thread)"
        )
        parser.add_argument("--skip-load", action="store_true", help="skip the gunicorn load runs")
        parser.add_argument(
            "--skip-extra",
            action="store_true",
            help="skip the return, challenge summary, PDF and report-set figures",
        )

    def emit(self, figure: str, value, unit: str, size: str, **extra) -> None:
        line = {"figure": figure, "value": value, "unit": unit, "data": size, **extra}
        self.stdout.write(json.dumps(line))
        self.stdout.flush()

    def emit_target(self, figure: str, value: float, unit: str, size: str, limit: float, kind: str):
        """A figure with a target: prints the target beside it and whether it is met."""
        met = value <= limit if kind == "<=" else value >= limit
        self.emit(figure, value, unit, size, target=f"{kind} {limit:g} {unit}", met=met)
        self.targets.append((figure, size, f"{value:g} {unit}", f"{kind} {limit:g} {unit}", met))

    def emit_failed(self, figure: str, failed: int, total: int, size: str, **extra) -> None:
        """A run with failed requests gives no figure: only how many failed."""
        message = f"FAILED: {failed} of {total} requests failed"
        self.emit(figure, message, "", size, **extra)
        self.targets.append((figure, size, message, "", False))

    def emit_load_average(self, when: str) -> None:
        one, five, fifteen = os.getloadavg()
        self.emit(
            f"load_average_{when}",
            [round(one, 2), round(five, 2), round(fifteen, 2)],
            "1/5/15 min",
            "",
            cpus=os.cpu_count(),
        )

    def handle(self, *args, **options):
        self.options = options
        self.targets: list[tuple] = []
        # The test client's sign-ins are logged by django-axes at INFO; keep the output to figures.
        logging.getLogger("axes").setLevel(logging.WARNING)
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
            cpu_model=cpu_model(),
            memory_gb=memory_gb(),
            python=platform.python_version(),
            database=connection.vendor,
            cache=settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1],
        )
        self.emit_load_average("start")
        # As in Django's own test client: keep the connection (and its query log) across requests.
        request_finished.disconnect(close_old_connections)
        # Each size has a scratch database of its own: removing a large synthetic pilot through
        # the ORM (a history row for every deleted score) takes minutes. The large size comes
        # last and its database stays for the other figures and the load runs.
        sizes = [("small", None), ("pilot150", 150.0), ("large", 100.0)]
        sizes = [(label, limit) for label, limit in sizes if options[label]]
        for label, fresh_limit in sizes:
            with scratch_database() as database_url:
                self.database_url = database_url
                spec = parse_size(options[label])
                # A shared cache (CACHE_URL) may hold pages of an earlier database's pilot.
                cache.clear()
                started = time.perf_counter()
                build_scale(spec)
                size = describe(spec)
                self.emit("seed_scale", round(time.perf_counter() - started, 2), "s", size)
                pilot = Pilot.objects.filter(name__startswith="Scale pilot").order_by("pk").first()
                self.bench_dashboard(pilot, size, fresh_limit)
                if label != "large":
                    continue
                if not options["skip_extra"]:
                    build_customer_shaped_pilot()
                    for step in self.extra_steps():
                        step(pilot, size)
                if not options["skip_load"]:
                    self.bench_throughput(pilot, size)
        self.emit_load_average("end")
        self.stdout.write("")
        self.stdout.write("Targets:")
        for figure, size, value, target, met in self.targets:
            verdict = "met" if met else "NOT MET"
            beside = f", target {target}: {verdict}" if target else f": {verdict}"
            self.stdout.write(f"  {figure} ({size}): {value}{beside}")

    def extra_steps(self):
        return [
            self.bench_return,
            self.bench_challenge_summary,
            self.bench_pdf,
            self.bench_report_set,
            self.bench_uploads,
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

    def bench_uploads(self, pilot: Pilot, size: str) -> None:
        """A team leader's upload of a good template and of the two largest hostile files (the
        issue's 2.4 million blank cells, and 150,000 cells that pack too poorly to be refused
        unread), through the view: time and peak memory beyond what the process held."""
        from fidelity.returns.services import current_quarter
        from fidelity.spreadsheets.services import return_template

        team = Team.objects.filter(organisation__pilot=pilot).order_by("pk").first()
        leader, _ = User.objects.get_or_create(username=f"scale-upload-lead-{team.pk}")
        RoleAssignment.objects.get_or_create(
            user=leader, role=Role.TEAM_LEADER, pilot=pilot, team=team
        )
        quarter = current_quarter(pilot=pilot)
        good = return_template(team=team, quarter=quarter)
        client = Client()
        client.force_login(leader)
        url = reverse("fidelity:spreadsheet_upload", args=[team.pk, quarter.slug])

        def upload(data: bytes):
            def send() -> int:
                file = SimpleUploadedFile("return.xlsx", data)
                return client.post(url, {"file": file}).status_code

            return send

        upload(good)()  # first-use imports and caches are not an upload's cost
        files = {
            "good_template": good,
            "hostile_blank_cells": hostile_workbooks.blank_cells(good),
            "hostile_scanned_cells": hostile_workbooks.random_blank_cells(good, cells=150_000),
        }
        for name, data in files.items():
            seconds, extra_mb, status = request_cost(upload(data))
            assert status in (200, 302), status
            self.emit_target(f"upload_{name}", round(seconds, 3), "s", size, 2, "<=")
            self.emit_target(f"upload_{name}_memory", round(extra_mb, 1), "MB", size, 50, "<=")
            self.emit(f"upload_{name}_file", round(len(data) / 1024), "KB", size)

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
        """The pilot report built end to end, next to writing the PDF alone from the same HTML
        (WeasyPrint and common.pdfua, as reports.render.render_pdf does)."""
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

    def bench_dashboard(self, pilot: Pilot, size: str, fresh_limit: float | None) -> None:
        """The manager's dashboard in this process: rendered afresh (cache emptied before each
        request) and as served again (panels from the cache until a return changes), as wall time
        and as this process's CPU time (the test client's own work included)."""
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
        if response.status_code != 200:
            self.emit_failed("dashboard", 1, 1, size, status=response.status_code)
            return
        self.emit(
            "dashboard_queries", len(queries), "queries", size, target="<= 15, same at every size"
        )
        self.emit("dashboard_page_size", len(response.content) // 1024, "KB", size)
        # As a gunicorn worker is once started (config/wsgi.py), so that the timed requests meet
        # the garbage collector as the server's do.
        settle()
        for label, clear in (("dashboard_fresh", True), ("dashboard_cached", False)):
            walls, cpus, failed = [], [], 0
            for _ in range(self.options["requests"]):
                if clear:
                    cache.clear()
                started, cpu_started = time.perf_counter(), time.process_time()
                response = client.get(url)
                cpus.append((time.process_time() - cpu_started) * 1000)
                walls.append((time.perf_counter() - started) * 1000)
                failed += response.status_code != 200
            if failed:
                self.emit_failed(label, failed, len(walls), size)
                continue
            p95 = round(percentile(walls, 0.95), 1)
            self.emit(f"{label}_p50", round(statistics.median(walls), 1), "ms", size)
            if clear and fresh_limit is not None:
                self.emit_target(f"{label}_p95", p95, "ms", size, fresh_limit, "<=")
            else:
                self.emit(f"{label}_p95", p95, "ms", size)
            self.emit(f"{label}_cpu_p50", round(statistics.median(cpus), 2), "ms", size)
            cpu_p95 = round(percentile(cpus, 0.95), 2)
            if not clear and fresh_limit is not None:
                self.emit_target(f"{label}_cpu_p95", cpu_p95, "ms", size, CACHED_CPU_MS, "<=")
            else:
                self.emit(f"{label}_cpu_p95", cpu_p95, "ms", size)

    def bench_throughput(self, pilot: Pilot, size: str) -> None:
        """Requests per second under gunicorn, driven by wrk (one C thread, far lighter than the
        server): the cached dashboard against a minimal signed-in page, each with the same
        session cookie. A run with any failed request (a status other than 200, a socket error)
        prints how many failed and no rate."""
        wrk = shutil.which("wrk")
        if wrk is None:
            self.emit(
                "throughput", "skipped: wrk is not installed (make bench installs it)", "", size
            )
            return
        manager = User.objects.get(username=f"scale-manager-{pilot.name.rsplit(' ', 1)[-1]}")
        client = Client()
        client.force_login(manager)
        cookie = (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"
        )
        # The session row must be visible to gunicorn's own connections.
        connections.close_all()
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
        pages = [
            ("minimal", reverse("password_change_done")),
            ("home", reverse("home")),
            ("dashboard", reverse("fidelity:dashboard")),
        ]
        try:
            wait_for_port(port)
            rates: dict[str, float | None] = {}
            for name, path in pages:
                status, length = fetch_once(port, path, cookie)
                if status != 200:
                    self.emit_failed(f"throughput_{name}", 1, 1, size, path=path, status=status)
                    rates[name] = None
                    continue
                # Warm every worker (its connection, and its cache for the dashboard).
                run_wrk(wrk, port, path, cookie, 2, self.options["load_connections"])
                cpu_before = gunicorn_cpu_seconds(server.pid)
                result = run_wrk(
                    wrk,
                    port,
                    path,
                    cookie,
                    self.options["load_seconds"],
                    self.options["load_connections"],
                )
                server_cpu = gunicorn_cpu_seconds(server.pid) - cpu_before
                extra = {
                    "path": path,
                    "page_bytes": length,
                    "gunicorn_workers": int(workers),
                    "wrk_connections": self.options["load_connections"],
                    "seconds": self.options["load_seconds"],
                }
                if "error" in result:
                    self.emit(f"throughput_{name}", f"FAILED: {result['error']}", "", size)
                    self.targets.append((f"throughput_{name}", size, "FAILED", "", False))
                    rates[name] = None
                    continue
                failed = result["total"] - result["ok"]
                if failed or not result["ok"]:
                    self.emit_failed(f"throughput_{name}", failed, result["total"], size, **extra)
                    rates[name] = None
                    continue
                rates[name] = round(result["ok"] / result["seconds"], 1)
                self.emit(
                    f"throughput_{name}",
                    rates[name],
                    "requests/s",
                    size,
                    requests=result["ok"],
                    latency_p50_ms=result["p50_ms"],
                    latency_p95_ms=result["p95_ms"],
                    server_cpu_s=round(server_cpu, 2),
                    wrk_cpu_s=result["wrk_cpu_s"],
                    **extra,
                )
                per_request = round(server_cpu / result["ok"] * 1000, 2)
                if name == "dashboard":
                    self.emit_target(
                        "dashboard_cached_gunicorn_cpu_per_request",
                        per_request,
                        "ms",
                        size,
                        CACHED_CPU_MS,
                        "<=",
                    )
                else:
                    self.emit(f"{name}_gunicorn_cpu_per_request", per_request, "ms", size)
            if rates.get("dashboard") and rates.get("minimal"):
                ratio = round(rates["dashboard"] / rates["minimal"], 3)
                self.emit_target(
                    "throughput_ratio_dashboard_vs_minimal_signed_in",
                    ratio,
                    "ratio",
                    size,
                    THROUGHPUT_RATIO,
                    ">=",
                )
            if rates.get("dashboard") and rates.get("home"):
                self.emit(
                    "throughput_ratio_dashboard_vs_home",
                    round(rates["dashboard"] / rates["home"], 3),
                    "ratio",
                    size,
                )
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
