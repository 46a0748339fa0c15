"""`urakata check`: what is configured, what is missing and how to fix it; then Django's checks."""

from __future__ import annotations

import os
import shutil
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from urakata.assistant.health import provider_health
from urakata.core.models import ScheduledJob
from urakata.core.task_recovery import task_health

# A task still waiting after this long means no worker is taking from the queue.
STALE_TASK_AFTER = timedelta(minutes=5)


class Command(BaseCommand):
    help = "Report Urakata's configuration and what is missing, then run Django's system checks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--deploy", action="store_true", help="also run Django's deployment checks"
        )

    def _line(self, ok: bool | None, label: str, detail: str) -> None:
        mark = {
            True: self.style.SUCCESS("OK  "),
            False: self.style.ERROR("NG  "),
            None: self.style.WARNING("--  "),
        }[ok]
        self.stdout.write(f"{mark}{label}: {detail}")

    def handle(self, *args: Any, **options: Any) -> None:
        problems = 0
        db = settings.DATABASES["default"]
        migrated = False
        try:
            connection.ensure_connection()
            self._line(True, "database", f"{db['ENGINE'].rsplit('.', 1)[-1]} {db.get('NAME')}")
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
            if pending:
                problems += 1
                self._line(False, "migrations", f"{len(pending)} pending — run `urakata migrate`")
            else:
                migrated = True
                self._line(True, "migrations", "up to date")
        except Exception as error:
            problems += 1
            self._line(False, "database", f"cannot connect ({error}); check DATABASE_URL")
        self._line(True, "data dir", str(settings.DATA_DIR))
        self._line(
            True if "SECRET_KEY" in os.environ else None,
            "SECRET_KEY",
            "from the environment"
            if "SECRET_KEY" in os.environ
            else "generated in the data dir — set the same SECRET_KEY on every app server "
            "when you run more than one",
        )
        if not settings.INSECURE_HTTP and set(settings.ALLOWED_HOSTS) <= {
            "127.0.0.1",
            "localhost",
            "testserver",
        }:
            self._line(None, "ALLOWED_HOSTS", "only localhost — set ALLOWED_HOSTS=your.domain")
        if migrated:
            problems += self._background_tasks()
        email = getattr(settings, "EMAIL_BACKEND", "")
        self._line(
            None if "console" in email else True,
            "e-mail",
            "printed to the console — set EMAIL_URL=smtp://user:pass@host:587 to send"
            if "console" in email
            else email,
        )
        if settings.URAKATA_OCR == "tesseract":
            found = shutil.which("tesseract")
            self._line(
                bool(found) or None,
                "OCR",
                found
                or "tesseract not installed — `apt-get install tesseract-ocr tesseract-ocr-jpn`",
            )
        else:
            self._line(None, "OCR", "off (URAKATA_OCR)")
        problems += self._ai_provider()
        self._line(
            None if settings.INSECURE_HTTP else True,
            "HTTPS",
            "plain HTTP allowed (demo mode)"
            if settings.INSECURE_HTTP
            else "secure cookies, HSTS, TLS redirect",
        )
        self._line(
            bool(settings.URAKATA_2FA_REQUIRED_ROLES) or None,
            "2FA required for roles",
            ", ".join(settings.URAKATA_2FA_REQUIRED_ROLES)
            or "none (set URAKATA_2FA_REQUIRED_ROLES=admin,accounting)",
        )
        self.stdout.write("")
        call_command("check", deploy=options["deploy"], stdout=self.stdout, stderr=self.stderr)
        if problems:
            raise SystemExit(1)

    def _ai_provider(self) -> int:
        """The provider probe of `urakata ai check`; returns 1 when it fails."""
        if settings.URAKATA_AI_PROVIDER == "openai" and not settings.OPENAI_BASE_URL:
            self._line(False, "AI provider", "openai selected but OPENAI_BASE_URL is not set")
            return 1
        try:
            health = provider_health()
        except Exception as error:  # e.g. the masker cannot read the name directory
            self._line(False, "AI provider", f"the probe failed: {error}")
            return 1
        where = f" {health.model} at {health.base_url}" if health.provider == "openai" else ""
        if health.ok:
            self._line(
                True, "AI provider", f"{health.provider}{where} answered in {health.latency_ms} ms"
            )
            return 0
        fallback = (
            "answers fall back to the local provider"
            if health.fallback_ok
            else "the local fallback fails too"
        )
        self._line(
            False,
            "AI provider",
            f"{health.provider}{where}: {health.detail} — {fallback}; see `urakata ai check`",
        )
        return 1

    def _background_tasks(self) -> int:
        """Warn when tasks or jobs wait (no worker); fail on orphaned or stuck tasks."""
        now = timezone.now()
        problems = 0
        tasks = task_health(now=now)
        if tasks.orphaned or tasks.stuck:
            problems += 1
            self._line(
                False,
                "running tasks",
                f"{tasks.orphaned} orphaned (their worker died; a running `urakata worker` "
                f"takes them over after {settings.URAKATA_TASK_LEASE_SECONDS} s), "
                f"{tasks.stuck} running longer than {settings.URAKATA_TASK_STUCK_MINUTES} minutes",
            )
        else:
            self._line(True, "running tasks", f"none orphaned or stuck; {tasks.workers} worker(s)")
        self._line(
            None if tasks.failed_recently else True,
            "failed tasks",
            f"{tasks.failed_recently} failed in the last 24 hours — see the admin's task results"
            if tasks.failed_recently
            else "none in the last 24 hours",
        )
        stale = DBTaskResult.objects.ready().filter(enqueued_at__lt=now - STALE_TASK_AFTER).count()
        if stale:
            self._line(
                None,
                "background tasks",
                f"{stale} waiting for more than 5 minutes — is `urakata worker` running?",
            )
        else:
            self._line(True, "background tasks", "no task waiting long")
        jobs = ScheduledJob.objects.filter(enabled=True)
        overdue = jobs.filter(next_run_at__lt=now - STALE_TASK_AFTER).count()
        if not jobs.exists():
            self._line(None, "periodic jobs", "none registered — `urakata worker` registers them")
        elif overdue:
            self._line(None, "periodic jobs", f"{overdue} overdue — is `urakata worker` running?")
        else:
            self._line(True, "periodic jobs", f"{jobs.count()} enabled, none overdue")
        return problems
