"""What the attendance pages show: built from selectors in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

from urakata.attendance import agreement, leave, selectors
from urakata.attendance.calendar import day_kinds
from urakata.attendance.compute import LEGAL_HOLIDAY, SCHEDULED_HOLIDAY
from urakata.attendance.figures import month_bounds, month_figures_many, rules_for
from urakata.attendance.models import (
    AttendanceMonth,
    ClockRecord,
    DepartmentConfirmation,
    LeaveGrant,
    LeaveRequest,
    RequestStatus,
)
from urakata.attendance.services import minute_text
from urakata.attendance.special import special_balances
from urakata.core.errors import NotFound
from urakata.core.permissions import can
from urakata.core.tables import audit_export, table_response
from urakata.org.models import Department

WEEKDAYS = ("月", "火", "水", "木", "金", "土", "日")


def _nav(year: int, month: int) -> dict[str, str]:
    prev = (year - 1, 12) if month == 1 else (year, month - 1)
    nxt = (year + 1, 1) if month == 12 else (year, month + 1)
    return {
        "month_text": f"{year}-{month:02d}",
        "prev_month": f"{prev[0]}-{prev[1]:02d}",
        "next_month": f"{nxt[0]}-{nxt[1]:02d}",
    }


def hours(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def timecard_context(user: Any, employee: Any, year: int, month: int) -> dict[str, Any]:
    first, last = month_bounds(year, month)
    rule = rules_for([employee.pk])[employee.pk]
    kinds = day_kinds(rule, first, last)
    records = {
        r.work_date: r
        for r in selectors.record_list(actor=user, employee=employee, first=first, last=last)
    }
    leaves = {
        r.date: r
        for r in LeaveRequest.objects.filter(employee=employee, date__gte=first, date__lte=last)
        .select_related("special_type")
        .exclude(status__in=[RequestStatus.REJECTED, RequestStatus.WITHDRAWN])
    }
    days = []
    for offset in range((last - first).days + 1):
        day = first + dt.timedelta(days=offset)
        record = records.get(day)
        days.append(
            {
                "date": day,
                "weekday": WEEKDAYS[day.weekday()],
                "kind": {LEGAL_HOLIDAY: _("法定休日"), SCHEDULED_HOLIDAY: _("所定休日")}.get(
                    kinds[day], ""
                ),
                "start": minute_text(record.start_minute) if record else "",
                "end": minute_text(record.end_minute) if record else "",
                "break_minutes": record.break_minutes if record else "",
                "version": record.version if record else 0,
                "leave": leaves.get(day),
            }
        )
    figures = selectors.month_figures(employee_id=employee.pk, year=year, month=month)
    today = selectors.local_today()
    open_record = (
        ClockRecord.objects.filter(
            employee=employee,
            is_current=True,
            end_minute__isnull=True,
            work_date__gte=today - dt.timedelta(days=1),
        )
        .order_by("-work_date")
        .first()
    )
    return {
        **_nav(year, month),
        "employee": employee,
        "rule": rule,
        "days": days,
        "figures": figures,
        "figure_rows": _figure_rows(figures),
        "balance": leave.balance_on(employee, today),
        "special_balances": special_balances(employee, today),
        "open_record": open_record,
        "on_break": bool(open_record and open_record.break_started_minute is not None),
        "today": today,
        "leave_requests": _recent_leave(employee),
        "closed": selectors.month_is_closed(year=year, month=month),
    }


def _recent_leave(employee: Any) -> list[LeaveRequest]:
    rows = LeaveRequest.objects.filter(employee=employee).select_related("special_type")
    return list(rows.order_by("-date")[:10])


def _figure_rows(figures: Any) -> list[tuple[str, str]]:
    return [
        (_("総労働時間"), hours(figures.worked_minutes)),
        (_("所定内"), hours(figures.scheduled_minutes)),
        (_("法定内残業"), hours(figures.within_statutory_overtime_minutes)),
        (_("時間外(法定外)"), hours(figures.legal_overtime_minutes)),
        (_("うち60時間超"), hours(figures.overtime_over_60h_minutes)),
        (_("深夜"), hours(figures.late_night_minutes)),
        (_("法定休日労働"), hours(figures.legal_holiday_minutes)),
        (_("所定休日労働"), hours(figures.scheduled_holiday_minutes)),
        (_("遅刻・早退"), hours(figures.late_minutes + figures.early_leave_minutes)),
        (_("欠勤日数"), str(figures.absence_days)),
        (_("有給取得日数"), str(figures.paid_leave_days)),
    ]


def department_for(user: Any, code: str) -> Department:
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise NotFound(_("部署が見つかりません。"))
    return department


def _members(user: Any, year: int, month: int) -> tuple[list[Any], dict[int, Any]]:
    _first, last = month_bounds(year, month)
    members = list(selectors.employees_in_scope(actor=user).filter(hire_date__lte=last))
    spans: dict[int, tuple[dt.date | None, dt.date | None]] = {
        e.pk: (e.hire_date, e.retire_date) for e in members
    }
    today = selectors.local_today()
    return members, month_figures_many(spans, year, month, today=min(today, last))


def team_context(user: Any, year: int, month: int) -> dict[str, Any]:
    members, figures = _members(user, year, month)
    limits = agreement.agreement_for(month_bounds(year, month)[0])
    threshold = limits.monthly_limit_minutes * limits.warn_percent // 100
    rows = [
        {
            "employee": e,
            "figures": figures[e.pk],
            "overtime": hours(figures[e.pk].legal_overtime_minutes),
            "worked": hours(figures[e.pk].worked_minutes),
            "night": hours(figures[e.pk].late_night_minutes),
            "holiday": hours(figures[e.pk].legal_holiday_minutes),
            "over": figures[e.pk].legal_overtime_minutes >= threshold,
        }
        for e in sorted(members, key=lambda m: m.code)
    ]
    employee = getattr(user, "employee", None)
    managed = list(Department.objects.filter(manager=employee)) if employee else []
    confirmed = set(
        DepartmentConfirmation.objects.filter(year=year, month=month).values_list(
            "department_id", flat=True
        )
    )
    return {
        **_nav(year, month),
        "rows": rows,
        "threshold": hours(threshold),
        "corrections": selectors.correction_list(actor=user, employee_ids=[e.pk for e in members]),
        "departments": [(d, d.pk in confirmed) for d in managed],
        "closed": selectors.month_is_closed(year=year, month=month),
    }


def hr_context(user: Any, year: int, month: int) -> dict[str, Any]:
    members, figures = _members(user, year, month)
    by_department: dict[str, int] = defaultdict(int)
    for e in members:
        name = e.department.name if e.department else _("(未所属)")
        by_department[name] += figures[e.pk].legal_overtime_minutes
    top = max(by_department.values(), default=0) or 1
    bars = [
        {"name": name, "value": hours(value), "percent": value * 100 // top}
        for name, value in sorted(by_department.items(), key=lambda kv: -kv[1])
    ]
    alerts = agreement.alert_list(actor=user, year=year, month=month)
    return {
        **_nav(year, month),
        "bars": bars,
        "alerts": [
            {
                "alert": a,
                "label": agreement.alert_kind_label(a.kind),
                "value": hours(a.value) if "months" not in a.kind else a.value,
                "limit": hours(a.limit) if "months" not in a.kind else a.limit,
            }
            for a in alerts
        ],
        "risks": leave.obligation_risks(actor=user, on=selectors.local_today()),
        "closed": selectors.month_is_closed(year=year, month=month),
        "months": AttendanceMonth.objects.order_by("-year", "-month")[:12],
        "can_close": can(user, "attendance.manage"),
        "employees": len(members),
    }


def leave_register_response(user: Any, today: dt.date) -> HttpResponseBase:
    """年次有給休暇管理簿: one row per grant still within its two years."""
    grants = (
        LeaveGrant.objects.filter(expires_on__gte=today - dt.timedelta(days=366 * 3))
        .select_related("employee")
        .order_by("employee__code", "granted_on")
    )
    taken: dict[int, list[str]] = defaultdict(list)
    for _request_id, grant_id, date in (
        LeaveRequest.objects.filter(status=RequestStatus.APPROVED, uses__isnull=False)
        .values_list("pk", "uses__grant_id", "date")
        .order_by("date")
    ):
        taken[grant_id].append(date.isoformat())
    rows = [
        [
            g.employee.code,
            g.employee.full_name,
            g.granted_on.isoformat(),
            str(g.days),
            g.expires_on.isoformat(),
            len(taken[g.pk]),
            " ".join(taken[g.pk]),
        ]
        for g in grants
    ]
    audit_export(
        actor=user,
        action="attendance.leave_register.export",
        file_format="csv",
        rows=len(rows),
        filters={"on": today.isoformat()},
    )
    header = ["社員番号", "氏名", "基準日", "付与日数", "失効日", "取得回数", "取得日"]
    return table_response(file_format="csv", header=header, rows=rows, filename="leave-register")
