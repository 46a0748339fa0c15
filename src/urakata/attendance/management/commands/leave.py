"""`urakata leave …`: balances (残日数, grants, the 5-day obligation) and the grant run."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from urakata.attendance import leave, selectors
from urakata.attendance.management.commands.attendance import _actor, _error_text
from urakata.core.errors import DomainError


def _date(text: str | None) -> dt.date:
    if not text:
        return selectors.local_today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError("日付は YYYY-MM-DD で指定してください。") from None


class Command(BaseCommand):
    help = "Annual paid leave (年次有給休暇): balance, grant."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as", dest="as_user", default=None, help="acting user (audit)")
        sub = parser.add_subparsers(dest="action", required=True)
        balance = sub.add_parser("balance", help="残日数 of one employee")
        balance.add_argument("employee_code")
        balance.add_argument("--on", default=None, help="YYYY-MM-DD (default: today)")
        balance.add_argument("--json", action="store_true")
        grant = sub.add_parser("grant", help="付与: every 基準日 up to --on not granted yet")
        grant.add_argument("--on", default=None, help="YYYY-MM-DD (default: today)")
        planned = sub.add_parser("planned", help="計画的付与: book DATE for the employees")
        planned.add_argument("date", help="YYYY-MM-DD")
        planned.add_argument("employee_codes", nargs="*", help="default: every employee")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["action"] == "balance":
                self._balance(options)
            elif options["action"] == "planned":
                self._planned(options)
            else:
                granted = leave.leave_grants_run(actor=_actor(options), on=_date(options["on"]))
                self.stdout.write(json.dumps({"granted": len(granted)}))
        except DomainError as exc:
            raise CommandError(_error_text(exc)) from exc

    def _balance(self, options: dict[str, Any]) -> None:
        actor = _actor(options)
        employee = selectors.employee_get(actor=actor, code=options["employee_code"])
        data = leave.balance_on(employee, _date(options["on"])).as_json()
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(f"残日数: {data['remaining_days']}日 {data['remaining_hours']}時間")
        for grant in data["grants"]:
            self.stdout.write(
                f"  {grant['granted_on']} {grant['days']}日 (使用 {grant['used']}) "
                f"〜{grant['expires_on']}"
            )

    def _planned(self, options: dict[str, Any]) -> None:
        from urakata.attendance.planned import leave_planned_assign

        actor = _actor(options)
        scope = selectors.employees_in_scope(actor=actor).filter(retire_date__isnull=True)
        if options["employee_codes"]:
            scope = scope.filter(code__in=options["employee_codes"])
        booked = leave_planned_assign(
            actor=actor, date=_date(options["date"]), employees=list(scope)
        )
        self.stdout.write(json.dumps({"booked": [r.employee.code for r in booked]}))
