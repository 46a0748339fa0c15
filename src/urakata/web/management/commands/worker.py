"""`urakata worker`: run background tasks from the database queue (django-tasks-db)."""

from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser


class Command(BaseCommand):
    help = (
        "Run queued background tasks. Start one or more on any machine that reaches the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--batch", action="store_true", help="process what is queued, then exit"
        )
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args: Any, **options: Any) -> None:
        argv = ["--interval", str(options["interval"]), "--no-startup-delay"]
        if options["batch"]:
            argv.append("--batch")
        call_command("db_worker", *argv)
