"""One employee's monthly pay, as a pure function: attendance → 割増賃金 → gross → deductions → net.

Rules: facts.md §3 (withholding), §4 (social insurance), §5.1 (割増賃金). All amounts integer yen,
rates Decimal. Rounding of premiums: the month's total per kind, 50銭以上切上げ (通達 昭63 基発150号).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from urakata.payroll import social_insurance as si
from urakata.payroll import withholding
from urakata.payroll.attendance_inputs import MonthFigures
from urakata.payroll.rounding import deduct_round, half_up_yen

SIXTY = Decimal(60)
# 労基法37条 / 割増賃金令: (figures key, label, rate on the hourly wage)
PREMIUMS: tuple[tuple[str, str, Decimal], ...] = (
    ("within_statutory_overtime_minutes", "法定内残業手当", Decimal("1.00")),
    ("overtime_to_60h", "時間外労働手当", Decimal("1.25")),
    ("overtime_over_60h_minutes", "時間外労働手当(60時間超)", Decimal("1.50")),
    ("legal_holiday_minutes", "休日労働手当", Decimal("1.35")),
    ("late_night_minutes", "深夜労働手当", Decimal("0.25")),
)


@dataclass(frozen=True)
class Item:
    """A fixed allowance or deduction of the pay master."""

    name: str
    amount: int
    taxable: bool = True
    in_overtime_base: bool = False


@dataclass(frozen=True)
class EmployeeInput:
    """Everything one employee's pay needs, loaded in bulk by the pay-run service."""

    employee_id: int
    pay_type: str
    base_pay: int
    scheduled_hours: Decimal
    scheduled_days: Decimal
    commute_allowance: int
    commute_nontaxable: int
    tax_column: str
    dependants: int
    declaration_submitted: bool
    health_insured: bool
    pension_insured: bool
    health_grade: int
    employment_insurance: str
    birth_date: dt.date
    hire_date: dt.date
    retire_date: dt.date | None
    allowances: tuple[Item, ...] = ()
    deductions: tuple[Item, ...] = ()
    resident_tax: int = 0
    secondary_dependants: int = 0  # 従たる給与についての扶養控除等申告書 (乙欄 only)


@dataclass(frozen=True)
class RunRules:
    """Company rules and dates of one pay run."""

    month: dt.date  # the attendance month the wages are for (first day)
    pay_date: dt.date
    premium_month: dt.date  # 〇月分 of the social insurance deducted (翌月徴収 → month before pay)
    prefecture: int
    tax_method: str = "table"


@dataclass
class PayResult:
    """The computed payslip: amounts, the lines shown on it, and flags for the check step."""

    gross: int
    taxable: int
    social_insurance: int
    employment_insurance: int
    income_tax: int
    resident_tax: int
    other_deductions: int
    net: int
    employer_cost: int
    lines: dict[str, Any] = field(default_factory=dict)
    flags: list[str] = field(default_factory=list)


def _month_key(day: dt.date) -> tuple[int, int]:
    return day.year, day.month


def insured_in(inp: EmployeeInput, month: dt.date) -> bool:
    """資格取得 in the month of hire; 喪失 on the day after leaving: no premium for that month."""
    if _month_key(inp.hire_date) > _month_key(month):
        return False
    if inp.retire_date is not None:
        lost = inp.retire_date + dt.timedelta(days=1)
        if _month_key(lost) <= _month_key(month):
            return False
    return True


def _base_pay(inp: EmployeeInput, figures: MonthFigures) -> tuple[list[list[Any]], Decimal]:
    """Pay lines before premiums, and the hourly wage that premiums are computed on."""
    fixed_base = sum(a.amount for a in inp.allowances if a.in_overtime_base)
    if inp.pay_type == "hourly":
        regular = (
            figures.worked_minutes - figures.legal_overtime_minutes - figures.legal_holiday_minutes
        )
        hourly = Decimal(inp.base_pay)
        hourly_lines: list[list[Any]] = [["基本給", half_up_yen(hourly * regular / SIXTY)]]
        if fixed_base and inp.scheduled_hours:
            hourly += Decimal(fixed_base) / inp.scheduled_hours
        return hourly_lines, hourly
    base = inp.base_pay  # 月給 and 日給月給: a monthly amount; 日給月給 deducts absence
    lines: list[list[Any]] = [["基本給", base]]
    if inp.pay_type == "daily_monthly" and figures.absence_days:
        lines.append(
            ["欠勤控除", -half_up_yen(Decimal(base) / inp.scheduled_days * figures.absence_days)]
        )
    hourly = (
        (Decimal(base) + fixed_base) / inp.scheduled_hours if inp.scheduled_hours else Decimal(0)
    )
    return lines, hourly


def _pay_lines(inp: EmployeeInput, figures: MonthFigures) -> tuple[list[list[Any]], Decimal]:
    """Base pay, 割増賃金 per kind (rounded once per month and kind), allowances, commuting."""
    pay_lines, hourly = _base_pay(inp, figures)
    minutes = {
        "within_statutory_overtime_minutes": figures.within_statutory_overtime_minutes
        if inp.pay_type != "hourly"
        else 0,
        "overtime_to_60h": figures.legal_overtime_minutes - figures.overtime_over_60h_minutes,
        "overtime_over_60h_minutes": figures.overtime_over_60h_minutes,
        "legal_holiday_minutes": figures.legal_holiday_minutes,
        "late_night_minutes": figures.late_night_minutes,
    }
    for key, label, rate in PREMIUMS:
        if minutes[key]:
            pay_lines.append([label, half_up_yen(hourly * rate * minutes[key] / SIXTY)])
    pay_lines += [[a.name, a.amount] for a in inp.allowances]
    if inp.commute_allowance:
        pay_lines.append(["通勤手当", inp.commute_allowance])
    return pay_lines, hourly


@dataclass(frozen=True)
class Insurance:
    """The month's premiums: employee shares, 雇用保険, the employer's shares."""

    premiums: si.Premiums
    care: bool
    employment: int
    employer: dict[str, int]

    def summary(self, month: dt.date) -> dict[str, Any]:
        """What the payslip keeps: the premium month, the 標準報酬 and 介護."""
        return {
            "premium_month": month.strftime("%Y-%m"),
            "health_standard": self.premiums.standard_remuneration_health,
            "pension_standard": self.premiums.standard_remuneration_pension,
            "care": self.care,
        }


def _insurance(inp: EmployeeInput, gross: int, rules: RunRules) -> Insurance:
    """社会保険 on the premium month's 標準報酬月額 (翌月徴収 by default); 雇用保険 on the wages."""
    month = rules.premium_month
    insured = insured_in(inp, month)
    health_std, pension_std = si.standard_for_grade(inp.health_grade)
    care = si.is_care_insured(inp.birth_date, month)
    premiums = si.premiums_for(
        health_standard=health_std,
        pension_standard=pension_std,
        prefecture=rules.prefecture,
        month=month,
        care=care,
        health_insured=insured and inp.health_insured,
        pension_insured=insured and inp.pension_insured,
    )
    employer = si.employer_premiums(
        employee=premiums, prefecture=rules.prefecture, month=month, care=care
    )
    employment = employer_employment = 0
    if inp.employment_insurance != "none":
        worker_rate, employer_rate = si.employment_rate(inp.employment_insurance, rules.month)
        employment = deduct_round(gross * worker_rate / 1000)
        employer_employment = deduct_round(gross * employer_rate / 1000)
    return Insurance(premiums, care, employment, {**employer, "employment": employer_employment})


def _attendance_lines(figures: MonthFigures) -> dict[str, str]:
    return {
        "worked_hours": str(Decimal(figures.worked_minutes) / SIXTY),
        "overtime_hours": str(Decimal(figures.legal_overtime_minutes) / SIXTY),
        "late_night_hours": str(Decimal(figures.late_night_minutes) / SIXTY),
        "holiday_hours": str(Decimal(figures.legal_holiday_minutes) / SIXTY),
        "absence_days": str(figures.absence_days),
        "paid_leave_days": str(figures.paid_leave_days),
    }


def basis_days(inp: EmployeeInput, figures: MonthFigures, month: dt.date) -> int:
    """支払基礎日数 of the wages for `month`: 月給 the calendar days of the month; 日給月給 with
    absence deducted 所定労働日数 − 欠勤日数; 時給 the days worked plus whole days of paid leave (a
    half day's leave falls on a day worked). Sources: see `insurance_events`."""
    calendar_days = calendar.monthrange(month.year, month.month)[1]
    if inp.pay_type == "monthly" or (inp.pay_type == "daily_monthly" and not figures.absence_days):
        return calendar_days
    if inp.pay_type == "daily_monthly":
        scheduled = Decimal(figures.scheduled_days) or inp.scheduled_days
        return max(int((scheduled - figures.absence_days).to_integral_value(ROUND_FLOOR)), 0)
    if figures.worked_days:
        leave = figures.paid_leave_days.to_integral_value(ROUND_FLOOR)
        return min(figures.worked_days + int(leave), calendar_days)
    # schedule-only figures (no attendance domain): the scheduled days when the schedule was worked
    return int(inp.scheduled_days) if figures.worked_minutes else 0


def deduction_rows(premiums: si.Premiums, employment: int, income_tax: int) -> list[list[Any]]:
    """The statutory deductions as payslip lines."""
    return [
        ["健康保険料", premiums.health],
        ["介護保険料", premiums.care],
        ["子ども・子育て支援金", premiums.child_support],
        ["厚生年金保険料", premiums.pension],
        ["雇用保険料", employment],
        ["源泉所得税", income_tax],
    ]


def _tax_flags(inp: EmployeeInput) -> list[str]:
    if inp.declaration_submitted:
        return []
    if inp.secondary_dependants:
        return ["従たる給与についての扶養控除等申告書により乙欄の税額から控除しました。"]
    return ["扶養控除等申告書が未提出のため乙欄で計算しました。"]


def compute_pay(inp: EmployeeInput, figures: MonthFigures, rules: RunRules) -> PayResult:
    """Compute one employee's payslip for the run."""
    flags = _tax_flags(inp)
    pay_lines, hourly = _pay_lines(inp, figures)
    gross = sum(amount for _, amount in pay_lines)
    nontaxable = min(inp.commute_nontaxable, inp.commute_allowance) + sum(
        a.amount for a in inp.allowances if not a.taxable
    )
    taxable = gross - nontaxable
    ins = _insurance(inp, gross, rules)
    premiums = ins.premiums  # employee shares
    after_insurance = max(taxable - premiums.total - ins.employment, 0)
    method = rules.tax_method if inp.tax_column == "kou" else "table"
    income_tax = withholding.monthly_tax(
        after_insurance,
        dependents=inp.dependants,
        column=inp.tax_column,  # type: ignore[arg-type]
        method=method,  # type: ignore[arg-type]
        on=rules.pay_date,
        secondary_dependents=inp.secondary_dependants if inp.tax_column == "otsu" else 0,
    )
    deduction_lines = [
        *deduction_rows(premiums, ins.employment, income_tax),
        ["住民税", inp.resident_tax],
        *[[d.name, d.amount] for d in inp.deductions],
    ]
    other = sum(d.amount for d in inp.deductions)
    net = gross - premiums.total - ins.employment - income_tax - inp.resident_tax - other
    return PayResult(
        gross=gross,
        taxable=taxable,
        social_insurance=premiums.total,
        employment_insurance=ins.employment,
        income_tax=income_tax,
        resident_tax=inp.resident_tax,
        other_deductions=other,
        net=net,
        employer_cost=sum(ins.employer.values()),
        lines={
            "pay": pay_lines,
            "deductions": deduction_lines,
            "attendance": _attendance_lines(figures),
            "hourly_wage": str(hourly.quantize(Decimal("0.01"))),
            # 固定的賃金 (for 随時改定): base, fixed allowances and commuting
            "basis_days": basis_days(inp, figures, rules.month),
            "fixed_pay": inp.base_pay
            + sum(a.amount for a in inp.allowances)
            + inp.commute_allowance,
            "tax": {
                "column": inp.tax_column,
                "dependants": inp.dependants,
                "base": after_insurance,
                "method": method,
            },
            "insurance": ins.summary(rules.premium_month),
            "employer": ins.employer,
        },
        flags=flags,
    )
