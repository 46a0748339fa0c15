"""Loading a pay run's inputs in bulk and turning results into rows (used by the services)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from urakata.payroll.compute import EmployeeInput, Item
from urakata.payroll.models import PayProfile, PayrollSettings, ResidentTax


def month_start(day: dt.date) -> dt.date:
    """The first day of the date's month."""
    return day.replace(day=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after the date's month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def settings_get() -> PayrollSettings:
    """The company's payroll settings (created with the defaults on first use)."""
    found = PayrollSettings.objects.first()
    return found if found is not None else PayrollSettings.objects.create()


def pay_date_for(month: dt.date, settings: PayrollSettings) -> dt.date:
    """支給日: the pay day in the month `pay_month_offset` after the attendance month."""
    import calendar

    target = add_months(month, settings.pay_month_offset)
    last = calendar.monthrange(target.year, target.month)[1]
    return target.replace(day=min(settings.pay_day, last))


def premium_month_for(pay_date: dt.date, settings: PayrollSettings) -> dt.date:
    """〇月分 of the social insurance deducted from pay on this date (翌月徴収 by default)."""
    offset = -1 if settings.collection == PayrollSettings.Collection.NEXT_MONTH else 0
    return add_months(pay_date, offset)


def resident_fiscal_year(pay_date: dt.date) -> tuple[int, bool]:
    """(住民税の年度, is June): the year runs June to May."""
    year = pay_date.year if pay_date.month >= 6 else pay_date.year - 1
    return year, pay_date.month == 6


def active_profiles(month: dt.date) -> list[PayProfile]:
    """Profiles of employees employed at some point in the month."""
    end = add_months(month, 1)
    return list(
        PayProfile.objects.select_related("employee")
        .filter(employee__hire_date__lt=end)
        .exclude(employee__retire_date__lt=month)
        .order_by("employee__code")
    )


DATED_INPUTS = (  # = versions.DATED_FIELDS: the pay fields a run takes from the pay month's version
    "pay_type",
    "base_pay",
    "scheduled_hours",
    "scheduled_days",
    "commute_allowance",
    "commute_nontaxable",
    "health_grade",
)


def _dated_values(profile: PayProfile, version: dict[str, Any]) -> dict[str, Any]:
    row = {field: getattr(profile, field) for field in DATED_INPUTS}
    return {**row, **{k: v for k, v in version.items() if k in DATED_INPUTS}}


def inputs_for(profiles: list[PayProfile], pay_date: dt.date) -> list[EmployeeInput]:
    """The compute inputs of the profiles: 4 queries whatever their number."""
    ids = [p.pk for p in profiles]
    allowances: dict[int, list[Item]] = defaultdict(list)
    deductions: dict[int, list[Item]] = defaultdict(list)
    from urakata.payroll.models import PayItem

    for item in PayItem.objects.filter(profile_id__in=ids).order_by("profile_id", "name"):
        target = allowances if item.kind == PayItem.Kind.ALLOWANCE else deductions
        target[item.profile_id].append(
            Item(item.name, item.amount, item.taxable, item.in_overtime_base)
        )
    from urakata.payroll.item_versions import items_in_force
    from urakata.payroll.versions import values_in_force

    for profile_id, rows in items_in_force(ids, pay_date.replace(day=1)).items():
        allowances[profile_id], deductions[profile_id] = [], []  # dated items replace the rows
        for row in sorted(rows, key=lambda r: r["name"]):
            target = allowances if row["kind"] == PayItem.Kind.ALLOWANCE else deductions
            target[profile_id].append(
                Item(row["name"], row["amount"], row["taxable"], row["in_overtime_base"])
            )
    dated = values_in_force(ids, pay_date.replace(day=1))  # the pay month's version, if any
    year, is_june = resident_fiscal_year(pay_date)
    resident: dict[int, int] = {
        r.profile_id: (r.june_amount if is_june else r.monthly_amount)
        for r in ResidentTax.objects.filter(profile_id__in=ids, fiscal_year=year)
    }
    return [
        EmployeeInput(
            employee_id=p.employee_id,
            **_dated_values(p, dated.get(p.pk, {})),
            tax_column=p.tax_column,
            dependants=p.dependant_count,
            declaration_submitted=p.declaration_submitted,
            health_insured=p.health_insured,
            pension_insured=p.pension_insured,
            employment_insurance=p.employment_insurance,
            birth_date=p.birth_date,
            hire_date=p.employee.hire_date,
            retire_date=p.employee.retire_date,
            allowances=tuple(allowances[p.pk]),
            deductions=tuple(deductions[p.pk]),
            resident_tax=resident.get(p.pk, 0),
            secondary_dependants=p.secondary_dependents,
        )
        for p in profiles
    ]


TOTAL_KEYS = (
    "gross",
    "taxable",
    "social_insurance",
    "employment_insurance",
    "income_tax",
    "resident_tax",
    "other_deductions",
    "net",
    "employer_cost",
)


def totals_of(rows: list[Any]) -> dict[str, int]:
    """Sums of the amount columns, and the headcount."""
    totals = {key: sum(getattr(r, key) for r in rows) for key in TOTAL_KEYS}
    totals["headcount"] = len(rows)
    return totals
