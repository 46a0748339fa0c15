"""`urakata backup` while another process posts, then `urakata restore` into a fresh installation.

Real processes on real databases: SQLite files in temporary data dirs, and (when the test run
uses PostgreSQL) scratch PostgreSQL databases on the same server, dropped afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from urakata.web.tests.processes import production_env, urakata

POSTER = """
from urakata.ledger.tests.factories import post_simple
for i in range(120):
    post_simple(amount=100 + i)
"""
COUNT = """
from urakata.ledger.models import JournalEntry
print(JournalEntry.objects.count())
"""


def _postgres_server() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url.rsplit("/", 1)[0] if url.startswith(("postgres://", "postgresql://")) else None


@pytest.fixture(params=["sqlite", "postgres"])
def installations(request: Any, tmp_path: Path) -> Iterator[tuple[dict[str, str], dict[str, str]]]:
    """Two fresh installations (source, target) on the given database kind; both migrated."""
    envs = [production_env(tmp_path / "source"), production_env(tmp_path / "target")]
    scratch: list[str] = []
    server = None
    if request.param == "postgres":
        server = _postgres_server()
        if server is None:
            pytest.skip("set DATABASE_URL=postgres://… to run on PostgreSQL")
        import psycopg

        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            for env in envs:
                name = f"urakata_backup_{uuid.uuid4().hex[:10]}"
                conn.execute(f'CREATE DATABASE "{name}"')
                scratch.append(name)
                env["DATABASE_URL"] = f"{server}/{name}"
    for env in envs:
        Path(env["URAKATA_DATA_DIR"]).mkdir(parents=True)
        subprocess.run(urakata("migrate", "-v0"), env=env, check=True, timeout=300)  # noqa: S603
    try:
        yield envs[0], envs[1]
    finally:
        if scratch:
            import psycopg

            with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
                for name in scratch:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own command line
        urakata(*args), env=env, timeout=600, capture_output=True, text=True
    )


def test_backup_under_concurrent_posting_restores_verified(
    installations: tuple[dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    source, target = installations
    media = Path(source["URAKATA_DATA_DIR"]) / "media" / "ledger"
    media.mkdir(parents=True)
    (media / "receipt.txt").write_text("領収書 1,100円")
    poster = subprocess.Popen(  # noqa: S603
        urakata("shell", "-c", POSTER), env=source, stdout=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 300
        while int(_run(source, "shell", "-c", COUNT).stdout.split()[-1]) < 5:
            assert poster.poll() is None and time.monotonic() < deadline
            time.sleep(0.5)
        backup_dir = tmp_path / "backup"
        made = _run(source, "backup", "--out", str(backup_dir))
        assert made.returncode == 0, made.stdout + made.stderr
        still_posting = poster.poll() is None
    finally:
        assert poster.wait(timeout=600) == 0
    manifest = json.loads((backup_dir / "manifest.json").read_text())
    assert (
        manifest["files"] == {"ledger/receipt.txt": manifest["files"]["ledger/receipt.txt"]}
        and len(manifest["files"]["ledger/receipt.txt"]) == 64
    )

    restored = _run(target, "restore", str(backup_dir))
    assert restored.returncode == 0, restored.stdout + restored.stderr
    assert "OK: restored; audit chain verified" in restored.stdout
    before, after = (
        line for line in restored.stdout.splitlines() if line.startswith(("before", "after"))
    )
    entries = int(_run(target, "shell", "-c", COUNT).stdout.split()[-1])
    assert 5 <= entries <= 120
    if still_posting:  # the copy is a snapshot taken mid-way, not the finished book
        assert entries < 120 or manifest["engine"] == "postgresql"
    assert f"journal lines {2 * entries}" in after
    debit = sum(100 + i for i in range(entries))
    assert f"trial balance debit {debit} credit {debit}" in after
    restored_file = Path(target["URAKATA_DATA_DIR"]) / "media" / "ledger" / "receipt.txt"
    assert restored_file.read_text() == "領収書 1,100円"
    verify = _run(target, "audit", "verify")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert before  # the target's state before the restore was printed too
