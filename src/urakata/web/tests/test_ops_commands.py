"""`urakata check` and `urakata demo`: in process, and for real on an empty data directory."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from urakata.core.audit import audit_verify
from urakata.core.roles import Role
from urakata.core.tasks import audit_verify_task
from urakata.org.demo import DEMO_PASSWORD
from urakata.org.models import Counterparty, Department, Employee
from urakata.web.demo import DEMO_LOGINS
from urakata.web.tests.processes import production_env, urakata


@pytest.fixture(autouse=True)
def _database_task_backend(settings: Any) -> None:
    """These tests look at the database queue, whatever backend the test settings default to."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }


def _check(**options: Any) -> tuple[str, int]:
    out = StringIO()
    try:
        call_command("urakata_check", stdout=out, stderr=StringIO(), **options)
    except SystemExit as stop:
        return out.getvalue(), int(stop.code or 0)
    return out.getvalue(), 0


@pytest.mark.django_db
def test_check_reports_what_is_configured() -> None:
    text, code = _check()
    assert code == 0
    assert "OK  database: sqlite3" in text or "OK  database: postgresql" in text
    assert "OK  migrations: up to date" in text
    assert "OK  AI provider: local" in text
    assert "e-mail: " in text
    assert "System check identified no issues" in text
    assert "OK  background tasks: no task waiting long" in text
    assert "periodic jobs: none registered" in text


@pytest.mark.django_db
def test_check_fails_for_an_unusable_ai_provider(settings: Any) -> None:
    settings.URAKATA_AI_PROVIDER = "openai"
    settings.OPENAI_BASE_URL = ""
    text, code = _check()
    assert code == 1
    assert "NG  AI provider: openai selected but OPENAI_BASE_URL is not set" in text


@pytest.mark.django_db
def test_check_warns_when_tasks_wait_for_a_worker() -> None:
    result = audit_verify_task.enqueue()
    DBTaskResult.objects.filter(pk=result.id).update(
        enqueued_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    text, code = _check()
    assert code == 0  # a warning, not a failure
    assert "1 waiting for more than 5 minutes — is `urakata worker` running?" in text


@pytest.mark.django_db
def test_demo_seeds_the_company_with_a_login_per_role() -> None:
    out = StringIO()
    call_command("demo", "--no-serve", stdout=out)
    assert "デモ会社を作成しました" in out.getvalue()
    assert Employee.objects.count() == 60
    assert Department.objects.count() >= 6
    assert Counterparty.objects.count() == 30
    for username, _label in DEMO_LOGINS:
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username
    for role in Role:
        holders = User.objects.filter(groups__name=role.value, is_active=True)
        assert holders.exists(), f"no demo login holds the role {role.value}"
    verify = StringIO()
    call_command("audit", "verify", stdout=verify)
    assert verify.getvalue().startswith("OK:")
    assert audit_verify().verified > 100

    # Running it again keeps the data and says how to rebuild it.
    again = StringIO()
    call_command("demo", "--no-serve", stdout=again)
    assert "--reset" in again.getvalue()
    assert Employee.objects.count() == 60


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command line
        urakata(*args), env=env, capture_output=True, text=True, timeout=300, check=False
    )


@pytest.mark.process
def test_check_demo_and_reset_on_an_empty_data_dir(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    before = _run(env, "check")
    assert before.returncode == 1
    assert "pending — run `urakata migrate`" in before.stdout

    first = _run(env, "demo", "--no-serve")
    assert first.returncode == 0, first.stderr
    assert "admin" in first.stdout and DEMO_PASSWORD in first.stdout
    database = tmp_path / "urakata.sqlite3"
    with sqlite3.connect(database) as db:
        db.execute("UPDATE org_employee SET last_name = '改変' WHERE code = 'E0001'")
    assert _run(env, "check").returncode == 0

    rebuilt = _run(env, "demo", "--no-serve", "--reset")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "デモ会社を作成しました" in rebuilt.stdout
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT count(*) FROM org_employee").fetchone() == (60,)
        assert db.execute(
            "SELECT count(*) FROM org_employee WHERE last_name = '改変'"
        ).fetchone() == (0,)
    verify = _run(env, "audit", "verify")
    assert verify.returncode == 0 and verify.stdout.startswith("OK:"), verify.stdout + verify.stderr
