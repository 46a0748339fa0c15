"""A worker killed with SIGKILL mid-task: another worker takes the task over, it completes once.

Real processes on a fresh database: SQLite in a temporary data dir, and (when the test run uses
PostgreSQL) a scratch PostgreSQL database on the same server, dropped afterwards.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from urakata.web.tests.processes import production_env, stop, urakata

ENQUEUE = """
from urakata.web.tests.crash_probe import crash_probe_task
print(crash_probe_task.enqueue(hold_file={hold!r}).id)
"""
READ = """
import json
from django_tasks_db.models import DBTaskResult
from urakata.core.models import AuditEvent
row = DBTaskResult.objects.get(pk={task_id!r})
print(json.dumps({{
    "status": row.status, "workers": row.worker_ids, "value": row.return_value,
    "effects": AuditEvent.objects.filter(action="test.crash_probe").count(),
    "requeued": AuditEvent.objects.filter(action="core.task.requeue").count(),
}}))
"""


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://")) else None


@pytest.fixture(params=["sqlite", "postgres"])
def env(request: Any, tmp_path: Path) -> Iterator[dict[str, str]]:
    """A production environment on a fresh, migrated database of the given kind."""
    environment = production_env(tmp_path)
    environment.update(
        URAKATA_TASK_LEASE_SECONDS="3",
        URAKATA_TASK_HEARTBEAT_SECONDS="0.5",
        URAKATA_AI_PROVIDER="local",
    )
    scratch = None
    if request.param == "postgres":
        base = _postgres_url()
        if base is None:
            pytest.skip("set DATABASE_URL=postgres://… to run on PostgreSQL")
        import psycopg

        scratch = f"urakata_crash_{uuid.uuid4().hex[:10]}"
        server = base.rsplit("/", 1)[0]
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{scratch}"')
        environment["DATABASE_URL"] = f"{server}/{scratch}"
    subprocess.run(urakata("migrate", "-v0"), env=environment, check=True, timeout=300)  # noqa: S603
    try:
        yield environment
    finally:
        if scratch is not None:
            with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def _status(env: dict[str, str], task_id: str) -> str:
    """The task's status, read straight from the database (cheaper than a Django process)."""
    sql = "SELECT status FROM django_tasks_database_dbtaskresult WHERE id = "
    if "DATABASE_URL" in env:
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as conn:
            row = conn.execute(sql + "%s", (task_id,)).fetchone()
    else:
        database = Path(env["URAKATA_DATA_DIR"]) / "urakata.sqlite3"
        with sqlite3.connect(database) as conn:
            row = conn.execute(sql + "?", (task_id.replace("-", ""),)).fetchone()
    return str(row[0]) if row else ""


def _shell(env: dict[str, str], code: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own command line
        urakata("shell", "-c", code), env=env, check=True, timeout=120, capture_output=True
    )
    return done.stdout.decode().strip().splitlines()[-1]


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own command line
        urakata("worker", "--interval", "0.1", "--no-scheduler"),
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


def _wait(predicate: Any, what: str, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def test_sigkilled_worker_task_is_taken_over_and_completes_once(
    env: dict[str, str], tmp_path: Path
) -> None:
    hold = tmp_path / "hold"
    hold.write_text("hold")
    runs = Path(f"{hold}.runs")
    log = tmp_path / "worker.log"
    task_id = _shell(env, ENQUEUE.format(hold=str(hold)))

    first = _worker(env, log)
    try:
        _wait(lambda: runs.exists() and runs.read_text().strip(), "the first run to start")
        first.send_signal(signal.SIGKILL)  # mid-task: its effect is committed, no result yet
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    assert first.returncode == -signal.SIGKILL
    assert _status(env, task_id) == "RUNNING"

    # Before anyone takes over, `urakata check` names the orphan and fails.
    time.sleep(3.5)  # past the 3 s lease
    check = subprocess.run(  # noqa: S603
        urakata("check"), env=env, timeout=120, capture_output=True
    )
    assert check.returncode == 1
    assert "1 orphaned" in check.stdout.decode()

    hold.unlink()  # the re-run finishes at once
    second = _worker(env, log)
    try:
        _wait(
            lambda: _status(env, task_id) == "SUCCESSFUL",
            "the task to complete on the second worker",
        )
    finally:
        stop(second)
    state = json.loads(_shell(env, READ.format(task_id=task_id)))
    assert state["status"] == "SUCCESSFUL"
    assert len(state["workers"]) == 2  # claimed by the dead worker, then by the second
    assert len(runs.read_text().split()) == 2  # the body ran twice …
    assert state["effects"] == 1 and state["value"] == 1  # … its committed effect happened once
    assert state["requeued"] == 1
    verify = subprocess.run(  # noqa: S603
        urakata("audit", "verify"), env=env, timeout=120, capture_output=True
    )
    assert verify.returncode == 0, verify.stdout.decode() + verify.stderr.decode()
