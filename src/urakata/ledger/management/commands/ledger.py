"""`urakata ledger …`: trial balance, month close/reopen, bulk generate, journal import/export, verify."""

from __future__ import annotations

import calendar
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from urakata.core.errors import DomainError
from urakata.core.labels import error_text
from urakata.ledger import bulk, interchange, reports, services
from urakata.ledger.integrity import ledger_verify
from urakata.ledger.permissions import SYSTEM
from urakata.ledger.selectors import EntryFilters, parse_month


class Command(BaseCommand):
    help = "Ledger (経理) tools: trial-balance, close, reopen, generate, import-journal, export-journal, verify."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        tb = sub.add_parser("trial-balance", help="試算表")
        tb.add_argument("--from", dest="from_", required=True, help="YYYY-MM")
        tb.add_argument("--to", required=True, help="YYYY-MM")
        tb.add_argument("--department", default=None, help="department code")
        tb.add_argument("--json", action="store_true")
        close = sub.add_parser("close", help="月次締め")
        close.add_argument("period", help="YYYY-MM")
        reopen = sub.add_parser("reopen", help="締めの解除")
        reopen.add_argument("period", help="YYYY-MM")
        reopen.add_argument("--reason", required=True)
        gen = sub.add_parser("generate", help="bulk synthetic entries")
        gen.add_argument("--lines", type=int, required=True)
        gen.add_argument("--seed", type=int, default=0)
        gen.add_argument("--fiscal-year", type=int, default=None)
        imp = sub.add_parser("import-journal", help="弥生会計 / CSV journal import")
        imp.add_argument("file")
        imp.add_argument("--format", choices=["yayoi", "csv"], required=True)
        exp = sub.add_parser("export-journal", help="弥生会計 / CSV journal export")
        exp.add_argument("--format", choices=["yayoi", "csv"], required=True)
        exp.add_argument("--from", dest="from_", required=True)
        exp.add_argument("--to", required=True)
        exp.add_argument("--output", default="-", help="file (default: stdout)")
        sub.add_parser("verify", help="recompute each entry's line hash against its audit event")
        acc = sub.add_parser("suggestion-accuracy", help="learned suggestions on held-out lines")
        acc.add_argument("--holdout", type=float, default=0.2)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except DomainError as error:
            raise CommandError(error_text(error, limit=50), returncode=2) from error

    def _trial_balance(self, options: dict[str, Any]) -> None:
        result = reports.trial_balance(
            actor=SYSTEM,
            from_period=parse_month(options["from_"], "from"),
            to_period=parse_month(options["to"], "to"),
            department_code=options["department"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            f"{'コード':<6}{'科目':<18}{'期首':>14}{'借方':>14}{'貸方':>14}{'残高':>14}"
        )
        for row in result.rows:
            self.stdout.write(
                f"{row['account_code']:<8}{row['account_name']:<18}{row['opening']:>14,}"
                f"{row['debit']:>14,}{row['credit']:>14,}{row['balance']:>14,}"
            )
        totals = result.totals
        self.stdout.write(f"{'合計':<26}{'':>14}{totals['debit']:>14,}{totals['credit']:>14,}")

    def _close(self, options: dict[str, Any]) -> None:
        row = services.period_close(actor=SYSTEM, period=options["period"])
        self.stdout.write(self.style.SUCCESS(f"{row} を締めました。"))

    def _reopen(self, options: dict[str, Any]) -> None:
        row = services.period_reopen(
            actor=SYSTEM, period=options["period"], reason=options["reason"]
        )
        self.stdout.write(self.style.SUCCESS(f"{row} の締めを解除しました。"))

    def _generate(self, options: dict[str, Any]) -> None:
        started = time.perf_counter()
        result = bulk.generate(
            actor=SYSTEM,
            lines=options["lines"],
            seed=options["seed"],
            fiscal_year=options["fiscal_year"],
        )
        elapsed = time.perf_counter() - started
        rate = result["lines"] / elapsed if elapsed else 0
        self.stdout.write(
            f"generated {result['entries']} entries / {result['lines']} lines in FY"
            f"{result['fiscal_year']} in {elapsed:.2f}s ({rate:,.0f} lines/s)"
        )

    def _import_journal(self, options: dict[str, Any]) -> None:
        data = Path(options["file"]).read_bytes()
        result = interchange.journal_import(actor=SYSTEM, data=data, fmt=options["format"])
        self.stdout.write(
            self.style.SUCCESS(f"imported {result['entries']} entries ({result['lines']} lines)")
        )

    def _export_journal(self, options: dict[str, Any]) -> None:
        start = parse_month(options["from_"], "from")
        end = parse_month(options["to"], "to")
        last_day = calendar.monthrange(end // 100, end % 100)[1]
        filters = EntryFilters(
            date_from=dt.date(start // 100, start % 100, 1),
            date_to=dt.date(end // 100, end % 100, last_day),
        )
        data = interchange.journal_export(actor=SYSTEM, fmt=options["format"], filters=filters)
        if options["output"] == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            Path(options["output"]).write_bytes(data)
            self.stdout.write(f"wrote {len(data):,} bytes to {options['output']}")

    def _suggestion_accuracy(self, options: dict[str, Any]) -> None:
        from urakata.ledger.bank_import import suggestion_accuracy

        result = suggestion_accuracy(holdout=options["holdout"])
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _verify(self, options: dict[str, Any]) -> None:
        problems = ledger_verify()
        if problems:
            raise CommandError("\n".join(problems[:50]), returncode=1)
        self.stdout.write(self.style.SUCCESS("OK: every entry matches its audit event"))
