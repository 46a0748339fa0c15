"""HR settings API (人事, `attendance.manage`): work rules and shift calendars, the company
calendar, the 36協定, paid-leave settings and 計画的付与. The same services (and validation
messages, 422) as the settings pages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import Field

from urakata.attendance import setup
from urakata.attendance.models import (
    Agreement36,
    CompanyDay,
    LeaveSettings,
    ScheduledDay,
    SpecialLeaveType,
    WorkRule,
)
from urakata.attendance.planned import leave_planned_for_codes
from urakata.attendance.schedule import (
    schedule_employee,
    schedule_parse,
    variable_schedule_save,
)
from urakata.attendance.services import minute_text
from urakata.attendance.special import TYPE_FIELDS, special_type_save
from urakata.core.api import API_ERRORS
from urakata.core.errors import NotFound, ValidationFailed
from urakata.core.permissions import require
from urakata.core.schema_types import BusinessDate

router = Router(tags=["attendance"])
Code = Annotated[str, Field(min_length=1, max_length=20)]
Weekday = Annotated[int, Field(ge=0, le=6)]
HhMm = Annotated[str, Field(pattern=r"^\d{1,2}:\d{2}$")]
Limit = Annotated[int, Field(ge=0, le=8784 * 60)]


class AttRuleIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    kind: Literal["fixed", "flex", "variable"] = "fixed"
    # Times of day as "HH:MM" (a JSON-schema `time` would need a UTC offset, which a rule has not)
    start_time: HhMm = "09:00"
    end_time: HhMm = "18:00"
    break_start: HhMm = "12:00"
    break_minutes: Annotated[int, Field(ge=0, le=600)] = 60
    workdays: Annotated[str, Field(max_length=7)] = "01234"
    legal_holiday_weekday: Weekday = 6
    week_start: Weekday = 6
    national_holidays_off: bool = True
    core_start: HhMm | None = None
    core_end: HhMm | None = None
    is_supervisor: bool = False
    is_default: bool = False
    period_start_day: Annotated[int, Field(ge=1, le=31)] = 1


class AttRuleOut(AttRuleIn):
    code: str


TIME_FIELDS = ("start_time", "end_time", "break_start", "core_start", "core_end")


def _rule_out(rule: WorkRule) -> dict[str, Any]:
    out = {"code": rule.code, **{f: getattr(rule, f) for f in setup.RULE_FIELDS}}
    for field in TIME_FIELDS:
        if isinstance(out.get(field), dt.time):
            out[field] = out[field].strftime("%H:%M")
    return out


def _rule_times(values: dict[str, Any]) -> dict[str, Any]:
    """ "HH:MM" → time; a time that does not exist (25:00, 9:75) is a 422 naming its field."""
    wrong = []
    for field in TIME_FIELDS:
        text = values.get(field)
        if text is None:
            continue
        hours, minutes = (int(part) for part in text.split(":"))
        if hours > 23 or minutes > 59:
            wrong.append(field)
        else:
            values[field] = dt.time(hours, minutes)
    if wrong:
        message = _("時刻は 00:00〜23:59 の HH:MM で指定してください。")
        raise ValidationFailed(message, errors={k: [message] for k in wrong})
    return values


@router.get("/rules", response={200: list[AttRuleOut], **API_ERRORS})
def list_rules(request: HttpRequest) -> Any:
    """就業規則 (all)."""
    require(request.user, "attendance.manage")
    return [_rule_out(r) for r in WorkRule.objects.order_by("code")]


@router.put("/rules/{code}", response={200: AttRuleOut, **API_ERRORS})
def put_rule(request: HttpRequest, code: Code, payload: AttRuleIn) -> Any:
    """Create or change a 就業規則 by code (the whole rule)."""
    values = _rule_times(payload.dict())
    values["workdays"] = "".join(sorted(set(values["workdays"])))
    rule = setup.work_rule_save(actor=request.user, code=code, **values)
    return _rule_out(rule)


class AttShiftQuery(Schema):
    period_start: BusinessDate
    employee_code: Annotated[str, Field(max_length=20)] = ""


class AttShiftDay(Schema):
    date: dt.date
    start: HhMm
    end: HhMm
    break_minutes: Annotated[int, Field(ge=0, le=1440)] = 0


class AttShiftIn(Schema):
    period_start: BusinessDate
    employee_code: Annotated[str, Field(max_length=20)] = ""
    days: Annotated[list[AttShiftDay], Field(max_length=62)]


class AttShiftOut(Schema):
    rule_code: str
    employee_code: str
    period_start: dt.date
    days: list[AttShiftDay]


def _rule(code: str) -> WorkRule:
    rule = WorkRule.objects.filter(code=code).first()
    if rule is None:
        raise NotFound(_("就業規則が見つかりません。"))
    return rule


def _shift_out(rule: WorkRule, start: dt.date, code: str, rows: Any) -> dict[str, Any]:
    days = [
        {
            "date": r.date,
            "start": minute_text(r.start_minute),
            "end": minute_text(r.end_minute % 1440),
            "break_minutes": r.break_minutes,
        }
        for r in rows
    ]
    return {"rule_code": rule.code, "employee_code": code, "period_start": start, "days": days}


@router.get("/rules/{code}/schedule", response={200: AttShiftOut, **API_ERRORS})
def get_schedule(request: HttpRequest, code: Code, filters: Query[AttShiftQuery]) -> Any:
    """The shift calendar (変形労働時間制) of the period from `period_start`: the rule's, or an
    employee's own."""
    from urakata.attendance.variable import period_of

    require(request.user, "attendance.manage")
    rule = _rule(code)
    employee = schedule_employee(filters.employee_code)
    first, last = period_of(filters.period_start, rule.period_start_day)
    owner: dict[str, Any] = {"employee": employee} if employee else {"rule": rule}
    rows = ScheduledDay.objects.filter(date__gte=first, date__lte=last, **owner)
    return _shift_out(rule, first, filters.employee_code, rows)


@router.put("/rules/{code}/schedule", response={200: AttShiftOut, **API_ERRORS})
def put_schedule(request: HttpRequest, code: Code, payload: AttShiftIn) -> Any:
    """Replace a period's shift calendar (総枠 checked; messages name the day by its position,
    「n行目」, as in the CSV form). An end before the start is the next day."""
    require(request.user, "attendance.manage")
    rule = _rule(code)
    employee = schedule_employee(payload.employee_code)
    lines = [f"{d.date.isoformat()},{d.start},{d.end},{d.break_minutes}" for d in payload.days]
    rows = variable_schedule_save(
        actor=request.user,
        rule=rule,
        period_start=payload.period_start,
        days=schedule_parse("\n".join(lines)),
        employee=employee,
    )
    return _shift_out(rule, payload.period_start, payload.employee_code, rows)


class AttCalendarQuery(Schema):
    year: Annotated[int, Field(ge=2000, le=2100)]


class AttCalendarIn(Schema):
    kind: Literal["off", "work", "default"]
    name: Annotated[str, Field(max_length=100)] = ""


class AttCalendarDayOut(Schema):
    date: dt.date
    is_day_off: bool
    name: str


@router.get("/calendar", response={200: list[AttCalendarDayOut], **API_ERRORS})
def list_calendar(request: HttpRequest, filters: Query[AttCalendarQuery]) -> Any:
    """会社カレンダー of a year: company days off and working days (national holidays aside)."""
    require(request.user, "attendance.manage")
    rows = CompanyDay.objects.filter(date__year=filters.year).order_by("date")
    return [{"date": r.date, "is_day_off": r.is_day_off, "name": r.name} for r in rows]


@router.put("/calendar/{date}", response={200: AttCalendarDayOut, **API_ERRORS})
def put_calendar_day(request: HttpRequest, date: BusinessDate, payload: AttCalendarIn) -> Any:
    """Set a day: a company day off, a working day (e.g. on a holiday) or back to the default
    (`default`: the answer shows the default, not a company day)."""
    off = {"off": True, "work": False}.get(payload.kind)
    row = setup.company_day_set(actor=request.user, date=date, is_day_off=off, name=payload.name)
    if row is None:
        return {"date": date, "is_day_off": False, "name": ""}
    return {"date": row.date, "is_day_off": row.is_day_off, "name": row.name}


class AttAgreementIn(Schema):
    monthly_limit_minutes: Limit = 45 * 60
    annual_limit_minutes: Limit = 360 * 60
    special_clause: bool = False
    special_monthly_limit_minutes: Limit = 80 * 60
    special_annual_limit_minutes: Limit = 720 * 60
    special_months_allowed: Annotated[int, Field(ge=0, le=12)] = 6
    warn_percent: Annotated[int, Field(ge=0, le=1000)] = 80


class AttAgreementOut(AttAgreementIn):
    effective_from: dt.date


def _agreement_out(row: Agreement36) -> dict[str, Any]:
    fields = AttAgreementIn.model_fields
    return {"effective_from": row.effective_from, **{f: getattr(row, f) for f in fields}}


@router.get("/agreements", response={200: list[AttAgreementOut], **API_ERRORS})
def list_agreements(request: HttpRequest) -> Any:
    """36協定 per agreement year (minutes), newest first."""
    require(request.user, "attendance.manage")
    return [_agreement_out(r) for r in Agreement36.objects.order_by("-effective_from")]


@router.put("/agreements/{effective_from}", response={200: AttAgreementOut, **API_ERRORS})
def put_agreement(
    request: HttpRequest, effective_from: BusinessDate, payload: AttAgreementIn
) -> Any:
    """The 36協定 of the year from `effective_from` (legal caps checked: 422 with the field)."""
    row = setup.agreement_save(actor=request.user, effective_from=effective_from, **payload.dict())
    return _agreement_out(row)


class AttLeaveSettingsIn(Schema):
    uniform_grant_month: Annotated[int, Field(ge=1, le=12)] | None = None
    uniform_grant_day: Annotated[int, Field(ge=1, le=31)] = 1


class AttLeaveSettingsOut(AttLeaveSettingsIn):
    pass


@router.get("/leave", response={200: AttLeaveSettingsOut, **API_ERRORS})
def get_leave_settings(request: HttpRequest) -> Any:
    """年休の付与日: 斉一的付与 (month and day) or none (基準日 per hire date)."""
    require(request.user, "attendance.manage")
    row = LeaveSettings.objects.first()
    if row is None:
        return {"uniform_grant_month": None, "uniform_grant_day": 1}
    return {
        "uniform_grant_month": row.uniform_grant_month,
        "uniform_grant_day": row.uniform_grant_day,
    }


@router.put("/leave", response={200: AttLeaveSettingsOut, **API_ERRORS})
def put_leave_settings(request: HttpRequest, payload: AttLeaveSettingsIn) -> Any:
    """Change the grant date (a day the month lacks, e.g. 2/30: 422)."""
    row = setup.leave_settings_save(actor=request.user, **payload.dict())
    return {
        "uniform_grant_month": row.uniform_grant_month,
        "uniform_grant_day": row.uniform_grant_day,
    }


class AttPlannedIn(Schema):
    date: BusinessDate
    employee_codes: Annotated[list[Annotated[str, Field(max_length=20)]], Field(max_length=10000)]
    reason: Annotated[str, Field(min_length=1, max_length=200)] = "計画的付与"


class AttPlannedOut(Schema):
    date: dt.date
    booked: list[str]
    skipped: int


@router.post("/leave/planned", response={200: AttPlannedOut, **API_ERRORS})
def post_planned_leave(request: HttpRequest, payload: AttPlannedIn) -> Any:
    """計画的付与: book the day for the listed employees (empty list: everyone employed). An
    unknown code refuses the whole booking (422); those without balance are skipped."""
    booked, skipped = leave_planned_for_codes(
        actor=request.user, date=payload.date, codes=payload.employee_codes, reason=payload.reason
    )
    return {"date": payload.date, "booked": [r.employee.code for r in booked], "skipped": skipped}


class AttSpecialTypeIn(Schema):
    name: Annotated[str, Field(min_length=1, max_length=100)]
    per_year: bool = False
    days: Annotated[float, Field(gt=0, le=366)]
    paid: bool = True
    evidence_required: bool = False
    min_tenure_months: Annotated[int, Field(ge=0, le=600)] = 0
    counts_as_attendance: bool = True
    active: bool = True


class AttSpecialTypeOut(AttSpecialTypeIn):
    code: str


def _special_out(row: SpecialLeaveType) -> dict[str, Any]:
    return {"code": row.code, **{f: getattr(row, f) for f in TYPE_FIELDS}}


@router.get("/special-leave-types", response={200: list[AttSpecialTypeOut], **API_ERRORS})
def list_special_types(request: HttpRequest) -> Any:
    """特別休暇の種類 (company rule)."""
    require(request.user, "attendance.manage")
    return [_special_out(r) for r in SpecialLeaveType.objects.all()]


@router.put("/special-leave-types/{code}", response={200: AttSpecialTypeOut, **API_ERRORS})
def put_special_type(request: HttpRequest, code: Code, payload: AttSpecialTypeIn) -> Any:
    """Create or change a special-leave type (days in 0.5-day steps)."""
    values = payload.dict()
    values["days"] = Decimal(str(values["days"]))
    return _special_out(special_type_save(actor=request.user, code=code, **values))
