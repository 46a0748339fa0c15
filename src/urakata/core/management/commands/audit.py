"""`urakata audit verify [--json]`: walk the audit chain and report the first broken link."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from urakata.core.audit import audit_verify


class Command(BaseCommand):
    help = "Audit chain tools. `verify` recomputes every hash (改ざん検知)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_verify()
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
        elif result.ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"OK: {result.verified} events verified (head hash {result.head_hash or '-'})"
                )
            )
        if not result.ok:
            message = (
                f"BROKEN at seq {result.broken_seq}: {result.reason} ({result.verified} verified)"
            )
            if options["json"]:
                raise SystemExit(1)
            raise CommandError(message, returncode=1)
