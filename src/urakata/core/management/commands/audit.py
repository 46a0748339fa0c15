"""`urakata audit verify [--json]`: walk the audit chain and report the first broken link."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from urakata.core.audit import audit_verify_all


class Command(BaseCommand):
    help = "Audit chain tools. `verify` recomputes every hash (改ざん検知)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        result, domain_problems = audit_verify_all()
        problems = {name: found for name, found in domain_problems.items() if found}
        ok = result.ok and not problems
        if options["json"]:
            body = {**result.as_dict(), "ok": ok}
            if problems:
                body["problems"] = problems
            self.stdout.write(json.dumps(body, ensure_ascii=False))
        elif ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"OK: {result.verified} events verified (head hash {result.head_hash or '-'})"
                )
            )
        if ok:
            return
        if options["json"]:
            raise SystemExit(1)
        messages = []
        if not result.ok:
            messages.append(
                f"BROKEN at seq {result.broken_seq}: {result.reason} "
                f"({result.verified} verified before it)"
            )
        for name, found in problems.items():
            shown = "; ".join(found[:20])
            more = f" (+{len(found) - 20} more)" if len(found) > 20 else ""
            messages.append(f"{name}: {shown}{more}")
        raise CommandError("\n".join(messages), returncode=1)
