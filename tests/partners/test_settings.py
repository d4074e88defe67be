import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _manage(*args, **env):
    # The browser tests allow async-unsafe calls in this process; a deployment never does.
    dropped = ("SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {k: v for k, v in os.environ.items() if k not in dropped}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_mode_passes_check_deploy_with_no_warnings():
    result = _manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_ENV="production",
        SECRET_KEY="x" * 20 + "a-long-random-production-key-0123456789",
        ALLOWED_HOSTS="qa.example.org",
        CACHE_URL="redis://127.0.0.1:6379/1",  # as docker-compose.yml sets it
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_mode_needs_a_secret_key():
    result = _manage("check", DJANGO_ENV="production", ALLOWED_HOSTS="qa.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_security_headers_are_sent(client, db):
    response = client.get("/accounts/login/")
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


# Two saves at once on the SQLite demo: each reads, then writes, in one transaction, as a return
# save does. Both read before either writes, the race that gave "database is locked".
_TWO_SAVES_AT_ONCE = """
import os, threading, time
from django.db import connection, connections, transaction

if os.environ.get("WITHOUT_SQLITE_OPTIONS"):
    connections.settings["default"]["OPTIONS"] = {}
with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE saves (n integer)")
start, errors = threading.Barrier(2), []

def save():
    start.wait()
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM saves")
            time.sleep(0.5)
            cursor.execute("INSERT INTO saves VALUES (1)")
    except Exception as error:
        errors.append(str(error))
    finally:
        connection.close()

threads = [threading.Thread(target=save) for _ in range(2)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connection.cursor() as cursor:
    cursor.execute("SELECT count(*) FROM saves")
    print("saved", cursor.fetchone()[0], "errors", errors)
    cursor.execute("PRAGMA journal_mode")
    print("journal", cursor.fetchone()[0])
"""


def test_the_sqlite_demo_lets_two_people_save_at_once(tmp_path):
    result = _manage(
        "shell", "-c", _TWO_SAVES_AT_ONCE, DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    )
    assert result.returncode == 0, result.stderr
    assert "saved 2 errors []" in result.stdout
    assert "journal wal" in result.stdout


def test_without_its_options_the_sqlite_demo_says_database_is_locked(tmp_path):
    """The race above is real: the same two saves fail with SQLite's defaults."""
    result = _manage(
        "shell",
        "-c",
        _TWO_SAVES_AT_ONCE,
        DATABASE_URL=f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        WITHOUT_SQLITE_OPTIONS="1",
    )
    assert result.returncode == 0, result.stderr
    assert "saved 1 errors ['database is locked']" in result.stdout
