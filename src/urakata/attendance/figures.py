"""Month figures per employee: load the records once, compute with `compute`, snapshot at close."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import Any

from urakata.attendance.calendar import company_days, day_kinds, rule_spec
from urakata.attendance.compute import Shift, Totals, compute_period, week_start_of
from urakata.attendance.models import (
    ClockRecord,
    LeaveRequest,
    MonthSummary,
    RequestStatus,
    WorkRule,
    WorkRuleAssignment,
)
from urakata.attendance.schedule import (
    Variable,
    periods_between,
    variable_day_kinds,
    variable_plans,
)

HALF = Decimal("0.5")


@dataclass(frozen=True)
class MonthFigures:
    """One employee's month for payroll (`urakata attendance month … --json`)."""

    worked_minutes: int
    scheduled_minutes: int
    within_statutory_overtime_minutes: int
    legal_overtime_minutes: int
    overtime_over_60h_minutes: int
    late_night_minutes: int
    legal_holiday_minutes: int
    scheduled_holiday_minutes: int
    absence_days: int
    paid_leave_days: Decimal
    closed: bool = False
    worked_days: int = 0
    scheduled_days: int = 0
    late_minutes: int = 0
    early_leave_minutes: int = 0

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        days = self.paid_leave_days
        data["paid_leave_days"] = int(days) if days == int(days) else float(days)
        return data


FIGURE_FIELDS = [f.name for f in fields(MonthFigures) if f.name != "closed"]


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), dt.date(year, month, pycalendar.monthrange(year, month)[1])


def default_rule() -> WorkRule:
    """The default work rule (a standard 9:00–18:00, Mon–Fri one when none is configured)."""
    rule = WorkRule.objects.filter(is_default=True).order_by("pk").first()
    return rule or WorkRule(code="STD", name="標準", is_default=True)


def rules_for(employee_ids: Iterable[int]) -> dict[int, WorkRule]:
    """Each employee's work rule (assigned, else the default)."""
    fallback = default_rule()
    ids = list(employee_ids)
    assigned = {
        a.employee_id: a.rule
        for a in WorkRuleAssignment.objects.filter(employee_id__in=ids).select_related("rule")
    }
    return {pk: assigned.get(pk, fallback) for pk in ids}


def _figures(totals: Totals, closed: bool) -> MonthFigures:
    return MonthFigures(closed=closed, **{name: getattr(totals, name) for name in FIGURE_FIELDS})


def _shifts(employee_ids: list[int], begin: dt.date, last: dt.date) -> dict[int, list[Shift]]:
    """Finished current records per employee in a range (one query, streamed)."""
    shifts: dict[int, list[Shift]] = defaultdict(list)
    records = (
        ClockRecord.objects.filter(
            is_current=True,
            employee_id__in=employee_ids,
            work_date__gte=begin,
            work_date__lte=last,
            end_minute__isnull=False,
        )
        .values_list("employee_id", "work_date", "start_minute", "end_minute", "break_minutes")
        .iterator(chunk_size=5000)
    )
    for emp, day, start, end, pause in records:
        shifts[emp].append(Shift(day, start, end or start, pause))
    return shifts


def _leave(
    employee_ids: list[int], first: dt.date, last: dt.date
) -> tuple[dict[int, dict[dt.date, Decimal]], dict[int, set[dt.date]]]:
    """Approved leave per employee: paid days (年休, 0.5 for a half day) and other excused days."""
    paid: dict[int, dict[dt.date, Decimal]] = defaultdict(dict)
    excused: dict[int, set[dt.date]] = defaultdict(set)
    for emp, day, kind, unit in LeaveRequest.objects.filter(
        employee_id__in=employee_ids,
        status=RequestStatus.APPROVED,
        date__gte=first,
        date__lte=last,
    ).values_list("employee_id", "date", "kind", "unit"):
        if unit == LeaveRequest.Unit.HOURS:
            continue
        if kind == LeaveRequest.Kind.ANNUAL:
            amount = Decimal("1") if unit == LeaveRequest.Unit.FULL else HALF
            paid[emp][day] = paid[emp].get(day, Decimal("0")) + amount
        else:
            excused[emp].add(day)
    return paid, excused


def _variable_rules(
    rules: dict[int, WorkRule], first: dt.date, last: dt.date
) -> dict[int, tuple[list[tuple[dt.date, dt.date]], list[int]]]:
    """Rules on 1か月単位の変形労働時間制: rule pk → (periods over the month, employee ids)."""
    out: dict[int, tuple[list[tuple[dt.date, dt.date]], list[int]]] = {}
    for emp, rule in rules.items():
        if rule.kind == WorkRule.Kind.VARIABLE and rule.pk and not rule.is_supervisor:
            if rule.pk not in out:
                out[rule.pk] = (periods_between(rule, first, last), [])
            out[rule.pk][1].append(emp)
    return out


def compute_months(
    employees: dict[int, tuple[dt.date | None, dt.date | None]],
    year: int,
    month: int,
    *,
    today: dt.date | None = None,
) -> dict[int, MonthFigures]:
    """Live figures of a month for many employees (id → (hire date, retire date))."""
    employee_ids = list(employees)
    first, last = month_bounds(year, month)
    begin = first - dt.timedelta(days=7)
    rules = rules_for(employee_ids)
    variable = _variable_rules(rules, first, last)
    lo = min([begin, *(periods[0][0] for periods, _ids in variable.values())])
    hi = max([last, *(periods[-1][1] for periods, _ids in variable.values())])
    exceptions = company_days(lo, hi)
    kinds_by_rule: dict[Any, dict[dt.date, str]] = {}
    plans: dict[int, Variable] = {}
    for _periods, ids in variable.values():
        plans.update(variable_plans(rules[ids[0]], ids, first, last))
    shifts = _shifts(employee_ids, lo, hi)
    paid, excused = _leave(employee_ids, first, last)
    out = {}
    for emp in employee_ids:
        rule = rules[emp]
        key = rule.pk or rule.code
        if key not in kinds_by_rule:
            start = min(begin, week_start_of(first, rule.week_start))
            kinds_by_rule[key] = day_kinds(rule, lo if emp in plans else start, hi, exceptions)
        kinds = kinds_by_rule[key]
        if emp in plans:
            kinds = variable_day_kinds(kinds, *plans[emp])
        totals = compute_period(
            rule=rule_spec(rule),
            day_kinds=kinds,
            shifts=shifts.get(emp, []),
            first=first,
            last=last,
            leave_days=paid.get(emp, {}),
            excused=excused.get(emp, set()),
            since=employees[emp][0],
            until=min(d for d in (today, employees[emp][1], last) if d is not None),
            variable=plans.get(emp),
        )
        out[emp] = _figures(totals, closed=False)
    return out


def summary_figures(summary: MonthSummary) -> MonthFigures:
    """The snapshot taken when the month was closed."""
    values = {name: getattr(summary, name) for name in FIGURE_FIELDS}
    values["paid_leave_days"] = Decimal(summary.paid_leave_days)
    return MonthFigures(closed=True, **values)


def summary_rows(figures: dict[int, MonthFigures], year: int, month: int) -> list[MonthSummary]:
    return [
        MonthSummary(
            employee_id=emp, year=year, month=month, **{n: getattr(f, n) for n in FIGURE_FIELDS}
        )
        for emp, f in figures.items()
    ]


def month_figures_many(
    employees: dict[int, tuple[dt.date | None, dt.date | None]],
    year: int,
    month: int,
    *,
    today: dt.date | None = None,
) -> dict[int, MonthFigures]:
    """Figures of many employees: the snapshots of a closed month, else (or where missing) live."""
    from urakata.attendance.models import AttendanceMonth

    out: dict[int, MonthFigures] = {}
    if AttendanceMonth.objects.filter(year=year, month=month, is_closed=True).exists():
        rows = MonthSummary.objects.filter(year=year, month=month, employee_id__in=list(employees))
        out = {row.employee_id: summary_figures(row) for row in rows}
    missing = {pk: span for pk, span in employees.items() if pk not in out}
    if missing:
        out.update(compute_months(missing, year, month, today=today))
    return out
