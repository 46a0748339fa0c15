"""Attendance reads: month figures (the payroll contract), closes, records, employees in scope."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.attendance.figures import MonthFigures, compute_months, summary_figures
from urakata.attendance.models import (
    AttendanceMonth,
    ClockRecord,
    MonthSummary,
    visible_employee_ids,
)
from urakata.core.errors import NotFound, ValidationFailed
from urakata.core.permissions import require
from urakata.org.models import Employee


def parse_year_month(value: str, field: str = "month") -> tuple[int, int]:
    """'2026-04' → (2026, 4); ValidationFailed otherwise."""
    text = str(value or "").strip().replace("/", "-")
    parts = text.split("-")
    if (
        len(parts) != 2
        or not all(p.isdigit() for p in parts)
        or not 1 <= int(parts[1]) <= 12
        or not 1900 <= int(parts[0]) <= 2100
    ):
        raise ValidationFailed(
            _("年月は YYYY-MM で指定してください。"), errors={field: [text[:20]]}
        )
    return int(parts[0]), int(parts[1])


def local_today() -> dt.date:
    return timezone.localdate()


def month_is_closed(*, year: int, month: int) -> bool:
    """True when HR has closed (locked) the month's attendance."""
    return AttendanceMonth.objects.filter(year=year, month=month, is_closed=True).exists()


def month_figures(*, employee_id: int, year: int, month: int) -> MonthFigures:
    """An employee's month for payroll: the closed snapshot, else computed live."""
    summary = MonthSummary.objects.filter(employee_id=employee_id, year=year, month=month).first()
    if summary is not None and month_is_closed(year=year, month=month):
        return summary_figures(summary)
    employee = Employee.objects.filter(pk=employee_id).only("hire_date", "retire_date").first()
    if employee is None:
        raise NotFound(_("従業員が見つかりません。"))
    figures = compute_months(
        {employee_id: (employee.hire_date, employee.retire_date)},
        year,
        month,
        today=local_today(),
    )
    return figures[employee_id]


def employees_in_scope(*, actor: Any) -> QuerySet[Employee]:
    """Employees whose attendance the actor may see (own; team; all for HR)."""
    require(actor, "attendance.clock")
    return Employee.objects.filter(pk__in=visible_employee_ids(actor)).select_related("department")


def employee_get(*, actor: Any, code: str = "", employee_id: int | None = None) -> Employee:
    """One employee in the actor's scope, by code or id (NotFound outside it)."""
    queryset = employees_in_scope(actor=actor)
    employee = (
        queryset.filter(pk=employee_id).first()
        if employee_id is not None
        else queryset.filter(code=code).first()
    )
    if employee is None:
        raise NotFound(_("従業員が見つかりません。"))
    return employee


def own_employee(actor: Any) -> Employee:
    """The actor's own employee record (NotFound for a user without one)."""
    employee = getattr(actor, "employee", None) if getattr(actor, "pk", None) else None
    if employee is None:
        raise NotFound(_("従業員として登録されていないユーザーです。"))
    return employee


def month_summary(*, actor: Any, employee: Employee, year: int, month: int) -> MonthFigures:
    """An employee's month figures for someone allowed to see them."""
    employee_get(actor=actor, employee_id=employee.pk)
    return month_figures(employee_id=employee.pk, year=year, month=month)


def record_list(
    *, actor: Any, employee: Employee, first: dt.date, last: dt.date
) -> QuerySet[ClockRecord]:
    """Current clock records of an employee in a date range."""
    employee_get(actor=actor, employee_id=employee.pk)
    return ClockRecord.objects.filter(
        employee=employee, is_current=True, work_date__gte=first, work_date__lte=last
    ).order_by("work_date")


def record_history(*, actor: Any, employee: Employee, work_date: dt.date) -> list[ClockRecord]:
    """Every version of a day's record, newest first (the original is kept)."""
    employee_get(actor=actor, employee_id=employee.pk)
    return list(
        ClockRecord.objects.filter(employee=employee, work_date=work_date).order_by("-version")
    )


def month_list(*, actor: Any) -> QuerySet[AttendanceMonth]:
    require(actor, "attendance.clock")
    return AttendanceMonth.objects.all()


def leave_request_list(*, actor: Any) -> QuerySet[Any]:
    """The actor's own leave requests, newest first."""
    from urakata.attendance.models import LeaveRequest

    require(actor, "attendance.clock")
    return LeaveRequest.objects.filter(employee=own_employee(actor)).order_by("-date", "-pk")


def correction_list(*, actor: Any, employee_ids: Any) -> QuerySet[Any]:
    """Pending clock corrections of the given employees (in the actor's scope)."""
    from urakata.attendance.models import ClockCorrection

    require(actor, "attendance.clock")
    return (
        ClockCorrection.objects.filter(employee_id__in=employee_ids, status="pending")
        .filter(employee__in=visible_employee_ids(actor))
        .select_related("employee")
        .order_by("work_date")
    )
