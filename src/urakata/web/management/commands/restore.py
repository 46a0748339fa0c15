"""`urakata restore DIR`: restore a backup, verify the audit chain, compare before and after."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from urakata.core.audit import audit_verify_all
from urakata.web.backup import backup_restore


class Command(BaseCommand):
    help = "Restore a backup made by `urakata backup`, then verify it (audit chain, counts)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path)

    def _show(self, title: str, summary: dict[str, Any] | None) -> None:
        if summary is None:
            self.stdout.write(f"{title}: (empty database)")
            return
        counts = ", ".join(f"{label} {count}" for label, count in summary["counts"].items())
        totals = summary["trial_balance"]
        self.stdout.write(
            f"{title}: {counts}; trial balance debit {totals['debit']} credit {totals['credit']}"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = backup_restore(source=options["source"])
        except (ValueError, OSError, KeyError) as error:
            raise CommandError(str(error), returncode=1) from error
        self._show("before", result["before"])
        self._show("after ", result["after"])
        problems = []
        expected = result["manifest"]["summary"]
        if expected is not None and expected != result["after"]:
            problems.append("the restored database differs from the backup's manifest")
        totals = result["after"]["trial_balance"]
        if totals["debit"] != totals["credit"]:
            problems.append("the trial balance does not balance")
        if result["bad_files"]:
            problems.append(f"files differ from the manifest: {', '.join(result['bad_files'])}")
        chain, domains = audit_verify_all()
        if not chain.ok:
            problems.append(f"audit chain broken at seq {chain.broken_seq}: {chain.reason}")
        problems += [f"{name}: {found[0]}" for name, found in domains.items() if found]
        if problems:
            raise CommandError("\n".join(problems), returncode=1)
        self.stdout.write(
            self.style.SUCCESS(
                f"OK: restored; audit chain verified ({chain.verified} events), "
                f"{len(result['manifest']['files'])} files checked"
            )
        )
