"""The benchmark's tools: a load generator (wrk) driven with a session cookie, gunicorn's CPU time,
the machine it ran on, scratch databases and sizes. Used by `manage.py bench`."""

from __future__ import annotations

import http.client
import os
import platform
import resource
import socket
import subprocess
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from contextlib import contextmanager
from multiprocessing import get_context
from pathlib import Path

from django.conf import settings
from django.db import connections

from ops.synthetic import (
    ScaleSpec,
)

# Targets from the issue: a dashboard from the cache costs at most 4 ms of server CPU, and serves
# at least half as many requests a second as a minimal signed-in page.
CACHED_CPU_MS = 4.0
THROUGHPUT_RATIO = 0.5

# wrk counts a 3xx as a success; this script counts anything but 200 (a redirect to the sign-in
# page, say) as a failure, and prints the counts and latencies as one line.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) ok = 0; bad = 0 end
function response(status, headers, body)
  if status == 200 then ok = ok + 1 else bad = bad + 1 end
end
function done(summary, latency, requests)
  local ok, bad = 0, 0
  for _, t in ipairs(threads) do ok = ok + t:get("ok"); bad = bad + t:get("bad") end
  local e = summary.errors
  io.write(string.format(
    "BENCH ok=%d bad=%d socket_errors=%d duration_us=%d p50_us=%d p95_us=%d\\n",
    ok, bad, e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(95)))
end
"""


def run_wrk(wrk: str, port: int, path: str, cookie: str, seconds: int, conns: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    completed = subprocess.run(  # noqa: S603 (fixed arguments)
        [
            wrk,
            "--threads",
            "1",
            "--connections",
            str(conns),
            "--duration",
            f"{seconds}s",
            "--timeout",
            "10s",
            "--header",
            f"Cookie: {cookie}",
            "--script",
            script.name,
            f"http://127.0.0.1:{port}{path}",
        ],
        check=False,
        capture_output=True,
        text=True,
        timeout=seconds + 60,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    os.unlink(script.name)
    line = next((x for x in completed.stdout.splitlines() if x.startswith("BENCH ")), None)
    if line is None:
        # wrk stops at once when it cannot connect at all: every request failed.
        return {"ok": 0, "total": 0, "error": (completed.stderr or completed.stdout).strip()}
    values = {k: int(v) for k, v in (part.split("=") for part in line.split()[1:])}
    return {
        "ok": values["ok"],
        "total": values["ok"] + values["bad"] + values["socket_errors"],
        "seconds": values["duration_us"] / 1e6,
        "p50_ms": round(values["p50_us"] / 1000, 1),
        "p95_ms": round(values["p95_us"] / 1000, 1),
        "wrk_cpu_s": round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2),
    }


def fetch_once(port: int, path: str, cookie: str) -> tuple[int, int]:
    """One request with the session cookie, redirects not followed: (status, body length)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        return response.status, len(response.read())
    finally:
        conn.close()


def gunicorn_cpu_seconds(master: int) -> float:
    """User and system CPU of gunicorn's master and its workers, from /proc."""
    pids = [master]
    children = Path(f"/proc/{master}/task/{master}/children")
    if children.exists():
        pids += [int(pid) for pid in children.read_text().split()]
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def memory_gb() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


SET_PILOT = "Greater Manchester Housing First (demo)"


def build_customer_shaped_pilot() -> None:
    """The first customer's shape (10 LAs, 4 zones, 11 partners) with its demo history."""
    from partners.demo import seed_pilot

    seed_pilot(password="bench-password-123")  # noqa: S106


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


def request_cost(send: Callable[[], int]) -> tuple[float, float, int]:
    """Seconds, peak memory beyond what the process already held (MB) and status code of the
    request `send()` makes, each run in a forked child of its own. The memory is the larger of
    two measures: the child's peak resident size over what it inherited (C libraries such as lxml
    and zlib included, but blind to heap pages the parent had freed and the child reuses) and
    tracemalloc's peak of Python allocations (which slows the request, hence a separate run)."""
    seconds, resident, status = _in_child(send, traced=False)
    _, traced, _ = _in_child(send, traced=True)
    return seconds, max(resident, traced), status


def _in_child(send: Callable[[], int], *, traced: bool) -> tuple[float, float, int]:
    connections.close_all()  # the child opens its own; a shared socket would break both
    context = get_context("fork")
    receive, reply = context.Pipe(duplex=False)

    def measure() -> None:
        before = _resident_mb()
        if traced:
            tracemalloc.start()
        started = time.perf_counter()
        status = send()
        elapsed = time.perf_counter() - started
        if traced:
            reply.send((elapsed, tracemalloc.get_traced_memory()[1] / (1024 * 1024), status))
            return
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        reply.send((elapsed, peak - before, status))

    child = context.Process(target=measure)
    child.start()
    result = receive.recv()
    child.join()
    return result


def _resident_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


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
