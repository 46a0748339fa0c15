"""GET /healthz for load balancers: the database answers and no migration is pending.

The body also reports orphaned, stuck and recently failed background tasks (not failed on).

No authentication, no session, no audit (see the middleware exemptions and SECURE_REDIRECT_EXEMPT
in settings). The migration check reads every migration file, so its answer is kept per process
for MIGRATION_CHECK_TTL seconds; the database is pinged on every call (one `SELECT 1`).
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from urakata.core.task_recovery import task_health

logger = logging.getLogger(__name__)

MIGRATION_CHECK_TTL = 60.0
TASK_CHECK_TTL = 10.0

_lock = threading.Lock()
_migrations: dict[str, tuple[float, str]] = {}  # alias -> (monotonic time checked, "ok"/"pending")
_tasks: dict[str, tuple[float, dict[str, int]]] = {}


def reset_cache() -> None:
    """Forget the cached migration check (tests; a deploy restarts the workers anyway)."""
    with _lock:
        _migrations.clear()
        _tasks.clear()


def _database_status(alias: str) -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.warning("healthz: the database did not answer", exc_info=True)
        return "error"
    return "ok"


def _migration_status(alias: str) -> str:
    now = time.monotonic()
    with _lock:
        cached = _migrations.get(alias)
    if cached is not None and now - cached[0] < MIGRATION_CHECK_TTL:
        return cached[1]
    try:
        executor = MigrationExecutor(connections[alias])
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        logger.warning("healthz: cannot read the migration state", exc_info=True)
        return "error"  # not cached: the next probe asks again
    status = "pending" if plan else "ok"
    with _lock:
        _migrations[alias] = (now, status)
    return status


def _task_status() -> dict[str, int] | str:
    """Orphaned / stuck / recently failed task counts, kept per process for TASK_CHECK_TTL s."""
    now = time.monotonic()
    with _lock:
        cached = _tasks.get("default")
    if cached is not None and now - cached[0] < TASK_CHECK_TTL:
        return cached[1]
    try:
        counts = task_health().as_dict()
    except DatabaseError:
        logger.warning("healthz: cannot read the task queue", exc_info=True)
        return "error"
    with _lock:
        _tasks["default"] = (now, counts)
    return counts


def health_status(alias: str = DEFAULT_DB_ALIAS) -> dict[str, Any]:
    """{"status", "database", "migrations", "tasks"}; status is "ok" when the first two are.

    Task problems are reported, not failed on: a stuck task is no reason for a load balancer
    to take this app server out of rotation (`urakata check` fails on them instead).
    """
    database = _database_status(alias)
    migrations = _migration_status(alias) if database == "ok" else "unknown"
    ok = database == "ok" and migrations == "ok"
    return {
        "status": "ok" if ok else "error",
        "database": database,
        "migrations": migrations,
        "tasks": _task_status() if database == "ok" else "unknown",
    }


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    body = health_status()
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)
