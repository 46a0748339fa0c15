"""`urakata serve [--bind HOST:PORT]`: the production server (gunicorn + whitenoise)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


def default_workers() -> int:
    """2 × cores + 1, at most 16 (gunicorn's advice for sync workers)."""
    return min(2 * (os.cpu_count() or 1) + 1, 16)


class Command(BaseCommand):
    help = "Collect static files and run gunicorn with the Urakata WSGI app."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default=os.environ.get("URAKATA_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("URAKATA_WORKERS", "0")) or default_workers(),
        )
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("URAKATA_THREADS", "1"))
        )
        parser.add_argument(
            "--insecure-http",
            action="store_true",
            help="serve plain HTTP without secure cookies (local demo only; production runs behind TLS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("collectstatic", interactive=False, verbosity=0)
        env = dict(os.environ)
        env.setdefault("DJANGO_SETTINGS_MODULE", "urakata.settings")
        if options["insecure_http"]:
            env["URAKATA_INSECURE_HTTP"] = "1"
        argv = [
            sys.executable,
            "-m",
            "gunicorn",
            "urakata.wsgi:application",
            "--bind",
            options["bind"],
            "--workers",
            str(options["workers"]),
            "--threads",
            str(options["threads"]),
            "--access-logfile",
            "-",
            "--timeout",
            "60",
        ]
        self.stdout.write(f"serving on http://{options['bind']}/ with {options['workers']} workers")
        sys.stdout.flush()
        os.execve(sys.executable, argv, env)  # noqa: S606 - replace this process with gunicorn
