"""Time-recorder import: `employee_code,date,start,end,break_minutes` — all rows or none."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils.translation import gettext as _

from urakata.attendance.models import ClockRecord
from urakata.attendance.services import record_problems
from urakata.core.permissions import require
from urakata.core.tables import (
    Column,
    ImportResult,
    RowError,
    audit_import,
    import_atomic,
    read_sheet,
    read_table,
)
from urakata.org.models import Employee

COLUMNS = (
    Column("employee_code", "社員番号", aliases=("employee_code", "code")),
    Column("date", "日付", aliases=("date", "勤務日")),
    Column("start", "出勤", aliases=("start", "出勤時刻")),
    Column("end", "退勤", aliases=("end", "退勤時刻")),
    Column("break_minutes", "休憩(分)", aliases=("break_minutes", "休憩")),
)
HEADERS = {c.field: c.header for c in COLUMNS}
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")


def parse_time(value: Any, *, allow_next_day: bool = False) -> int | None:
    """'9:05' → 545; '25:30' (past midnight) only when allowed; None when not a time."""
    if isinstance(value, dt.time):
        return value.hour * 60 + value.minute
    match = _TIME.match(str(value or "").strip())
    if not match:
        return None
    hours, minutes = int(match[1]), int(match[2])
    if minutes > 59 or hours > (47 if allow_next_day else 23):
        return None
    return hours * 60 + minutes


def parse_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value or "").strip().replace("/", "-"))
    except ValueError:
        return None


def _row_values(number: int, row: dict[str, Any], errors: list[RowError]) -> Any:
    date = parse_date(row.get("date"))
    start = parse_time(row.get("start"))
    end = parse_time(row.get("end"), allow_next_day=True)
    pause_text = str(row.get("break_minutes") or "0").strip()
    problems = []
    if date is None:
        problems.append(("date", _("日付は YYYY-MM-DD で指定してください。")))
    if start is None:
        problems.append(("start", _("出勤は HH:MM で指定してください。")))
    if end is None:
        problems.append(("end", _("退勤は HH:MM で指定してください。")))
    if not pause_text.isdigit() or int(pause_text) > 1440:
        problems.append(("break_minutes", _("休憩は分(0〜1440)で指定してください。")))
    for field, message in problems:
        errors.append(RowError(number, HEADERS[field], message))
    if problems:
        return None
    assert start is not None and end is not None
    if end <= start and end < 1440:
        end += 1440  # an end earlier than the start is the next day (夜勤)
    return date, start, end, int(pause_text)


def records_import(*, actor: Any, upload: Any) -> ImportResult:
    """取込: add one clock record per row; any row error rolls the whole file back."""
    require(actor, "attendance.manage")
    sheet = read_sheet(read_table(upload), COLUMNS, _("打刻記録"))
    result = ImportResult(total=len(sheet.rows))
    codes = {str(row.get("employee_code") or "").strip() for _n, row in sheet.rows}
    employees = {e.code: e for e in Employee.objects.filter(code__in=codes)}
    with import_atomic(sheet, _("打刻記録")):
        for number, row in sheet.rows:
            code = str(row.get("employee_code") or "").strip()
            employee = employees.get(code)
            if employee is None:
                sheet.errors.append(
                    RowError(
                        number, HEADERS["employee_code"], _("社員番号「%s」がありません。") % code
                    )
                )
            values = _row_values(number, row, sheet.errors)
            if employee is None or values is None:
                continue
            date, start, end, pause = values
            problems = record_problems(
                employee=employee, work_date=date, start=start, end=end, break_minutes=pause
            )
            if ClockRecord.objects.filter(
                employee=employee, work_date=date, is_current=True
            ).exists():
                problems.setdefault("date", []).append(_("この日の記録は既にあります。"))
            for field, messages in problems.items():
                header = HEADERS.get(field, HEADERS["date"] if field == "work_date" else field)
                sheet.errors.extend(RowError(number, header, m) for m in messages)
            if problems or sheet.errors:
                continue
            ClockRecord.objects.create(
                employee=employee,
                work_date=date,
                start_minute=start,
                end_minute=end,
                break_minutes=pause,
                source=ClockRecord.Source.IMPORT,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            result.created += 1
        if not sheet.errors:
            audit_import(
                actor=actor, action="attendance.record.import", upload=upload, result=result
            )
    return result
