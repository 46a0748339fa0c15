"""`urakata payroll …`: the withholding and social-insurance calculators, pay runs and payslips."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from urakata.core.errors import DomainError
from urakata.payroll import social_insurance, withholding


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日付は YYYY-MM-DD で指定してください: {text}") from exc


def _month(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError as exc:
        raise CommandError(f"月は YYYY-MM で指定してください: {text}") from exc


def _actor(options: dict[str, Any]) -> Any:
    """The user named by --as (active), else SYSTEM (the operator at the console)."""
    from django.contrib.auth import get_user_model

    from urakata.core.permissions import SYSTEM

    username = options.get("as_user")
    if not username:
        return SYSTEM
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"ユーザー「{username}」が見つからないか無効です。")
    return user


class Command(BaseCommand):
    help = "Payroll (給与計算): withholding, social-insurance, run, payslip."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        wh = sub.add_parser("withholding", help="源泉所得税 (月額表 / 電算機計算の特例)")
        wh.add_argument(
            "--taxable", type=int, required=True, help="社会保険料等控除後の給与等の金額"
        )
        wh.add_argument("--dependents", type=int, default=0, help="扶養親族等の数")
        wh.add_argument("--column", choices=["kou", "otsu"], default="kou")
        wh.add_argument("--method", choices=["table", "formula"], default="table")
        wh.add_argument("--date", default=None, help="支払日 YYYY-MM-DD (default: today)")
        wh.add_argument("--json", action="store_true")
        si = sub.add_parser("social-insurance", help="社会保険料 (employee shares)")
        si.add_argument("--remuneration", type=int, required=True, help="報酬月額")
        si.add_argument("--age", type=int, required=True)
        si.add_argument("--prefecture", type=int, required=True, help="JIS code 01-47")
        si.add_argument("--month", default=None, help="〇月分 YYYY-MM (default: this month)")
        si.add_argument("--json", action="store_true")

        run = sub.add_parser("run", help="給与計算 (monthly pay run)")
        run.add_argument("month", help="YYYY-MM (the attendance month)")
        run.add_argument("--approve", action="store_true", help="check, approve and fix the run")
        run.add_argument("--reason", default="", help="reason for re-running a fixed month")
        run.add_argument("--as", dest="as_user", default=None)
        slip = sub.add_parser("payslip", help="給与明細 PDF")
        slip.add_argument("employee_code")
        slip.add_argument("month", help="YYYY-MM")
        slip.add_argument("--out", required=True)
        slip.add_argument("--as", dest="as_user", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except DomainError as exc:
            details = "; ".join(m for msgs in exc.errors.values() for m in msgs)
            raise CommandError(details or exc.message) from exc

    def _withholding(self, options: dict[str, Any]) -> None:
        on = _date(options["date"]) if options["date"] else dt.date.today()
        tax = withholding.monthly_tax(
            options["taxable"],
            dependents=options["dependents"],
            column=options["column"],
            method=options["method"],
            on=on,
        )
        if options["json"]:
            self.stdout.write(json.dumps({"tax": tax}))
        else:
            self.stdout.write(f"源泉所得税: {tax:,}円")

    def _social_insurance(self, options: dict[str, Any]) -> None:
        month = _month(options["month"]) if options["month"] else dt.date.today().replace(day=1)
        result = social_insurance.monthly_premiums(
            remuneration=options["remuneration"],
            age=options["age"],
            prefecture=options["prefecture"],
            month=month,
        ).as_dict()
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            for key, value in result.items():
                self.stdout.write(f"{key}: {value:,}")

    def _run(self, options: dict[str, Any]) -> None:
        from urakata.payroll import cli_runs

        cli_runs.run(self, options, actor=_actor(options), month=_month(options["month"]))

    def _payslip(self, options: dict[str, Any]) -> None:
        from urakata.payroll import cli_runs

        cli_runs.payslip(self, options, actor=_actor(options), month=_month(options["month"]))
