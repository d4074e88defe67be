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
