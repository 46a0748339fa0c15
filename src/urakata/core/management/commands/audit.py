"""`urakata audit verify [--json] [--fast [--sample F]]`: walk the audit chain, run every domain's
integrity checks and report the first broken link and each row that no longer matches.

`--fast` still walks the whole chain but lets verifiers of bulk data (the journal's lines)
re-hash a random share of their rows (`--sample`, default 1%): a nightly quick look, with the full
run weekly or before an audit.
"""

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
        parser.add_argument(
            "--fast", action="store_true", help="re-hash a random sample of bulk rows"
        )
        parser.add_argument(
            "--sample", type=float, default=0.01, help="share of bulk rows for --fast (0-1)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sample = options["sample"] if options["fast"] else None
        if sample is not None and not 0 < sample < 1:
            raise CommandError("--sample must be between 0 and 1 (e.g. 0.01 for 1%)")
        result, domain_problems = audit_verify_all(sample=sample)
        problems = {name: found for name, found in domain_problems.items() if found}
        ok = result.ok and not problems
        if options["json"]:
            body = {**result.as_dict(), "ok": ok}
            if sample is not None:
                body["sample"] = sample
            if problems:
                body["problems"] = problems
            self.stdout.write(json.dumps(body, ensure_ascii=False))
        elif ok:
            self.stdout.write(
                self.style.SUCCESS(
                    f"OK: {result.verified} events verified (head hash {result.head_hash or '-'})"
                    + (f"; bulk rows sampled at {sample:.1%}" if sample else "")
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
