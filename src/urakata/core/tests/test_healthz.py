"""GET /healthz: database and migrations, no auth, no session, no audit, plain HTTP allowed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client
from django.test.utils import CaptureQueriesContext

from urakata.core import health
from urakata.core.models import AuditEvent
from urakata.core.roles import Role

NO_TASK_TROUBLE = {"orphaned": 0, "stuck": 0, "failed_24h": 0, "workers": 0}
OK = {"status": "ok", "database": "ok", "migrations": "ok", "tasks": NO_TASK_TROUBLE}


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    health.reset_cache()
    yield
    health.reset_cache()


@pytest.mark.django_db
def test_healthy_without_auth_session_or_audit(client: Client) -> None:
    before = AuditEvent.objects.count()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == OK
    assert response["Content-Type"] == "application/json"
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies  # no session, no CSRF cookie
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_migration_check_is_cached_so_later_probes_only_ping(client: Client) -> None:
    with CaptureQueriesContext(connection) as first:
        assert client.get("/healthz").status_code == 200
    with CaptureQueriesContext(connection) as second:
        assert client.get("/healthz").status_code == 200
    assert len(second) == 1  # SELECT 1 (the task counts are cached too)
    assert len(first) > len(second)  # the first one also read django_migrations


@pytest.mark.django_db
def test_pending_migration_is_503(client: Client) -> None:
    recorder = MigrationRecorder(connection)
    latest = recorder.migration_qs.filter(app="org").order_by("-name").first()
    assert latest is not None
    latest.delete()  # as if the newest org migration had not been applied yet
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "ok",
        "migrations": "pending",
        "tasks": NO_TASK_TROUBLE,
    }


@pytest.mark.django_db
def test_pending_answer_is_kept_for_the_cache_period(client: Client, monkeypatch: Any) -> None:
    clock = [1000.0]
    monkeypatch.setattr(health.time, "monotonic", lambda: clock[0])
    latest = MigrationRecorder(connection).migration_qs.filter(app="org").order_by("-name").first()
    assert latest is not None
    latest.delete()
    assert client.get("/healthz").status_code == 503
    latest.save()  # `urakata migrate` ran meanwhile
    clock[0] += health.MIGRATION_CHECK_TTL - 1
    assert client.get("/healthz").status_code == 503
    clock[0] += 2
    assert client.get("/healthz").json() == OK


@pytest.mark.django_db
def test_database_down_is_503(client: Client, monkeypatch: Any) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", refuse)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {
        "status": "error",
        "database": "error",
        "migrations": "unknown",
        "tasks": "unknown",
    }


@pytest.mark.django_db
def test_plain_http_is_not_redirected_to_https(settings: Any) -> None:
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301  # the rest of the site still is


def test_post_is_refused(client: Client) -> None:
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_signed_in_user_owing_two_factor_still_gets_health(settings: Any, client_for: Any) -> None:
    settings.URAKATA_2FA_REQUIRED_ROLES = ["admin"]
    client = client_for(Role.ADMIN)
    assert client.get("/").status_code == 302  # sent to the two-factor page
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == OK
