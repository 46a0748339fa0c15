"""Tasks that survive a crash: worker leases (heartbeats), take-over of orphaned tasks, effects.

django-tasks-db marks a claimed task RUNNING and records the worker id; if that worker dies
(SIGKILL, power loss, OOM) the row stays RUNNING forever. Every `urakata worker` therefore keeps a
`WorkerHeartbeat` row fresh. `tasks_recover()` (run by every worker every few seconds) puts a
RUNNING task whose worker has not been seen for `URAKATA_TASK_LEASE_SECONDS` back to READY, so
another worker runs it again; after `URAKATA_TASK_MAX_ATTEMPTS` claims it is marked FAILED instead.

A re-run must never repeat a committed side effect: a task wraps each one in `task_effect_once()`
inside the transaction that writes it. The key row commits with the effect, so a re-run finds it
and skips; a crash before the commit rolls both back and the re-run does the work.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from urakata.core.audit import audit_record
from urakata.core.models import TaskEffect, WorkerHeartbeat

logger = logging.getLogger(__name__)

WORKER_LOST = "urakata.core.task_recovery.WorkerLost"


class WorkerLost(Exception):
    """The worker running this task died, and the task ran out of attempts."""


def worker_heartbeat(*, worker_id: str, now: dt.datetime | None = None) -> None:
    """Renew (or take) this worker's lease."""
    now = now or timezone.now()
    updated = WorkerHeartbeat.objects.filter(worker_id=worker_id).update(seen_at=now)
    if not updated:
        WorkerHeartbeat.objects.update_or_create(
            worker_id=worker_id,
            defaults={
                "host": socket.gethostname()[:200],
                "pid": os.getpid(),
                "started_at": now,
                "seen_at": now,
            },
        )


def worker_heartbeat_end(*, worker_id: str) -> None:
    """A worker that stops cleanly gives up its lease."""
    WorkerHeartbeat.objects.filter(worker_id=worker_id).delete()


def _live_worker_ids(now: dt.datetime) -> set[str]:
    cutoff = now - dt.timedelta(seconds=settings.URAKATA_TASK_LEASE_SECONDS)
    return set(
        WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True)
    )


def orphaned_tasks(*, now: dt.datetime | None = None) -> list[DBTaskResult]:
    """RUNNING tasks whose (last) worker holds no live lease."""
    now = now or timezone.now()
    live = _live_worker_ids(now)
    lease = dt.timedelta(seconds=settings.URAKATA_TASK_LEASE_SECONDS)
    orphans = []
    for result in DBTaskResult.objects.running().order_by("pk"):
        worker = result.worker_ids[-1] if result.worker_ids else ""
        # A task claimed just now may run on a worker whose first heartbeat is still on its way.
        if worker not in live and (result.started_at is None or result.started_at < now - lease):
            orphans.append(result)
    return orphans


@dataclass
class RecoverResult:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def tasks_recover(*, now: dt.datetime | None = None) -> RecoverResult:
    """Take over the tasks of dead workers: back to READY, or FAILED after too many attempts."""
    now = now or timezone.now()
    result = RecoverResult()
    for orphan in orphaned_tasks(now=now):
        attempts = len(orphan.worker_ids)
        give_up = attempts >= settings.URAKATA_TASK_MAX_ATTEMPTS
        with transaction.atomic():
            # Conditional update: if the worker finished it meanwhile, or another worker took
            # it over first, nothing changes (count 0).
            queryset = DBTaskResult.objects.filter(
                pk=orphan.pk, status=TaskResultStatus.RUNNING, worker_ids=orphan.worker_ids
            )
            if give_up:
                changed = queryset.update(
                    status=TaskResultStatus.FAILED,
                    finished_at=now,
                    exception_class_path=WORKER_LOST,
                    traceback=(
                        f"{WORKER_LOST}: worker {orphan.worker_ids[-1]} stopped answering; "
                        f"gave up after {attempts} attempts"
                    ),
                )
            else:
                changed = queryset.update(status=TaskResultStatus.READY, started_at=None)
            if not changed:
                continue
            audit_record(
                actor=None,
                actor_label="worker",
                action="core.task.fail" if give_up else "core.task.requeue",
                changes={
                    "task": str(orphan.pk),
                    "task_path": orphan.task_path,
                    "worker": orphan.worker_ids[-1] if orphan.worker_ids else "",
                    "attempts": attempts,
                },
            )
        (result.failed if give_up else result.requeued).append(str(orphan.pk))
        logger.warning(
            "task %s (%s) of a dead worker %s",
            orphan.pk,
            orphan.task_path,
            f"failed after {attempts} attempts" if give_up else "requeued",
        )
    return result


def task_effect_once(key: str) -> bool:
    """Claim a side effect inside the caller's transaction; False when it already happened.

    `with transaction.atomic(): if task_effect_once(f"{task_id}:post"): post(...)`
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("task_effect_once() must run inside the effect's transaction")
    try:
        with transaction.atomic():
            TaskEffect.objects.create(key=key[:200])
    except IntegrityError:
        return False
    return True


@dataclass
class TaskHealth:
    orphaned: int
    stuck: int
    failed_recently: int
    workers: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "orphaned": self.orphaned,
            "stuck": self.stuck,
            "failed_24h": self.failed_recently,
            "workers": self.workers,
        }


def task_health(*, now: dt.datetime | None = None) -> TaskHealth:
    """Counts for `urakata check` and `/healthz`: orphaned, stuck (too long), failed in 24 h."""
    now = now or timezone.now()
    stuck_cutoff = now - dt.timedelta(minutes=settings.URAKATA_TASK_STUCK_MINUTES)
    return TaskHealth(
        orphaned=len(orphaned_tasks(now=now)),
        stuck=DBTaskResult.objects.running().filter(started_at__lt=stuck_cutoff).count(),
        failed_recently=DBTaskResult.objects.failed()
        .filter(finished_at__gte=now - dt.timedelta(hours=24))
        .count(),
        workers=len(_live_worker_ids(now)),
    )
