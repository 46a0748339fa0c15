"""Attendance REST endpoints: clock events, records, corrections, summaries, alerts, leave."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Query, Router, Schema, Status
from pydantic import Field

from urakata.attendance import agreement, leave, requests, selectors, services, special
from urakata.attendance.api_settings import router as settings_router
from urakata.attendance.figures import month_bounds
from urakata.core.api import API_ERRORS, PageMeta, paginate
from urakata.core.schema_types import BusinessDate, Month, PageNumber, PageSize

router = Router(tags=["attendance"])
router.add_router("/settings", settings_router)
Code = Annotated[str, Field(max_length=20)]
Note = Annotated[str, Field(max_length=200)]
DayMinute = Annotated[int, Field(ge=0, le=1439)]
EndMinute = Annotated[int, Field(ge=1, le=2879)]
Minutes = Annotated[int, Field(ge=0, le=1440)]


class ClockIn(Schema):
    action: Literal["in", "out", "break_start", "break_end"]
    location_note: Note = ""
    source: Literal["web", "phone"] = "web"


class RecordOut(Schema):
    id: int
    employee_code: str
    work_date: dt.date
    start: str
    end: str
    break_minutes: int
    version: int
    source: str


def _record_out(record: Any) -> dict[str, Any]:
    return {
        "id": record.pk,
        "employee_code": record.employee.code,
        "work_date": record.work_date,
        "start": services.minute_text(record.start_minute),
        "end": services.minute_text(record.end_minute),
        "break_minutes": record.break_minutes,
        "version": record.version,
        "source": record.source,
    }


@router.post("/clock", response={200: RecordOut, **API_ERRORS})
def clock(request: HttpRequest, payload: ClockIn) -> Any:
    """打刻: clock in or out, start or end a break (now, for the signed-in employee)."""
    user = request.user
    if payload.action == "in":
        record = services.clock_in(
            actor=user, location_note=payload.location_note, source=payload.source
        )
    elif payload.action == "out":
        record = services.clock_out(actor=user, location_note=payload.location_note)
    else:
        record = services.clock_break(actor=user, start=payload.action == "break_start")
    return _record_out(record)


class RecordPage(Schema):
    items: list[RecordOut]
    meta: PageMeta


class MonthQuery(Schema):
    month: Month
    employee_code: Code = ""


def _employee(request: HttpRequest, code: str) -> Any:
    if code:
        return selectors.employee_get(actor=request.user, code=code)
    return selectors.own_employee(request.user)


@router.get("/records", response={200: RecordPage, **API_ERRORS})
def list_records(
    request: HttpRequest, filters: Query[MonthQuery], page: PageNumber = 1, page_size: PageSize = 50
) -> Any:
    """An employee's records of a month (own by default; managers their team; HR all)."""
    year, month = selectors.parse_year_month(filters.month)
    employee = _employee(request, filters.employee_code)
    first, last = month_bounds(year, month)
    queryset = selectors.record_list(actor=request.user, employee=employee, first=first, last=last)
    items, meta = paginate(queryset.select_related("employee"), page=page, page_size=page_size)
    return {"items": [_record_out(r) for r in items], "meta": meta}


class SummaryOut(Schema):
    employee_code: str
    month: str
    closed: bool
    worked_minutes: int
    scheduled_minutes: int
    within_statutory_overtime_minutes: int
    legal_overtime_minutes: int
    overtime_over_60h_minutes: int
    late_night_minutes: int
    legal_holiday_minutes: int
    scheduled_holiday_minutes: int
    absence_days: int
    paid_leave_days: float
    worked_days: int
    scheduled_days: int
    late_minutes: int
    early_leave_minutes: int


@router.get("/summary", response={200: SummaryOut, **API_ERRORS})
def month_summary(request: HttpRequest, filters: Query[MonthQuery]) -> Any:
    """月次集計 of an employee (the same figures as `urakata attendance month`)."""
    year, month = selectors.parse_year_month(filters.month)
    employee = _employee(request, filters.employee_code)
    figures = selectors.month_summary(actor=request.user, employee=employee, year=year, month=month)
    return {"employee_code": employee.code, "month": filters.month, **figures.as_json()}


class ClockCorrectionIn(Schema):
    work_date: BusinessDate
    start_minute: DayMinute
    end_minute: EndMinute
    break_minutes: Minutes = 0
    reason: Note


class ClockCorrectionOut(Schema):
    id: int
    work_date: dt.date
    status: str


@router.post("/corrections", response={201: ClockCorrectionOut, **API_ERRORS})
def create_correction(request: HttpRequest, payload: ClockCorrectionIn) -> Any:
    """打刻修正申請 (routed for approval; the original record is kept)."""
    row = requests.correction_submit(
        actor=request.user,
        work_date=payload.work_date,
        start=payload.start_minute,
        end=payload.end_minute,
        break_minutes=payload.break_minutes,
        reason=payload.reason,
    )
    return Status(201, {"id": row.pk, "work_date": row.work_date, "status": row.status})


class AlertOut(Schema):
    employee_code: str
    kind: str
    value: int
    limit: int


@router.get("/alerts", response={200: list[AlertOut], **API_ERRORS})
def list_alerts(request: HttpRequest, month: Month) -> Any:
    """36協定 alerts of a month (managers: their team; HR: everyone). Minutes."""
    year, number = selectors.parse_year_month(month)
    return [a.as_json() for a in agreement.alert_list(actor=request.user, year=year, month=number)]


class CloseOut(Schema):
    month: str
    employees: int
    unconfirmed_departments: list[str]


@router.post("/months/{month}/close", response={200: CloseOut, **API_ERRORS})
def close_month(request: HttpRequest, month: Month) -> Any:
    """月次締め (HR): snapshot the figures for payroll and lock the month."""
    year, number = selectors.parse_year_month(month)
    result = services.month_close(actor=request.user, year=year, month=number)
    return {
        "month": month,
        "employees": result.employees,
        "unconfirmed_departments": result.unconfirmed_departments,
    }


class BalanceQuery(Schema):
    employee_code: Code = ""
    on: BusinessDate | None = None


class GrantOut(Schema):
    granted_on: str
    days: float
    expires_on: str
    used: float


class BalanceOut(Schema):
    remaining_days: float
    remaining_hours: int
    grants: list[GrantOut]
    obligation: dict[str, Any] | None


@router.get("/leave/balance", response={200: BalanceOut, **API_ERRORS})
def leave_balance(request: HttpRequest, filters: Query[BalanceQuery]) -> Any:
    """年休の残日数, grants and the 5-day obligation (same as `urakata leave balance`)."""
    employee = _employee(request, filters.employee_code)
    selectors.employee_get(actor=request.user, employee_id=employee.pk)
    return leave.balance_on(employee, filters.on or selectors.local_today()).as_json()


class LeaveIn(Schema):
    date: BusinessDate
    unit: Literal["full", "am", "pm", "hours"] = "full"
    hours: Annotated[int, Field(ge=0, le=23)] = 0
    kind: Literal["annual", "special"] = "annual"
    reason: Note = ""
    special_type: Annotated[str, Field(max_length=20)] = ""
    evidence: Note = ""


class LeaveOut(Schema):
    id: int
    date: dt.date
    unit: str
    hours: int
    kind: str
    special_type: str
    status: str


def _leave_out(row: Any) -> dict[str, Any]:
    return {
        "id": row.pk,
        "date": row.date,
        "unit": row.unit,
        "hours": row.hours,
        "kind": row.kind,
        "special_type": row.special_type.code if row.special_type_id else "",
        "status": row.status,
    }


@router.post("/leave/requests", response={201: LeaveOut, **API_ERRORS})
def create_leave_request(request: HttpRequest, payload: LeaveIn) -> Any:
    """休暇申請 (checked against the balance, routed for approval)."""
    row = requests.leave_request_submit(
        actor=request.user,
        date=payload.date,
        unit=payload.unit,
        hours=payload.hours,
        kind=payload.kind,
        reason=payload.reason,
        special_type=payload.special_type,
        evidence=payload.evidence,
    )
    return Status(201, _leave_out(row))


class LeavePage(Schema):
    items: list[LeaveOut]
    meta: PageMeta


@router.get("/leave/requests", response={200: LeavePage, **API_ERRORS})
def list_leave_requests(
    request: HttpRequest, page: PageNumber = 1, page_size: PageSize = 50
) -> Any:
    """The signed-in employee's leave requests, newest first."""
    queryset = selectors.leave_request_list(actor=request.user)
    items, meta = paginate(queryset, page=page, page_size=page_size)
    return {"items": [_leave_out(r) for r in items], "meta": meta}


class AttSpecialBalanceOut(Schema):
    code: str
    name: str
    per_year: bool
    paid: bool
    days: float
    used: float
    remaining: float | None


@router.get("/leave/special-balance", response={200: list[AttSpecialBalanceOut], **API_ERRORS})
def special_balance(request: HttpRequest, filters: Query[BalanceQuery]) -> Any:
    """特別休暇: each type's days this calendar year, used (pending included) and remaining."""
    employee = _employee(request, filters.employee_code)
    selectors.employee_get(actor=request.user, employee_id=employee.pk)
    return special.special_balances(employee, filters.on or selectors.local_today())
