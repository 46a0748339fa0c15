"""`urakata attendance …`: month figures, time-recorder import, monthly close, 36協定 alerts."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError, CommandParser

from urakata.attendance import selectors, services
from urakata.core.errors import DomainError
from urakata.core.permissions import SYSTEM


def _actor(options: dict[str, Any]) -> Any:
    """The user named by --as (recorded in the audit chain), else the system operator."""
    from django.contrib.auth import get_user_model

    username = options.get("as_user")
    if not username:
        return SYSTEM
    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CommandError(f"ユーザー「{username}」が見つからないか無効です。")
    return user


def _error_text(exc: DomainError) -> str:
    lines = [exc.message]
    for field, messages in exc.errors.items():
        lines.extend(f"  {field}: {message}" for message in messages)
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Attendance (勤怠): month, import, close, reopen, alerts."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as", dest="as_user", default=None, help="acting user (audit)")
        sub = parser.add_subparsers(dest="action", required=True)
        month = sub.add_parser("month", help="月次集計 of one employee")
        month.add_argument("employee_code")
        month.add_argument("month", help="YYYY-MM")
        month.add_argument("--json", action="store_true")
        imp = sub.add_parser(
            "import", help="time-recorder CSV: employee_code,date,start,end,break_minutes"
        )
        imp.add_argument("file")
        close = sub.add_parser("close", help="月次締め (lock the month; payroll reads it)")
        close.add_argument("month", help="YYYY-MM")
        reopen = sub.add_parser("reopen", help="締め解除")
        reopen.add_argument("month", help="YYYY-MM")
        reopen.add_argument("--reason", required=True)

        alerts = sub.add_parser("alerts", help="36協定 alerts of a month")
        alerts.add_argument("month", help="YYYY-MM")
        alerts.add_argument("--json", action="store_true")
        alerts.add_argument("--notify", action="store_true", help="send the in-app notices")

        assign = sub.add_parser("rule-assign", help="apply a work rule to employees")
        assign.add_argument("rule_code")
        assign.add_argument("employee_codes", nargs="+")
        day = sub.add_parser("calendar", help="会社カレンダー: a company day off or working day")
        day.add_argument("date", help="YYYY-MM-DD")
        day.add_argument("--off", action="store_true", help="a company day off")
        day.add_argument("--work", action="store_true", help="a working day (e.g. on a holiday)")
        day.add_argument("--name", default="")
        plan = sub.add_parser("schedule", help="変形労働時間制: a period's shift calendar (CSV)")
        plan.add_argument("rule_code")
        plan.add_argument("period_start", help="YYYY-MM-DD (the period's 起算日)")
        plan.add_argument("file", help="lines date,HH:MM,HH:MM,break_minutes")
        plan.add_argument("--employee", default="", help="an employee's own calendar")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, "_" + options["action"].replace("-", "_"))(options)
        except DomainError as exc:
            raise CommandError(_error_text(exc)) from exc

    def _month(self, options: dict[str, Any]) -> None:
        actor = _actor(options)
        year, month = selectors.parse_year_month(options["month"])
        employee = selectors.employee_get(actor=actor, code=options["employee_code"])
        figures = selectors.month_summary(actor=actor, employee=employee, year=year, month=month)
        data = figures.as_json()
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        for key, value in data.items():
            self.stdout.write(f"{key}: {value}")

    def _import(self, options: dict[str, Any]) -> None:
        from urakata.attendance.imports import records_import

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"ファイルがありません: {path}")
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        try:
            result = records_import(actor=_actor(options), upload=upload)
        except DomainError as exc:
            raise CommandError(_error_text(exc)) from exc
        self.stdout.write(json.dumps(result.as_dict(), ensure_ascii=False))

    def _close(self, options: dict[str, Any]) -> None:
        year, month = selectors.parse_year_month(options["month"])
        result = services.month_close(actor=_actor(options), year=year, month=month)
        self.stdout.write(
            json.dumps(
                {
                    "month": f"{year}-{month:02d}",
                    "employees": result.employees,
                    "unconfirmed_departments": result.unconfirmed_departments,
                },
                ensure_ascii=False,
            )
        )

    def _reopen(self, options: dict[str, Any]) -> None:
        year, month = selectors.parse_year_month(options["month"])
        services.month_reopen(
            actor=_actor(options), year=year, month=month, reason=options["reason"]
        )
        self.stdout.write(f"{year}-{month:02d} reopened")

    def _alerts(self, options: dict[str, Any]) -> None:
        from urakata.attendance import agreement

        year, month = selectors.parse_year_month(options["month"])
        actor = _actor(options)
        if options["notify"]:
            rows = agreement.alerts_notify(actor=actor, year=year, month=month)
        else:
            rows = agreement.alert_list(actor=actor, year=year, month=month)
        data = [row.as_json() for row in rows]
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        for row in data:
            self.stdout.write(
                f"{row['employee_code']} {row['kind']} {row['value']} / {row['limit']}"
            )

    def _rule_assign(self, options: dict[str, Any]) -> None:
        from urakata.attendance.setup import work_rule_assign

        actor = _actor(options)
        for code in options["employee_codes"]:
            employee = selectors.employee_get(actor=actor, code=code)
            work_rule_assign(actor=actor, employee=employee, rule_code=options["rule_code"])
        self.stdout.write(f"{len(options['employee_codes'])} assigned")

    def _calendar(self, options: dict[str, Any]) -> None:
        import datetime as dt

        from urakata.attendance.setup import company_day_set

        try:
            date = dt.date.fromisoformat(options["date"])
        except ValueError:
            raise CommandError("日付は YYYY-MM-DD で指定してください。") from None
        off = True if options["off"] else (False if options["work"] else None)
        company_day_set(actor=_actor(options), date=date, is_day_off=off, name=options["name"])
        self.stdout.write(f"{date} {'off' if off else ('work' if off is False else 'default')}")

    def _schedule(self, options: dict[str, Any]) -> None:
        import datetime as dt

        from urakata.attendance.models import WorkRule
        from urakata.attendance.schedule import schedule_parse, variable_schedule_save

        actor = _actor(options)
        try:
            start = dt.date.fromisoformat(options["period_start"])
            text = Path(options["file"]).read_text(encoding="utf-8-sig")
        except (ValueError, OSError) as exc:
            raise CommandError(f"入力を読めません: {exc}") from None
        rule = WorkRule.objects.filter(code=options["rule_code"]).first()
        if rule is None:
            raise CommandError("就業規則が見つかりません。")
        employee = None
        if options["employee"]:
            employee = selectors.employee_get(actor=actor, code=options["employee"])
        days = schedule_parse(text)
        rows = variable_schedule_save(
            actor=actor, rule=rule, period_start=start, days=days, employee=employee
        )
        self.stdout.write(f"{len(rows)} days saved")
