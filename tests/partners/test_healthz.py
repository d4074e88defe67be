import json

from django.db import connection
from django.urls import reverse


def test_healthz_says_ok_with_eager_tasks(client, db, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok", "database": "ok", "broker": "eager"}


def test_healthz_says_503_when_the_configured_broker_is_down(client, db, settings):
    # Nothing listens on this port: the same as a stopped Redis.
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:6390/0"
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert json.loads(response.content)["broker"] == "down"


def test_healthz_says_503_when_the_database_is_down(client, db, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise connection.Database.OperationalError("database is down")

    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", broken_cursor)
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert json.loads(response.content)["database"] == "down"
