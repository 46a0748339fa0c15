"""GET /healthz for load balancers: the database answers and no migration is pending.

No authentication, no session, no audit (see the middleware exemptions and SECURE_REDIRECT_EXEMPT
in settings). The migration check reads every migration file, so its answer is kept per process
for MIGRATION_CHECK_TTL seconds; the database is pinged on every call (one `SELECT 1`).
"""

from __future__ import annotations

import logging
import threading
import time

from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)

MIGRATION_CHECK_TTL = 60.0

_lock = threading.Lock()
_migrations: dict[str, tuple[float, str]] = {}  # alias -> (monotonic time checked, "ok"/"pending")


def reset_cache() -> None:
    """Forget the cached migration check (tests; a deploy restarts the workers anyway)."""
    with _lock:
        _migrations.clear()


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


def health_status(alias: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """{"status", "database", "migrations"}; status is "ok" only when both parts are."""
    database = _database_status(alias)
    migrations = _migration_status(alias) if database == "ok" else "unknown"
    ok = database == "ok" and migrations == "ok"
    return {"status": "ok" if ok else "error", "database": database, "migrations": migrations}


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    body = health_status()
    return JsonResponse(body, status=200 if body["status"] == "ok" else 503)
