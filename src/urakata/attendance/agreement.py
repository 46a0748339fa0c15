"""36協定: limits of 時間外・休日労働 (労基法36条, facts.md §5.2), forecasts and alerts before the limit.

時間外 here is 法定外 (over 8 h a day / 40 h a week); 休日労働 is work on the 法定休日. The
general limits (45 h a month, 360 h a year) bind unless the agreement has a 特別条項, which allows
up to 6 months a year over 45 h, an annual 720 h and its own monthly cap; whatever the agreement,
時間外 + 休日労働 must stay under 100 h every month and at most 80 h on average over every 2–6
consecutive months. Values and limits are minutes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.attendance.calendar import day_kinds
from urakata.attendance.compute import WORKDAY
from urakata.attendance.figures import (
    MonthFigures,
    default_rule,
    month_bounds,
    month_figures_many,
)
from urakata.attendance.models import Agreement36, AlertNotice
from urakata.attendance.selectors import employees_in_scope, local_today
from urakata.core.audit import audit_record
from urakata.core.permissions import require
from urakata.core.roles import Role
from urakata.org.models import Employee

HUNDRED_HOURS = 100 * 60
AVERAGE_CAP = 80 * 60
VIOLATIONS = frozenset(
    {
        "monthly_limit",
        "special_monthly_limit",
        "monthly_100h",
        "average_80h",
        "annual_limit",
        "months_over_45h",
    }
)


@dataclass(frozen=True)
class Alert:
    """One alert: a warning before a limit (forecast) or a violation (actual)."""

    employee_code: str
    kind: str
    value: int
    limit: int
    employee_id: int = 0
    employee_name: str = ""

    @property
    def is_violation(self) -> bool:
        return self.kind in VIOLATIONS

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        return {key: data[key] for key in ("employee_code", "kind", "value", "limit")}


def agreement_for(day: dt.date) -> Agreement36:
    """The agreement in force on a day (the latest started); the legal defaults without one."""
    found = Agreement36.objects.filter(effective_from__lte=day).order_by("-effective_from").first()
    return found or Agreement36(effective_from=day.replace(month=4, day=1))


def _months_back(year: int, month: int, count: int) -> list[tuple[int, int]]:
    out = []
    for _i in range(count):
        out.append((year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out


def _agreement_months(agreement: Agreement36, year: int, month: int) -> list[tuple[int, int]]:
    """Months of the agreement year up to (year, month), latest first."""
    start = agreement.effective_from
    span = (year - start.year) * 12 + month - start.month
    span = span % 12 if span >= 0 else 0
    return _months_back(year, month, span + 1)


def _history(
    employees: dict[int, Any], months: list[tuple[int, int]], today: dt.date
) -> dict[tuple[int, int], dict[int, MonthFigures]]:
    """Figures per month: closed snapshots where the month is closed, else computed."""
    return {
        (year, month): month_figures_many(employees, year, month, today=today)
        for year, month in months
    }


def _forecast_factor(year: int, month: int, today: dt.date) -> tuple[int, int]:
    """(scheduled days in the month, scheduled days elapsed by today) under the default rule."""
    first, last = month_bounds(year, month)
    kinds = day_kinds(default_rule(), first, last)
    total = sum(1 for kind in kinds.values() if kind == WORKDAY)
    elapsed = sum(1 for day, kind in kinds.items() if kind == WORKDAY and day <= today)
    return total, max(1, min(elapsed, total))


def _yearly(months: list[int], agreement: Agreement36) -> list[tuple[str, int, int]]:
    """Annual 時間外 against 360 h (720 h with 特別条項) and the months over 45 h (at most 6)."""
    found: list[tuple[str, int, int]] = []
    annual = sum(months)
    monthly = agreement.monthly_limit_minutes
    warn = agreement.warn_percent
    annual_limit = (
        agreement.special_annual_limit_minutes
        if agreement.special_clause
        else agreement.annual_limit_minutes
    )
    if annual > annual_limit:
        found.append(("annual_limit", annual, annual_limit))
    elif annual * 100 >= annual_limit * warn:
        found.append(("annual_forecast", annual, annual_limit))
    over_45 = sum(1 for minutes in months if minutes > monthly)
    allowed = agreement.special_months_allowed if agreement.special_clause else 0
    if over_45 > allowed and agreement.special_clause:
        found.append(("months_over_45h", over_45, allowed))
    return found


def employee_alerts(
    *,
    employee: Employee,
    history: dict[tuple[int, int], dict[int, MonthFigures]],
    recent: list[tuple[int, int]],
    year_months: list[tuple[int, int]],
    agreement: Agreement36,
    factor: tuple[int, int],
) -> list[Alert]:
    """The alerts of one employee for the month `recent[0]` (the 5 months before follow it)."""
    zero = MonthFigures(0, 0, 0, 0, 0, 0, 0, 0, 0, 0)  # type: ignore[arg-type]
    figures = [history.get(m, {}).get(employee.pk, zero) for m in recent]
    now = figures[0]
    overtime = now.legal_overtime_minutes
    total, elapsed = factor
    forecast = overtime * total // elapsed
    with_holiday = overtime + now.legal_holiday_minutes
    warn = agreement.warn_percent
    found: list[tuple[str, int, int]] = []
    monthly = agreement.monthly_limit_minutes
    if overtime > monthly:
        found.append(
            ("special_month" if agreement.special_clause else "monthly_limit", overtime, monthly)
        )
    elif forecast * 100 >= monthly * warn:
        found.append(("monthly_forecast", forecast, monthly))
    if agreement.special_clause and overtime > agreement.special_monthly_limit_minutes:
        found.append(("special_monthly_limit", overtime, agreement.special_monthly_limit_minutes))
    if with_holiday >= HUNDRED_HOURS:
        found.append(("monthly_100h", with_holiday, HUNDRED_HOURS))
    elif with_holiday * total // elapsed * 100 >= HUNDRED_HOURS * warn:
        found.append(("monthly_100h_forecast", with_holiday * total // elapsed, HUNDRED_HOURS))
    worst = max(
        (
            sum(f.legal_overtime_minutes + f.legal_holiday_minutes for f in figures[:n]) // n
            for n in range(2, 7)
            if len(figures) >= n
        ),
        default=0,
    )
    if worst > AVERAGE_CAP:
        found.append(("average_80h", worst, AVERAGE_CAP))
    annual = [history.get(m, {}).get(employee.pk, zero).legal_overtime_minutes for m in year_months]
    found.extend(_yearly(annual, agreement))
    return [
        Alert(employee.code, kind, value, limit, employee.pk, employee.full_name)
        for kind, value, limit in found
    ]


def alert_list(*, actor: Any, year: int, month: int, today: dt.date | None = None) -> list[Alert]:
    """36協定 alerts of a month for the employees in the actor's scope (managers: the team)."""
    require(actor, "attendance.view_team")
    today = today or local_today()
    first, last = month_bounds(year, month)
    agreement = agreement_for(first)
    employees = {e.pk: e for e in employees_in_scope(actor=actor).filter(hire_date__lte=last)}
    recent = _months_back(year, month, 6)
    year_months = _agreement_months(agreement, year, month)
    spans = {pk: (e.hire_date, e.retire_date) for pk, e in employees.items()}
    history = _history(spans, sorted(set(recent) | set(year_months)), min(today, last))
    factor = _forecast_factor(year, month, today) if last >= today else (1, 1)
    alerts: list[Alert] = []
    for employee in sorted(employees.values(), key=lambda e: e.code):
        alerts.extend(
            employee_alerts(
                employee=employee,
                history=history,
                recent=recent,
                year_months=year_months,
                agreement=agreement,
                factor=factor,
            )
        )
    return alerts


def _recipients(employee: Employee, hr_users: list[Any]) -> list[Any]:
    users = [employee.user, *hr_users]
    if employee.manager is not None:
        users.append(employee.manager.user)
    if employee.department is not None and employee.department.manager is not None:
        users.append(employee.department.manager.user)
    return [u for u in users if u is not None]


def alerts_notify(
    *, actor: Any, year: int, month: int, today: dt.date | None = None
) -> list[Alert]:
    """Send each new alert once to the employee, the manager and HR (in-app, e-mail if set)."""
    from urakata.workflow.notifications import notify

    require(actor, "attendance.manage")
    alerts = alert_list(actor=actor, year=year, month=month, today=today)
    sent = set(
        AlertNotice.objects.filter(year=year, month=month).values_list("employee_id", "kind")
    )
    fresh = [a for a in alerts if (a.employee_id, a.kind) not in sent]
    hr_users = list(get_user_model().objects.filter(groups__name=Role.HR.value, is_active=True))
    employees = {
        e.pk: e
        for e in Employee.objects.filter(pk__in={a.employee_id for a in fresh}).select_related(
            "user", "manager__user", "department__manager__user"
        )
    }
    with transaction.atomic():
        now = timezone.now()
        AlertNotice.objects.bulk_create(
            [
                AlertNotice(
                    employee_id=a.employee_id,
                    year=year,
                    month=month,
                    kind=a.kind,
                    value=a.value,
                    limit=a.limit,
                    sent_at=now,
                )
                for a in fresh
            ]
        )
        for alert in fresh:
            message = _("36協定: %(name)s %(kind)s %(value)s / %(limit)s (%(y)s年%(m)s月)") % {
                "name": alert.employee_name,
                "kind": alert_kind_label(alert.kind),
                "value": hours_text(alert.value),
                "limit": hours_text(alert.limit),
                "y": year,
                "m": month,
            }
            notify(
                users=_recipients(employees[alert.employee_id], hr_users),
                request=None,
                kind="attendance.alert",
                message=message,
            )
        audit_record(
            actor=actor,
            action="attendance.alert.notify",
            target_type="attendance.alertnotice",
            changes={"month": f"{year}-{month:02d}", "sent": len(fresh)},
        )
    return fresh


def hours_text(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def alert_kind_label(kind: str) -> str:
    labels = {
        "monthly_forecast": _("月45時間に達する見込み"),
        "monthly_limit": _("月の限度時間超過"),
        "special_month": _("特別条項の適用月"),
        "special_monthly_limit": _("特別条項の月の上限超過"),
        "monthly_100h": _("時間外・休日労働が月100時間以上"),
        "monthly_100h_forecast": _("月100時間に達する見込み"),
        "average_80h": _("2〜6か月平均80時間超"),
        "annual_limit": _("年の上限超過"),
        "annual_forecast": _("年の上限に接近"),
        "months_over_45h": _("45時間超の月が年6回超"),
    }
    return str(labels.get(kind, kind))
