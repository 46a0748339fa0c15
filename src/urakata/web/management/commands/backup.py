"""`urakata backup --out DIR`: a consistent copy of the database and the stored files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from urakata.web.backup import backup_create


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup / pg_dump) and stored files into DIR."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--out", required=True, type=Path, help="an empty or new directory")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_create(out=options["out"])
        except (ValueError, OSError) as error:
            raise CommandError(str(error), returncode=1) from error
        summary = manifest["summary"]
        self.stdout.write(f"backup written to {options['out']} ({manifest['engine']})")
        if summary:
            for label, count in summary["counts"].items():
                self.stdout.write(f"  {label}: {count}")
            totals = summary["trial_balance"]
            self.stdout.write(f"  trial balance: debit {totals['debit']} credit {totals['credit']}")
        self.stdout.write(f"  files: {len(manifest['files'])}")
