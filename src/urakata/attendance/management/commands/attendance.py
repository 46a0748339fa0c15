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

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"_{options['action']}")(options)
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
