"""`urakata worker` as a long-running process: its scheduler thread enqueues, its loop runs."""

from __future__ import annotations

import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from urakata.web.tests.processes import production_env, stop, urakata

MAKE_DUE = """
import datetime as dt
from urakata.core.scheduler import scheduled_job_save
scheduled_job_save(actor=None, name="new-year", cron="0 0 1 1 *",
                   task_path="urakata.core.tasks.audit_verify_task",
                   now=dt.datetime(2000, 1, 1, tzinfo=dt.UTC))
"""

pytestmark = pytest.mark.process


def _verify_events(database: Path) -> int:
    with sqlite3.connect(database) as db:
        row = db.execute(
            "SELECT count(*) FROM core_auditevent WHERE action = 'core.audit.verify'"
        ).fetchone()
    return int(row[0])


def test_worker_process_runs_due_jobs_and_stops_cleanly(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    subprocess.run(urakata("migrate", "-v0"), env=env, check=True, timeout=120)  # noqa: S603
    subprocess.run(urakata("shell", "-c", MAKE_DUE), env=env, check=True, timeout=60)  # noqa: S603
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(  # noqa: S603 - our own command line
        urakata("worker", "--interval", "0.2", "--scheduler-interval", "1"),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    database = tmp_path / "urakata.sqlite3"
    try:
        deadline = time.monotonic() + 60
        while _verify_events(database) == 0 and time.monotonic() < deadline:
            assert worker.poll() is None, (tmp_path / "worker.log").read_text()
            time.sleep(0.2)
        assert _verify_events(database) == 1  # enqueued once by the scheduler, run once
    finally:
        stop(worker)
        log.close()
    output = (tmp_path / "worker.log").read_text()
    assert worker.returncode == 0, output
    assert "registered periodic job core.audit_verify" in output
    assert "scheduled job new-year enqueued" in output
    with sqlite3.connect(database) as db:
        next_run = db.execute(
            "SELECT next_run_at FROM core_scheduledjob WHERE name = 'new-year'"
        ).fetchone()[0]
    assert next_run > "2026"  # moved past now to the next 1 January
