"""年次有給休暇 (労基法39条, facts.md §5.3): grants by tenure and scheduled days, balances, the
5-day obligation. Grants are used oldest first and lapse two years after the grant (115条)."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from urakata.attendance.calendar import day_kinds, rule_spec
from urakata.attendance.compute import WORKDAY
from urakata.attendance.figures import rules_for
from urakata.attendance.grant_dates import add_months, grant_dates
from urakata.attendance.models import (
    ClockRecord,
    LeaveGrant,
    LeaveRequest,
    LeaveSettings,
    LeaveUse,
    RequestStatus,
    WorkRule,
)
from urakata.core.audit import audit_record
from urakata.core.permissions import require
from urakata.org.models import Employee

# 付与日数 by 継続勤務 0.5y, 1.5y, … ≥6.5y (facts.md §5.3).
FULL_TIME = (10, 11, 12, 14, 16, 18, 20)
PROPORTIONAL = {
    4: (7, 8, 9, 10, 12, 13, 15),
    3: (5, 6, 6, 8, 9, 10, 11),
    2: (3, 4, 4, 5, 6, 6, 7),
    1: (1, 2, 2, 2, 3, 3, 3),
}
OBLIGATION_DAYS = 5
OBLIGATION_THRESHOLD = 10
HOURLY_DAYS_PER_YEAR = 5
ZERO = Decimal("0")


def grant_days(*, tenure_months: int, weekly_days: int, weekly_minutes: int) -> int:
    """付与日数: the full-time table, or 比例付与 (週30時間未満 and 週4日以下) by 週所定日数."""
    if tenure_months < 6:
        return 0
    column = min(6, (tenure_months - 6) // 12)
    if weekly_minutes >= 30 * 60 or weekly_days >= 5:
        return FULL_TIME[column]
    return PROPORTIONAL.get(weekly_days, (0,) * 7)[column]


def base_dates(hire_date: dt.date, until: dt.date) -> list[dt.date]:
    """基準日 by hire date: 6 months after hiring, then every year."""
    return [g.on for g in grant_dates(hire_date, until)]


def expiry_of(granted_on: dt.date) -> dt.date:
    """The last day a grant can be used: the day before its second anniversary."""
    return add_months(granted_on, 24) - dt.timedelta(days=1)


def rule_week(rule: WorkRule) -> tuple[int, int]:
    """(週所定日数, 週所定労働時間 in minutes) of a work rule."""
    days = len({c for c in rule.workdays if c.isdigit()})
    return days, days * rule_spec(rule).scheduled_day_minutes


def day_hours(rule: WorkRule) -> int:
    """Hours that make one day of 時間単位 leave (the scheduled day, rounded up to the hour)."""
    return max(1, math.ceil(rule_spec(rule).scheduled_day_minutes / 60))


def attendance_rate(
    employee: Employee,
    rule: WorkRule,
    first: dt.date,
    last: dt.date,
    deemed_last: dt.date | None = None,
) -> Decimal:
    """出勤率 over [first, last]: days worked or on leave ÷ scheduled days (1 without any record,
    for periods before attendance was kept here). Scheduled days after `last` up to
    `deemed_last` (a period shortened by 斉一的付与) count as attended."""
    worked = set(
        ClockRecord.objects.filter(
            employee=employee, is_current=True, work_date__gte=first, work_date__lte=last
        ).values_list("work_date", flat=True)
    )
    if not worked:
        return Decimal("1")
    leave = set(
        LeaveRequest.objects.filter(
            employee=employee, status=RequestStatus.APPROVED, date__gte=first, date__lte=last
        ).values_list("date", flat=True)
    )
    end = max(last, deemed_last or last)
    scheduled = [d for d, k in day_kinds(rule, first, end).items() if k == WORKDAY]
    if not scheduled:
        return Decimal("1")
    present = sum(1 for d in scheduled if d in worked or d in leave or d > last)
    return Decimal(present) / Decimal(len(scheduled))


def leave_grants_run(*, actor: Any, on: dt.date) -> list[LeaveGrant]:
    """付与: every 基準日 up to `on` (within the last two years) not granted yet, 8割 checked."""
    require(actor, "attendance.manage")
    employees = list(
        Employee.objects.filter(hire_date__lte=on).filter(
            Q(retire_date__isnull=True) | Q(retire_date__gte=on)
        )
    )
    rules = rules_for(e.pk for e in employees)
    done = set(LeaveGrant.objects.values_list("employee_id", "granted_on"))
    settings = LeaveSettings.objects.first()
    uniform = settings.uniform if settings else None
    created: list[LeaveGrant] = []
    with transaction.atomic():
        for employee in employees:
            rule = rules[employee.pk]
            weekly_days, weekly_minutes = rule_week(rule)
            for grant in grant_dates(employee.hire_date, on, uniform):
                base, months = grant.on, grant.tenure_months
                if expiry_of(base) < on or (employee.pk, base) in done:
                    continue
                rate = attendance_rate(
                    employee,
                    rule,
                    grant.period_start,
                    base - dt.timedelta(days=1),
                    grant.deemed_until - dt.timedelta(days=1),
                )
                days = grant_days(
                    tenure_months=months, weekly_days=weekly_days, weekly_minutes=weekly_minutes
                )
                if rate < Decimal("0.8") or days == 0:
                    continue
                created.append(
                    LeaveGrant(
                        employee=employee,
                        granted_on=base,
                        expires_on=expiry_of(base),
                        days=days,
                        tenure_months=months,
                        weekly_days=weekly_days,
                    )
                )
        LeaveGrant.objects.bulk_create(created, batch_size=1000)
        audit_record(
            actor=actor,
            action="attendance.leave_grant.run",
            target_type="attendance.leavegrant",
            changes={"on": on, "granted": len(created)},
        )
    return created


# ---------------------------------------------------------------- balance


@dataclass
class GrantBalance:
    grant: LeaveGrant
    used_days: Decimal = ZERO
    used_hours: int = 0

    def remaining_hours(self, hours_per_day: int) -> Decimal:
        return (self.grant.days - self.used_days) * hours_per_day - self.used_hours


@dataclass
class Balance:
    """残日数 on a day: whole days (and half days) plus hours of 時間単位 leave."""

    on: dt.date
    remaining_days: Decimal
    remaining_hours: int
    grants: list[GrantBalance]
    hours_per_day: int
    obligation: dict[str, Any] | None = field(default=None)

    def as_json(self) -> dict[str, Any]:
        def number(value: Decimal) -> Any:
            return int(value) if value == int(value) else float(value)

        return {
            "remaining_days": number(self.remaining_days),
            "remaining_hours": self.remaining_hours,
            "grants": [
                {
                    "granted_on": g.grant.granted_on.isoformat(),
                    "days": number(g.grant.days),
                    "expires_on": g.grant.expires_on.isoformat(),
                    "used": number(g.used_days + Decimal(g.used_hours) / self.hours_per_day),
                }
                for g in self.grants
            ],
            "obligation": self.obligation,
        }


def _split(remaining_hours: Decimal, hours_per_day: int, used_hours: int) -> tuple[Decimal, int]:
    if not used_hours:
        return remaining_hours / hours_per_day, 0
    whole = int(remaining_hours // hours_per_day)
    return Decimal(whole), int(remaining_hours - whole * hours_per_day)


def grant_balances(
    employee: Employee, on: dt.date, *, through: dt.date | None = None
) -> list[GrantBalance]:
    """Grants valid on `on` (oldest first) with what was used by `through` (default: `on`)."""
    through = through or on
    grants = list(
        LeaveGrant.objects.filter(
            employee=employee, granted_on__lte=on, expires_on__gte=on
        ).order_by("granted_on")
    )
    used = {
        grant_id: (Decimal(days or 0), int(hours or 0))
        for grant_id, days, hours in LeaveUse.objects.filter(grant__in=grants, date__lte=through)
        .values("grant_id")
        .annotate(days=Sum("days"), hours=Sum("hours"))
        .values_list("grant_id", "days", "hours")
    }
    return [GrantBalance(g, *used.get(g.pk, (ZERO, 0))) for g in grants]


def balance_on(employee: Employee, on: dt.date) -> Balance:
    """An employee's 残日数 on a day, and the 5-day obligation of the grant in force."""
    rule = rules_for([employee.pk])[employee.pk]
    hours = day_hours(rule)
    grants = grant_balances(employee, on)
    days, rest = ZERO, 0
    for g in grants:
        d, h = _split(g.remaining_hours(hours), hours, g.used_hours)
        days += d
        rest += h
    return Balance(on, days, rest, grants, hours, obligation_of(employee, on))


def taken_days(employee_id: int, first: dt.date, last: dt.date) -> Decimal:
    """Days of annual leave taken in a period (full and half days; hours do not count)."""
    total = ZERO
    for unit in LeaveRequest.objects.filter(
        employee_id=employee_id,
        kind=LeaveRequest.Kind.ANNUAL,
        status=RequestStatus.APPROVED,
        date__gte=first,
        date__lte=last,
    ).values_list("unit", flat=True):
        total += {"full": Decimal("1"), "am": Decimal("0.5"), "pm": Decimal("0.5")}.get(unit, ZERO)
    return total


def obligation_of(employee: Employee, on: dt.date) -> dict[str, Any] | None:
    """年5日の取得義務 of the latest grant of ≥ 10 days whose year holds `on` (39条7項)."""
    grant = (
        LeaveGrant.objects.filter(
            employee=employee, days__gte=OBLIGATION_THRESHOLD, granted_on__lte=on
        )
        .order_by("-granted_on")
        .first()
    )
    if grant is None:
        return None
    period_end = add_months(grant.granted_on, 12) - dt.timedelta(days=1)
    if period_end < on:
        return None
    taken = taken_days(employee.pk, grant.granted_on, period_end)
    return {
        "period_start": grant.granted_on.isoformat(),
        "period_end": period_end.isoformat(),
        "taken_days": int(taken) if taken == int(taken) else float(taken),
        "required_days": OBLIGATION_DAYS,
    }


@dataclass(frozen=True)
class ObligationRisk:
    employee: Employee
    period_end: dt.date
    taken_days: Decimal
    missing_days: Decimal


def obligation_risks(*, actor: Any, on: dt.date, within_days: int = 92) -> list[ObligationRisk]:
    """Who may miss the 5 days: grant years ending within `within_days` with fewer than 5 taken."""
    from urakata.attendance.selectors import employees_in_scope

    require(actor, "attendance.view_team")
    scope = employees_in_scope(actor=actor)
    grants = LeaveGrant.objects.filter(
        employee__in=scope,
        days__gte=OBLIGATION_THRESHOLD,
        granted_on__lte=on,
        granted_on__gt=add_months(on, -12),
    ).select_related("employee", "employee__department")
    risks = []
    for grant in grants.order_by("granted_on"):
        period_end = add_months(grant.granted_on, 12) - dt.timedelta(days=1)
        if (period_end - on).days > within_days:
            continue
        taken = taken_days(grant.employee_id, grant.granted_on, period_end)
        if taken < OBLIGATION_DAYS:
            risks.append(ObligationRisk(grant.employee, period_end, taken, OBLIGATION_DAYS - taken))
    return risks


def obligation_remind(*, actor: Any, on: dt.date) -> list[ObligationRisk]:
    """Remind, once a month, who may miss the 5 days: the employee, the manager and HR."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from urakata.attendance.models import AlertNotice
    from urakata.core.roles import Role
    from urakata.workflow.notifications import notify

    require(actor, "attendance.manage")
    risks = obligation_risks(actor=actor, on=on)
    sent = set(
        AlertNotice.objects.filter(
            year=on.year, month=on.month, kind="leave_obligation"
        ).values_list("employee_id", flat=True)
    )
    fresh = [r for r in risks if r.employee.pk not in sent]
    hr = list(get_user_model().objects.filter(groups__name=Role.HR.value, is_active=True))
    with transaction.atomic():
        for risk in fresh:
            employee = risk.employee
            AlertNotice.objects.create(
                employee=employee,
                year=on.year,
                month=on.month,
                kind="leave_obligation",
                value=int(risk.taken_days * 2),
                limit=OBLIGATION_DAYS * 2,
                sent_at=timezone.now(),
            )
            users = [employee.user, *hr]
            if employee.manager is not None:
                users.append(employee.manager.user)
            notify(
                users=users,
                request=None,
                kind="attendance.leave",
                message=_("年5日の取得義務: %(name)s %(taken)s/5日(%(end)s まで)")
                % {
                    "name": employee.full_name,
                    "taken": risk.taken_days,
                    "end": risk.period_end.isoformat(),
                },
            )
        audit_record(
            actor=actor,
            action="attendance.leave.obligation_remind",
            target_type="attendance.leavegrant",
            changes={"on": on, "reminded": len(fresh)},
        )
    return fresh
