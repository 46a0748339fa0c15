"""Demo attendance: a year of clock records for the demo company, with realistic overtime (some
near the 36協定 limits, one 特別条項 month), night work, holiday work, leave taken and expiring."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction

from urakata.attendance import leave, services
from urakata.attendance.calendar import day_kinds
from urakata.attendance.compute import LEGAL_HOLIDAY, SCHEDULED_HOLIDAY, WORKDAY
from urakata.attendance.models import (
    Agreement36,
    ClockRecord,
    LeaveGrant,
    LeaveRequest,
    LeaveUse,
    WorkRule,
    WorkRuleAssignment,
)
from urakata.attendance.schedule import (
    Plans,
    periods_between,
    variable_day_kinds,
    variable_schedule_save,
)
from urakata.attendance.variable import PlannedDay
from urakata.core.audit import audit_record
from urakata.core.permissions import SYSTEM
from urakata.org.models import Employee


def _rules() -> dict[str, WorkRule]:
    return {
        "STD": WorkRule.objects.create(code="STD", name="標準(固定時間制)", is_default=True),
        "FLEX": WorkRule.objects.create(
            code="FLEX",
            name="フレックスタイム制",
            kind="flex",
            core_start=dt.time(10, 0),
            core_end=dt.time(15, 0),
        ),
        "PART": WorkRule.objects.create(
            code="PART", name="パート(週4日・6時間)", workdays="0123", end_time=dt.time(16, 0)
        ),
        "SUP": WorkRule.objects.create(code="SUP", name="管理監督者", is_supervisor=True),
        "SHIFT": WorkRule.objects.create(
            code="SHIFT", name="店舗シフト(1か月単位の変形労働時間制)", kind="variable"
        ),
    }


def _shift_calendar(actor: Any, rule: WorkRule, first: dt.date, last: dt.date) -> Plans:
    """A month's calendar for each period: 10 h days in the first week (month-start rush), 6 h
    in the 2nd and 3rd, 8 h after; weekdays only — always within the 総枠."""
    plans: Plans = {}
    for p_first, p_last in periods_between(rule, first, last):
        days: Plans = {}
        day = p_first
        while day <= p_last:
            if day.weekday() < 5:
                hours = 10 if day.day <= 7 else (6 if day.day <= 21 else 8)
                start = 8 * 60 if hours == 10 else 9 * 60
                days[day] = PlannedDay(start, start + hours * 60 + 60, 60)
            day += dt.timedelta(days=1)
        variable_schedule_save(actor=actor, rule=rule, period_start=p_first, days=days)
        plans.update(days)
    return plans


def _profile(index: int, employee: Employee) -> str:
    if employee.employment_type == Employee.EmploymentType.EXECUTIVE:
        return "SUP"
    if index % 9 == 8:
        return "PART"
    if index % 11 == 5:
        return "SHIFT"
    if index % 7 == 3:
        return "FLEX"
    return "STD"


def _shift(rng: random.Random, heavy: int, rule: str) -> tuple[int, int, int]:
    """(start, end, break) of an ordinary day; `heavy` 0–3 sets the overtime level."""
    start = (
        9 * 60 + rng.choice((-20, -10, -5, 0, 0, 0, 5, 15))
        if rule != "FLEX"
        else rng.randint(480, 630)
    )
    if rule == "PART":
        return 9 * 60 + rng.choice((-5, 0, 0, 5)), 16 * 60 + rng.choice((0, 0, 10, 30)), 60
    extra = (0, 40, 110, 150)[heavy] + rng.randint(-30, 45)
    end = max(start + 9 * 60 - 30, 18 * 60 + extra) if rule != "FLEX" else start + 9 * 60 + extra
    return start, end, 60


def seed(*, actor: Any, today: dt.date, rng: random.Random) -> dict[str, Any]:
    """Rules, a 36協定 with 特別条項, grants, a year of records and leave; closed past months."""
    actor = SYSTEM if actor is None else actor
    first = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    first = first.replace(year=first.year - 1)
    last = today - dt.timedelta(days=1)
    fiscal = dt.date(today.year if today.month >= 4 else today.year - 1, 4, 1)
    for start in (fiscal.replace(year=fiscal.year - 1), fiscal):
        Agreement36.objects.create(effective_from=start, special_clause=True)
    _special_types(actor)
    rules = _rules()
    employees = list(Employee.objects.exclude(status=Employee.Status.ON_LEAVE).order_by("code"))
    assignments = {}
    for index, employee in enumerate(employees):
        code = _profile(index, employee)
        assignments[employee.pk] = code
        if code != "STD":
            WorkRuleAssignment.objects.create(employee=employee, rule=rules[code])
    leave.leave_grants_run(actor=actor, on=first)
    leave.leave_grants_run(actor=actor, on=today)
    kinds = {code: day_kinds(rule, first, last) for code, rule in rules.items()}
    plans = _shift_calendar(actor, rules["SHIFT"], first, last)
    periods = periods_between(rules["SHIFT"], first, last)
    kinds["SHIFT"] = variable_day_kinds(kinds["SHIFT"], periods, plans)
    records, requests = _days(rng, employees, assignments, (kinds, plans), first, last)
    with transaction.atomic():
        ClockRecord.objects.bulk_create(records, batch_size=2000)
        audit_record(
            actor=actor,
            action="attendance.record.import",
            target_type="attendance.clockrecord",
            changes={"file": "demo time recorder", "created": len(records)},
        )
    booked = _leave(actor, requests)
    closed = _close(actor, first, today)
    return {"records": len(records), "leave_days": booked, "closed_months": closed}


def _days(
    rng: random.Random,
    employees: list[Employee],
    assignments: dict[int, str],
    calendars: tuple[dict[str, dict[dt.date, str]], Plans],
    first: dt.date,
    last: dt.date,
) -> tuple[list[ClockRecord], list[LeaveRequest]]:
    kinds, plans = calendars
    records: list[ClockRecord] = []
    requests: list[LeaveRequest] = []
    special_month = (last.replace(day=1) - dt.timedelta(days=70)).replace(day=1)
    for index, employee in enumerate(employees):
        rule = assignments[employee.pk]
        heavy = 3 if index in (4, 11, 23) else (2 if index % 5 == 0 else rng.choice((0, 1, 1)))
        night = index == 6
        leave_rate = 0.015 if index % 10 == 2 else 0.045  # some take too little (5-day risk)
        start_day = max(first, employee.hire_date)
        end_day = min(last, employee.retire_date or last)
        day = start_day
        while day <= end_day:
            kind = kinds[rule][day]
            shift = None
            if kind == WORKDAY:
                if rng.random() < leave_rate and rule != "SUP":
                    unit = rng.choice(("full", "full", "full", "am"))
                    requests.append(
                        LeaveRequest(employee=employee, date=day, unit=unit, status="approved")
                    )
                    if unit == "full":
                        day += dt.timedelta(days=1)
                        continue
                shift = _shift(rng, heavy, rule)
                if rule == "SHIFT":
                    plan = plans[day]
                    shift = (plan.start, plan.end + rng.choice((0, 0, 15, 30, 60)), 60)
                if heavy == 3 and day.replace(day=1) == special_month and index == 4:
                    shift = (shift[0], shift[1] + 90, shift[2])  # the 特別条項 month
                if night and day.weekday() in (1, 3) and rng.random() < 0.5:
                    shift = (22 * 60, 31 * 60, 60)
            elif kind == SCHEDULED_HOLIDAY and heavy >= 2 and rng.random() < 0.25:
                shift = (9 * 60, 9 * 60 + rng.choice((180, 240, 300)), 0)
            elif kind == LEGAL_HOLIDAY and heavy == 3 and rng.random() < 0.06:
                shift = (10 * 60, 15 * 60, 60)
            if shift is not None:
                records.append(
                    ClockRecord(
                        employee=employee,
                        work_date=day,
                        start_minute=shift[0],
                        end_minute=shift[1],
                        break_minutes=shift[2],
                        source=ClockRecord.Source.IMPORT,
                    )
                )
            day += dt.timedelta(days=1)
    return records, requests


def _special_types(actor: Any) -> None:
    """特別休暇 by the demo company's rule: 慶弔 (per event, evidence), 夏季 (3 days a year),
    リフレッシュ (5 days a year after 5 years' service)."""
    from urakata.attendance.special import special_type_save

    special_type_save(
        actor=actor, code="KEICHO", name="慶弔休暇", days=Decimal("5"), evidence_required=True
    )
    special_type_save(actor=actor, code="SUMMER", name="夏季休暇", days=Decimal("3"), per_year=True)
    special_type_save(
        actor=actor,
        code="REFRESH",
        name="リフレッシュ休暇",
        days=Decimal("5"),
        per_year=True,
        min_tenure_months=60,
    )


def _leave(actor: Any, requests: list[LeaveRequest]) -> int:
    """Approved leave booked on the grants, oldest first (as `leave_book` does, in memory);
    days without a balance are dropped."""
    from django.utils import timezone

    grants: dict[int, list[list[Any]]] = {}
    for grant in LeaveGrant.objects.order_by("granted_on"):
        grants.setdefault(grant.employee_id, []).append([grant, grant.days])
    kept: list[LeaveRequest] = []
    uses: list[tuple[LeaveRequest, LeaveGrant, Decimal]] = []
    now = timezone.now()
    for request in requests:
        need = Decimal("1") if request.unit == "full" else Decimal("0.5")
        valid = [
            g
            for g in grants.get(request.employee_id, [])
            if g[0].granted_on <= request.date <= g[0].expires_on and g[1] > 0
        ]
        if sum(g[1] for g in valid) < need:
            continue
        request.requested_at = now
        request.decided_at = now
        kept.append(request)
        for g in valid:
            take = min(g[1], need)
            g[1] -= take
            need -= take
            uses.append((request, g[0], take))
            if need <= 0:
                break
    with transaction.atomic():
        LeaveRequest.objects.bulk_create(kept, batch_size=1000)
        LeaveUse.objects.bulk_create(
            [LeaveUse(request=r, grant=g, date=r.date, days=d) for r, g, d in uses],
            batch_size=1000,
        )
        audit_record(
            actor=actor,
            action="attendance.leave.approved",
            target_type="attendance.leaverequest",
            changes={"demo": True, "requests": len(kept)},
        )
    return len(kept)


def _close(actor: Any, first: dt.date, today: dt.date) -> int:
    """Close every complete month (the current one stays open), so payroll can pay the last."""
    closed = 0
    month = first
    stop = today.replace(day=1)
    while month < stop:
        services.month_close(actor=actor, year=month.year, month=month.month)
        closed += 1
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return closed
