"""`urakata worker`: run background tasks from the database queue and the periodic-job scheduler.

Start one or more on any machine that reaches the database. Workers claim tasks with
`SELECT … FOR UPDATE SKIP LOCKED` (django-tasks-db) and due periodic jobs the same way
(urakata.core.scheduler), so many workers never run one task or one job slot twice.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.crypto import get_random_string

from urakata.core.scheduler import scheduled_jobs_ensure_defaults, scheduler_tick
from urakata.core.task_recovery import tasks_recover, worker_heartbeat, worker_heartbeat_end

logger = logging.getLogger("urakata.worker")


def _recover() -> None:
    result = tasks_recover()
    for task_id in result.requeued:
        logger.warning("task %s of a dead worker put back in the queue", task_id)
    for task_id in result.failed:
        logger.error("task %s failed: its workers died too often", task_id)


class LeaseThread(threading.Thread):
    """Keeps this worker's lease fresh and takes over the tasks of workers that died."""

    def __init__(self, *, worker_id: str, every: float) -> None:
        super().__init__(name="urakata-lease", daemon=True)
        self.worker_id = worker_id
        self.every = every
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.wait(self.every):
                close_old_connections()
                try:
                    worker_heartbeat(worker_id=self.worker_id)
                    _recover()
                except Exception:
                    logger.exception("heartbeat failed; retrying")
        finally:
            connection.close()


class SchedulerThread(threading.Thread):
    """Ticks the scheduler until stopped: at each due time, and at least every `max_sleep` s."""

    def __init__(self, *, max_sleep: float) -> None:
        super().__init__(name="urakata-scheduler", daemon=True)
        self.max_sleep = max_sleep
        self.stopped = threading.Event()

    def run(self) -> None:
        try:
            while not self.stopped.is_set():
                close_old_connections()
                wait = self.max_sleep
                try:
                    result = scheduler_tick(now=timezone.now())
                    for name in result.enqueued:
                        logger.info("scheduled job %s enqueued", name)
                    if result.next_due is not None:
                        until = (result.next_due - timezone.now()).total_seconds()
                        wait = min(self.max_sleep, max(until, 0.5))
                except Exception:
                    # The database may be briefly unreachable (failover); keep ticking.
                    logger.exception("scheduler tick failed; retrying")
                self.stopped.wait(wait)
        finally:
            connection.close()


class Command(BaseCommand):
    help = (
        "Run queued background tasks and the periodic-job scheduler. "
        "Start one or more on any machine that reaches the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch",
            action="store_true",
            help="tick the scheduler once, run what is queued, then exit (for cron or tests)",
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=1.0,
            help="seconds to wait when the queue is empty (default 1)",
        )
        parser.add_argument(
            "--queue-name",
            default="default",
            help="queues to process, comma-separated; '*' for all (default: default)",
        )
        parser.add_argument(
            "--no-scheduler",
            action="store_true",
            help="run tasks only; do not enqueue periodic jobs from this process",
        )
        parser.add_argument(
            "--scheduler-interval",
            type=float,
            default=30.0,
            help="longest sleep between scheduler ticks in seconds (default 30)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        verbosity = options["verbosity"]
        urakata_logger = logging.getLogger("urakata")
        if verbosity >= 1 and urakata_logger.level == logging.NOTSET:
            # The console handler is configured in settings.LOGGING; show our INFO lines too.
            urakata_logger.setLevel(logging.INFO)
        scheduler: SchedulerThread | None = None
        if not options["no_scheduler"]:
            for job in scheduled_jobs_ensure_defaults():
                self.stdout.write(f"registered periodic job {job.name} [{job.cron}]")
            if options["batch"]:
                result = scheduler_tick(now=timezone.now())
                for name in result.enqueued:
                    self.stdout.write(f"scheduled job {name} enqueued")
            else:
                scheduler = SchedulerThread(max_sleep=max(1.0, options["scheduler_interval"]))
                scheduler.start()
        worker_id = get_random_string(32)
        worker_heartbeat(worker_id=worker_id)
        _recover()
        lease: LeaseThread | None = None
        if not options["batch"]:
            lease = LeaseThread(
                worker_id=worker_id, every=max(0.2, settings.URAKATA_TASK_HEARTBEAT_SECONDS)
            )
            lease.start()
        argv = [
            "--worker-id",
            worker_id,
            "--interval",
            str(options["interval"]),
            "--queue-name",
            options["queue_name"],
            "--no-startup-delay",
            "--no-reload",
        ]
        if options["batch"]:
            argv.append("--batch")
        try:
            call_command("db_worker", *argv, verbosity=verbosity)
        finally:
            if scheduler is not None:
                scheduler.stopped.set()
                scheduler.join(timeout=5)
            if lease is not None:
                lease.stopped.set()
                lease.join(timeout=5)
            worker_heartbeat_end(worker_id=worker_id)
