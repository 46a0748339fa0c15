"""Attendance writes: clock events, records (validated, versioned), the monthly close."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.attendance.figures import compute_months, month_bounds, summary_rows
from urakata.attendance.models import (
    AttendanceMonth,
    ClockRecord,
    DepartmentConfirmation,
    MonthSummary,
)
from urakata.attendance.selectors import local_today, month_is_closed, own_employee
from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, PermissionDenied, ValidationFailed
from urakata.core.permissions import can, require
from urakata.org.models import Department, Employee

DAY = 1440
MAX_SHIFT = DAY  # a record longer than 24 h is a mistake (two days are two records)


def minute_text(minute: int | None) -> str:
    """600 → '10:00', 1530 → '25:30' (past midnight of the work date)."""
    if minute is None:
        return ""
    return f"{minute // 60:02d}:{minute % 60:02d}"


def closed_month_error(work_date: dt.date) -> ValidationFailed:
    return ValidationFailed(
        _("%(y)s年%(m)s月の勤怠は締め済みです。修正申請(承認で締めを解除)を使ってください。")
        % {"y": work_date.year, "m": work_date.month},
        errors={"work_date": [_("締め済みの月です。")]},
    )


def record_problems(
    *,
    employee: Employee,
    work_date: dt.date,
    start: int,
    end: int,
    break_minutes: int,
    ignore: ClockRecord | None = None,
    check_closed: bool = True,
) -> dict[str, list[str]]:
    """Every problem with a day's record: order, length, break, overlap, closed month."""
    errors: dict[str, list[str]] = {}
    if not 0 <= start < DAY:
        errors.setdefault("start", []).append(_("出勤は 00:00〜23:59 で指定してください。"))
    if end <= start:
        errors.setdefault("end", []).append(_("退勤が出勤より前です。"))
    elif end - start > MAX_SHIFT:
        errors.setdefault("end", []).append(_("勤務が24時間を超えています。"))
    if break_minutes < 0 or (end > start and break_minutes >= end - start):
        errors.setdefault("break_minutes", []).append(_("休憩が勤務時間以上です。"))
    if check_closed and month_is_closed(year=work_date.year, month=work_date.month):
        errors.setdefault("work_date", []).append(_("締め済みの月です。"))
    if not errors:
        neighbours = ClockRecord.objects.filter(
            employee=employee,
            is_current=True,
            work_date__in=[work_date - dt.timedelta(days=1), work_date + dt.timedelta(days=1)],
        )
        if ignore is not None:
            neighbours = neighbours.exclude(pk=ignore.pk)
        for other in neighbours:
            offset = (other.work_date - work_date).days * DAY
            o_start = other.start_minute + offset
            o_end = (other.end_minute or other.start_minute + 1) + offset
            if o_start < end and start < o_end:
                errors.setdefault("start", []).append(
                    _("%(date)s の記録(%(s)s〜%(e)s)と重なっています。")
                    % {
                        "date": other.work_date.isoformat(),
                        "s": minute_text(other.start_minute),
                        "e": minute_text(other.end_minute),
                    }
                )
    return errors


def record_add(
    *,
    actor: Any,
    employee: Employee,
    work_date: dt.date,
    start: int,
    end: int,
    break_minutes: int = 0,
    source: str = ClockRecord.Source.MANUAL,
    location_note: str = "",
) -> ClockRecord:
    """Add a day's record (HR, or an import); a day that has one needs a correction instead."""
    require(actor, "attendance.manage")
    errors = record_problems(
        employee=employee, work_date=work_date, start=start, end=end, break_minutes=break_minutes
    )
    if ClockRecord.objects.filter(employee=employee, work_date=work_date, is_current=True).exists():
        errors.setdefault("work_date", []).append(_("この日の記録は既にあります。"))
    if errors:
        raise ValidationFailed(_("記録を登録できません。"), errors=errors)
    with transaction.atomic():
        record = ClockRecord.objects.create(
            employee=employee,
            work_date=work_date,
            start_minute=start,
            end_minute=end,
            break_minutes=break_minutes,
            source=source,
            location_note=location_note[:200],
            created_by=_user(actor),
        )
        audit_record(
            actor=actor,
            action="attendance.record.add",
            target=record,
            changes={
                "employee": employee.code,
                "work_date": work_date,
                "start": minute_text(start),
                "end": minute_text(end),
                "break_minutes": break_minutes,
            },
        )
    return record


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def _now_parts(now: dt.datetime | None) -> tuple[dt.date, int]:
    moment = timezone.localtime(now) if now is not None else timezone.localtime()
    return moment.date(), moment.hour * 60 + moment.minute


def _open_record(employee: Employee, today: dt.date) -> ClockRecord | None:
    return (
        ClockRecord.objects.select_for_update()
        .filter(
            employee=employee,
            is_current=True,
            end_minute__isnull=True,
            work_date__gte=today - dt.timedelta(days=1),
        )
        .order_by("-work_date")
        .first()
    )


def clock_in(
    *, actor: Any, location_note: str = "", source: str = "web", now: dt.datetime | None = None
) -> ClockRecord:
    """出勤: open today's record for the actor."""
    require(actor, "attendance.clock")
    employee = own_employee(actor)
    today, minute = _now_parts(now)
    if month_is_closed(year=today.year, month=today.month):
        raise closed_month_error(today)
    with transaction.atomic():
        Employee.objects.select_for_update().filter(pk=employee.pk).first()
        if _open_record(employee, today) is not None:
            raise Conflict(_("既に出勤しています。先に退勤してください。"))
        if ClockRecord.objects.filter(employee=employee, work_date=today, is_current=True).exists():
            raise Conflict(_("今日の記録は既にあります。修正は修正申請で行ってください。"))
        previous = ClockRecord.objects.filter(
            employee=employee, is_current=True, work_date=today - dt.timedelta(days=1)
        ).first()
        if previous is not None and (previous.end_minute or 0) - DAY > minute:
            raise Conflict(_("前日の勤務が終わっていません。"))
        record = ClockRecord.objects.create(
            employee=employee,
            work_date=today,
            start_minute=minute,
            location_note=location_note[:200],
            source=source if source in ClockRecord.Source.values else "web",
            created_by=_user(actor),
        )
        audit_record(
            actor=actor,
            action="attendance.clock.in",
            target=record,
            changes={"work_date": today, "start": minute_text(minute), "note": location_note},
        )
    return record


def _minute_on(record: ClockRecord, today: dt.date, minute: int) -> int:
    return (today - record.work_date).days * DAY + minute


def clock_out(
    *, actor: Any, location_note: str = "", now: dt.datetime | None = None
) -> ClockRecord:
    """退勤: close the open record (a night shift ends on the next calendar day)."""
    require(actor, "attendance.clock")
    employee = own_employee(actor)
    today, minute = _now_parts(now)
    with transaction.atomic():
        record = _open_record(employee, today)
        if record is None:
            raise ValidationFailed(
                _("出勤の記録がないため退勤できません。"),
                errors={"clock": [_("出勤していません。")]},
            )
        end = _minute_on(record, today, minute)
        if end <= record.start_minute or end - record.start_minute > MAX_SHIFT:
            raise ValidationFailed(
                _("退勤時刻が正しくありません。修正申請をしてください。"),
                errors={"clock": [minute_text(end)]},
            )
        if month_is_closed(year=record.work_date.year, month=record.work_date.month):
            raise closed_month_error(record.work_date)
        changes: dict[str, Any] = {"end": minute_text(end)}
        if record.break_started_minute is not None:
            record.break_minutes += max(0, end - record.break_started_minute)
            record.break_started_minute = None
            changes["break_minutes"] = record.break_minutes
        record.end_minute = end
        record.break_minutes = min(record.break_minutes, end - record.start_minute - 1)
        if location_note:
            record.location_note = f"{record.location_note} / {location_note}"[:200]
        record.save(
            update_fields=["end_minute", "break_minutes", "break_started_minute", "location_note"]
        )
        audit_record(actor=actor, action="attendance.clock.out", target=record, changes=changes)
    return record


def clock_break(*, actor: Any, start: bool, now: dt.datetime | None = None) -> ClockRecord:
    """休憩開始 / 休憩終了 on the open record."""
    require(actor, "attendance.clock")
    employee = own_employee(actor)
    today, minute = _now_parts(now)
    with transaction.atomic():
        record = _open_record(employee, today)
        if record is None:
            raise ValidationFailed(
                _("出勤していないため休憩を記録できません。"),
                errors={"clock": [_("出勤していません。")]},
            )
        at = _minute_on(record, today, minute)
        if start:
            if record.break_started_minute is not None:
                raise Conflict(_("既に休憩中です。"))
            record.break_started_minute = at
            action = "attendance.clock.break_start"
        else:
            if record.break_started_minute is None:
                raise ValidationFailed(
                    _("休憩を開始していません。"), errors={"clock": [_("休憩中ではありません。")]}
                )
            record.break_minutes += max(0, at - record.break_started_minute)
            record.break_started_minute = None
            action = "attendance.clock.break_end"
        record.save(update_fields=["break_minutes", "break_started_minute"])
        audit_record(
            actor=actor,
            action=action,
            target=record,
            changes={"at": minute_text(at), "break_minutes": record.break_minutes},
        )
    return record


# ---------------------------------------------------------------- monthly close


def _can_confirm(actor: Any, department: Department) -> bool:
    if can(actor, "attendance.manage"):
        return True
    employee = getattr(actor, "employee", None) if getattr(actor, "pk", None) else None
    return employee is not None and department.manager_id == employee.pk


def department_confirm(
    *, actor: Any, department: Department, year: int, month: int
) -> DepartmentConfirmation:
    """部署の月次確認: the department's manager confirms the team's month."""
    require(actor, "attendance.confirm")
    if not _can_confirm(actor, department):
        raise PermissionDenied(_("この部署の勤怠を確認する権限がありません。"))
    if month_is_closed(year=year, month=month):
        raise Conflict(_("この月は締め済みです。"))
    with transaction.atomic():
        row, created = DepartmentConfirmation.objects.get_or_create(
            year=year,
            month=month,
            department=department,
            defaults={"confirmed_by": _user(actor), "confirmed_at": timezone.now()},
        )
        if not created:
            raise Conflict(_("この部署の月は確認済みです。"))
        audit_record(
            actor=actor,
            action="attendance.month.confirm",
            target=row,
            changes={"department": department.code, "month": f"{year}-{month:02d}"},
        )
    return row


@dataclass(frozen=True)
class CloseResult:
    month: AttendanceMonth
    employees: int
    unconfirmed_departments: list[str]


def employees_of_month(year: int, month: int) -> dict[int, tuple[dt.date | None, dt.date | None]]:
    """Employees on the books at some point of the month: id → (hire date, retire date)."""
    first, last = month_bounds(year, month)
    rows = (
        Employee.objects.filter(hire_date__lte=last)
        .filter(Q(retire_date__isnull=True) | Q(retire_date__gte=first))
        .values_list("pk", "hire_date", "retire_date")
    )
    return {pk: (hire, retire) for pk, hire, retire in rows}


def month_close(*, actor: Any, year: int, month: int) -> CloseResult:
    """月次締め: snapshot every employee's figures and lock the month (HR)."""
    require(actor, "attendance.manage")
    first, last = month_bounds(year, month)
    if last >= local_today():
        raise ValidationFailed(
            _("終わっていない月は締められません。"), errors={"month": [f"{year}-{month:02d}"]}
        )
    employees = employees_of_month(year, month)
    with transaction.atomic():
        row, _created = AttendanceMonth.objects.select_for_update().get_or_create(
            year=year, month=month
        )
        if row.is_closed:
            raise Conflict(_("%(y)s年%(m)s月は締め済みです。") % {"y": year, "m": month})
        open_records = ClockRecord.objects.filter(
            is_current=True, end_minute__isnull=True, work_date__gte=first, work_date__lte=last
        ).count()
        if open_records:
            raise ValidationFailed(
                _("退勤していない記録が %(n)s 件あります。") % {"n": open_records},
                errors={"month": [_("未退勤の記録があります。")]},
            )
        figures = compute_months(employees, year, month, today=last)
        MonthSummary.objects.filter(year=year, month=month).delete()
        MonthSummary.objects.bulk_create(summary_rows(figures, year, month), batch_size=2000)
        row.is_closed = True
        row.closed_at = timezone.now()
        row.closed_by = _user(actor)
        row.save(update_fields=["is_closed", "closed_at", "closed_by"])
        confirmed = set(
            DepartmentConfirmation.objects.filter(year=year, month=month).values_list(
                "department_id", flat=True
            )
        )
        unconfirmed = sorted(
            Department.objects.filter(is_active=True)
            .exclude(pk__in=confirmed)
            .values_list("code", flat=True)
        )
        audit_record(
            actor=actor,
            action="attendance.month.close",
            target=row,
            changes={
                "is_closed": [False, True],
                "employees": len(figures),
                "unconfirmed_departments": unconfirmed,
                # the month's end (local midnight after it): the DX close lead time starts here
                "month_ended_at": dt.datetime.combine(
                    last + dt.timedelta(days=1), dt.time.min, timezone.get_current_timezone()
                ).isoformat(),
            },
        )
    return CloseResult(row, len(figures), unconfirmed)


def month_reopen(*, actor: Any, year: int, month: int, reason: str) -> AttendanceMonth:
    """締め解除 (by an approved correction, or HR with a reason): the month can change again."""
    require(actor, "attendance.manage")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(_("理由を入力してください。"), errors={"reason": [_("必須です。")]})
    with transaction.atomic():
        row = AttendanceMonth.objects.select_for_update().filter(year=year, month=month).first()
        if row is None or not row.is_closed:
            raise Conflict(_("この月は締められていません。"))
        row.is_closed = False
        row.save(update_fields=["is_closed"])
        audit_record(
            actor=actor,
            action="attendance.month.reopen",
            target=row,
            changes={"is_closed": [True, False], "reason": reason},
        )
    return row
