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
from urakata.ledger import bulk, closing, interchange, reports, services, synthetic
from urakata.ledger.integrity import ledger_verify
from urakata.ledger.permissions import SYSTEM
from urakata.ledger.selectors import EntryFilters, parse_month

_READ_ONLY = frozenset({"trial-balance", "verify", "suggestion-accuracy", "tax-return"})


def _actor(options: dict[str, Any], *, write: bool = True) -> Any:
    """The user named by --as (active), or SYSTEM for a read-only command without --as."""
    from django.contrib.auth import get_user_model

    username = options.get("as_user")
    if not username:
        if write:
            raise CommandError("--as USERNAME を指定してください(監査ログに記録する担当者)。")
        return SYSTEM
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"ユーザー「{username}」が見つからないか無効です。")
    return user


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
        reopen = sub.add_parser("reopen", help="締め解除の申請 (approved by another accountant)")
        reopen.add_argument("period", help="YYYY-MM, or a fiscal year with --year")
        reopen.add_argument("--reason", required=True)
        reopen.add_argument("--year", action="store_true", help="PERIOD is a fiscal year")
        year_close = sub.add_parser("year-close", help="決算確定 (close and lock a fiscal year)")
        year_close.add_argument("fiscal_year", type=int)
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
        tr = sub.add_parser("tax-return", help="消費税申告の計算 (and --post the settlement)")
        tr.add_argument("--from", dest="from_", required=True, help="YYYY-MM")
        tr.add_argument("--to", required=True, help="YYYY-MM")
        tr.add_argument("--method", choices=["general", "simplified", "two_tenths"])
        tr.add_argument("--credit-method", choices=["individual", "proportional"])
        tr.add_argument("--category", type=int, help="簡易課税の事業区分 1-6")
        tr.add_argument("--interim-national", type=int, default=0, help="中間納付税額")
        tr.add_argument("--interim-local", type=int, default=0, help="中間納付譲渡割額")
        tr.add_argument("--json", action="store_true")
        tr.add_argument("--post", action="store_true", help="post the settlement entry")
        gen.add_argument(
            "--sandbox",
            action="store_true",
            help="this database is a sandbox: allow synthetic entries beside real books",
        )
        for name, parser_ in sub.choices.items():
            parser_.add_argument(
                "--as",
                dest="as_user",
                default=None,
                metavar="USERNAME",
                help="the person acting (recorded in the audit log)"
                + ("" if name in _READ_ONLY else "; required"),
            )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except DomainError as error:
            raise CommandError(error_text(error, limit=50), returncode=2) from error

    def _trial_balance(self, options: dict[str, Any]) -> None:
        result = reports.trial_balance(
            actor=_actor(options, write=False),
            from_period=parse_month(options["from_"], "from"),
            to_period=parse_month(options["to"], "to"),
            department_code=options["department"],
        )
        if options["json"]:
            self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))
            return
        self.stdout.write(
            f"{'コード':<6}{'科目':<18}{'前月繰越':>12}{'借方':>14}{'貸方':>14}{'残高':>14}"
        )
        for row in result.rows:
            self.stdout.write(
                f"{row['account_code']:<8}{row['account_name']:<18}{row['opening']:>14,}"
                f"{row['debit']:>14,}{row['credit']:>14,}{row['balance']:>14,}"
            )
        t = result.totals
        self.stdout.write(
            f"{'借方科目計':<21}{t['debit_side_opening']:>14,}{t['debit']:>14,}"
            f"{t['credit']:>14,}{t['debit_side_balance']:>14,}"
        )
        self.stdout.write(
            f"{'貸方科目計':<21}{t['credit_side_opening']:>14,}{'':>14}{'':>14}"
            f"{t['credit_side_balance']:>14,}"
        )

    def _close(self, options: dict[str, Any]) -> None:
        row = services.period_close(actor=_actor(options), period=options["period"])
        self.stdout.write(self.style.SUCCESS(f"{row} を締めました。"))

    def _reopen(self, options: dict[str, Any]) -> None:
        kind = "year" if options["year"] else "month"
        row = closing.reopen_request_submit(
            actor=_actor(options), kind=kind, period=options["period"], reason=options["reason"]
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"締め解除を申請しました(申請 {row.pk})。別の経理担当者が承認すると解除されます。"
            )
        )

    def _year_close(self, options: dict[str, Any]) -> None:
        row = closing.fiscal_year_close(actor=_actor(options), fiscal_year=options["fiscal_year"])
        self.stdout.write(
            self.style.SUCCESS(
                f"{row.fiscal_year}年度を決算確定しました(当期純利益 {row.net_income:,} 円を繰越)。"
            )
        )

    def _generate(self, options: dict[str, Any]) -> None:
        actor = _actor(options)
        if not options["sandbox"]:
            real = bulk.real_entry_count()
            if real:
                raise CommandError(
                    f"このデータベースには実際の仕訳が {real:,} 件あります。合成データは"
                    "サンドボックスにだけ生成できます(--sandbox)。"
                )
        started = time.perf_counter()
        result = synthetic.generate(
            actor=actor,
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
        result = interchange.journal_import(actor=_actor(options), data=data, fmt=options["format"])
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
        data = interchange.journal_export(
            actor=_actor(options), fmt=options["format"], filters=filters
        )
        if options["output"] == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        else:
            Path(options["output"]).write_bytes(data)
            self.stdout.write(f"wrote {len(data):,} bytes to {options['output']}")

    def _suggestion_accuracy(self, options: dict[str, Any]) -> None:
        from urakata.ledger.bank_import import suggestion_accuracy
        from urakata.ledger.suggestion_holdout import holdout_accuracy

        result = suggestion_accuracy(holdout=options["holdout"])
        result["unseen_master_payees"] = holdout_accuracy()
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _tax_return(self, options: dict[str, Any]) -> None:
        from urakata.ledger import tax_return

        kwargs: dict[str, Any] = {
            "from_period": parse_month(options["from_"], "from"),
            "to_period": parse_month(options["to"], "to"),
            "method": options["method"],
            "credit_method": options["credit_method"],
            "category": options["category"],
            "interim_national": options["interim_national"],
            "interim_local": options["interim_local"],
        }
        if options["post"]:
            entry = tax_return.tax_settlement_post(actor=_actor(options), **kwargs)
            self.stdout.write(
                self.style.SUCCESS(f"精算仕訳 {entry.display_number} を記帳しました。")
            )
            return
        result = tax_return.tax_return(actor=_actor(options, write=False), **kwargs)
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False))
            return
        for key in (
            "taxable_base_total",
            "national_tax",
            "return_tax",
            "taxable_sales_ratio",
            "credit_method",
            "deductible_input_tax",
            "national_due",
            "local_due",
            "payable_total",
        ):
            value = result[key]
            self.stdout.write(
                f"{key:<24}{value:>16,}" if isinstance(value, int) else f"{key:<24}{value:>16}"
            )

    def _verify(self, options: dict[str, Any]) -> None:
        problems = ledger_verify()
        if problems:
            raise CommandError("\n".join(problems[:50]), returncode=1)
        self.stdout.write(self.style.SUCCESS("OK: every entry matches its audit event"))
