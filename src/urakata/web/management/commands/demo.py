"""`urakata demo [--reset] [--no-serve]`: migrate, seed the demo company, print logins, serve."""

from __future__ import annotations

import os
import random
import sys
import time
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from django.utils.module_loading import import_string

from urakata.core.domains import demo_seeders
from urakata.core.scheduler import scheduled_jobs_ensure_defaults
from urakata.org.demo import DEMO_PASSWORD
from urakata.org.models import Employee
from urakata.web.demo import DEMO_LOGINS

LOCMEM_EMAIL = "django.core.mail.backends.locmem.EmailBackend"


class Command(BaseCommand):
    help = "Seed the fictional demo company (株式会社みどり精工) and serve it at http://127.0.0.1:8000."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="delete the database first")
        parser.add_argument(
            "--no-serve", action="store_true", help="seed only, do not start the server"
        )
        parser.add_argument("--bind", default="127.0.0.1:8000")
        parser.add_argument("--seed", type=int, default=20261123, help="random seed")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reset"]:
            self._reset()
        call_command("migrate", interactive=False, verbosity=0)
        if Employee.objects.exists():
            self.stdout.write("デモデータは既にあります(作り直すには --reset)。")
        else:
            self._seed(options["seed"])
        self._print_logins(options["bind"])
        if not options["no_serve"]:
            self._serve(options["bind"])

    def _reset(self) -> None:
        database = settings.DATABASES["default"]
        if database["ENGINE"].endswith("sqlite3"):
            for suffix in ("", "-wal", "-shm"):
                path = f"{database['NAME']}{suffix}"
                if os.path.exists(path):
                    os.remove(path)
        else:
            call_command("flush", interactive=False, verbosity=0)

    def _seed(self, seed: int) -> None:
        today = timezone.localdate()
        rng = random.Random(seed)
        started = timezone.now()
        for path in demo_seeders():
            self.stdout.write(f"  seeding {path} …")
            began = time.perf_counter()
            # The demo is history: no e-mail leaves (or is printed) while it is written, nor when
            # it commits (on_commit mails run before the override ends).
            with override_settings(EMAIL_BACKEND=LOCMEM_EMAIL), transaction.atomic():
                result = import_string(path)(actor=None, today=today, rng=rng)
            self.stdout.write(f"    {result} ({time.perf_counter() - began:.1f} s)")
        jobs = scheduled_jobs_ensure_defaults()
        self.stdout.write(f"  periodic jobs registered: {', '.join(job.name for job in jobs)}")
        elapsed = (timezone.now() - started).total_seconds()
        self.stdout.write(self.style.SUCCESS(f"デモ会社を作成しました ({elapsed:.1f} 秒)。"))

    def _print_logins(self, bind: str) -> None:
        self.stdout.write("")
        self.stdout.write(f"URL: http://{bind}/")
        self.stdout.write(f"デモ用ログイン(パスワードはすべて {DEMO_PASSWORD} ):")
        for username, label in DEMO_LOGINS:
            self.stdout.write(f"  {username:<16} {label}")
        self.stdout.write("")

    def _serve(self, bind: str) -> None:
        sys.stdout.flush()
        call_command("serve", bind=bind, insecure_http=True)
