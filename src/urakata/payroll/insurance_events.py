"""社会保険の定時決定 (算定基礎), 随時改定 (月額変更) and 資格取得時決定, for HR to confirm.

- 算定基礎 (健康保険法41条, 厚生年金保険法21条): the average 報酬 paid in April, May and June over
  the months with enough 支払基礎日数 gives the 標準報酬月額 from September.
- 随時改定 (健保法43条, 厚年法23条): a change of 固定的賃金, then three months whose average 報酬
  is two grades or more from the current one — each of the three with enough 支払基礎日数 — the
  new grade applies from the fourth month.
- 資格取得時決定 (健保法42条, 厚年法22条): a new hire's 報酬月額 is the pay they would receive
  for a whole month — base (時給 × 所定時間), fixed allowances, 通勤手当 and an estimate of
  overtime; it stands until August (hired January–May) or the next August (June–December).
支払基礎日数 (`compute.basis_days`): 月給 calendar days; 日給月給 with absence deducted 所定日数 −
欠勤; 時給 days worked plus paid leave. Enough means: 一般の被保険者 17日以上; 短時間労働者 at a
特定適用事業所 11日以上; 短時間就労者 (パート) 17日以上 — and in 定時決定 only, when no month has 17,
the months with 15日以上. With no month counting, the grade stays (保険者算定 is HR's call).
報酬 here is the salary gross (overtime and commuting included, bonuses excluded).
Sources [secondary]: 日本年金機構「定時決定(算定基礎届)」as summarised by
http://freeway-kyuuyo.net/blog/view/278 (17日, 暦日数/出勤日数),
http://www.bsl-jp.com/cgi-bin/bslkb.cgi?task=showqa&KB=KB003074 (短時間就労者 15日, 短時間労働者 11日),
http://karakama-shigeo.com/syahoken/syutokuji.html (健保法42条 text: 資格取得時の報酬月額).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from urakata.core.permissions import require
from urakata.payroll import social_insurance
from urakata.payroll.models import PayProfile, PayRun, Payslip
from urakata.payroll.runs import add_months

GENERAL_DAYS = 17  # 一般の被保険者 and 短時間就労者
PART_TIME_FALLBACK_DAYS = 15  # 短時間就労者, 定時決定 only, when no month reaches 17
SHORT_TIME_DAYS = 11  # 短時間労働者 (特定適用事業所)


@dataclass(frozen=True)
class PaidMonth:
    """One fixed salary payslip as the events see it."""

    month: dt.date  # the pay month (first day)
    fixed_pay: int  # 固定的賃金
    gross: int  # 報酬
    basis_days: int | None  # 支払基礎日数 (None on payslips computed before it was kept)


def counts(days: int | None, kind: str, threshold: int | None = None) -> bool:
    """Does a month with `days` 支払基礎日数 count for an insured person of this kind?"""
    if days is None:
        return True
    if threshold is None:
        threshold = SHORT_TIME_DAYS if kind == "short_time" else GENERAL_DAYS
    return days >= threshold


def regular_months(months: list[PaidMonth], kind: str) -> list[PaidMonth]:
    """The April–June months that count in 定時決定 (the 15-day fallback for 短時間就労者)."""
    counted = [m for m in months if counts(m.basis_days, kind)]
    if not counted and kind == "part_time":
        counted = [m for m in months if counts(m.basis_days, kind, PART_TIME_FALLBACK_DAYS)]
    return counted


def _history() -> dict[int, list[PaidMonth]]:
    """Per employee: their fixed salary payslips, in pay order."""
    rows: dict[int, list[PaidMonth]] = defaultdict(list)
    slips = (
        Payslip.objects.filter(run__kind=PayRun.Kind.SALARY, run__status=PayRun.Status.FIXED)
        .order_by("employee_id", "run__pay_date")
        .values_list("employee_id", "run__pay_date", "lines", "gross")
    )
    for employee_id, pay_date, lines, gross in slips:
        days = lines.get("basis_days")
        rows[employee_id].append(
            PaidMonth(
                pay_date.replace(day=1),
                int(lines.get("fixed_pay", 0)),
                gross,
                None if days is None else int(days),
            )
        )
    return rows


def _row(profile: PayProfile, average: int, **extra: Any) -> dict[str, Any]:
    grade, standard = social_insurance.health_grade(average)
    current_standard = social_insurance.standard_for_grade(profile.health_grade)[0]
    return {
        "employee_code": profile.employee.code,
        "employee_name": profile.employee.full_name,
        "average": average,
        "current_grade": profile.health_grade,
        "current_standard": current_standard,
        "new_grade": grade,
        "new_standard": standard,
        **extra,
    }


def regular_determination(*, actor: Any, year: int) -> list[dict[str, Any]]:
    """算定基礎: new grades from September of `year`, for those whose grade changes."""
    require(actor, "payroll.manage")
    profiles = {p.employee_id: p for p in PayProfile.objects.select_related("employee")}
    result = []
    for employee_id, history in _history().items():
        profile = profiles.get(employee_id)
        if profile is None or not profile.health_insured:
            continue
        paid = [m for m in history if m.month.year == year and m.month.month in (4, 5, 6)]
        months = regular_months(paid, profile.insured_kind)
        if not months:
            continue  # no month counts: the grade stays (保険者算定 is HR's decision)
        row = _row(
            profile,
            sum(m.gross for m in months) // len(months),
            months=len(months),
            applies_from=f"{year}-09",
        )
        if row["new_grade"] != row["current_grade"]:
            result.append(row)
    return sorted(result, key=lambda r: r["employee_code"])


def occasional_revision(*, actor: Any) -> list[dict[str, Any]]:
    """随時改定 candidates: a 固定的賃金 change, three paid months, a difference of ≥ 2 grades."""
    require(actor, "payroll.manage")
    profiles = {p.employee_id: p for p in PayProfile.objects.select_related("employee")}
    result = []
    for employee_id, history in _history().items():
        profile = profiles.get(employee_id)
        if profile is None or not profile.health_insured:
            continue
        for i in range(1, len(history) - 2):
            changed = history[i].fixed_pay != history[i - 1].fixed_pay
            window = history[i : i + 3]
            consecutive = all(add_months(window[0].month, k) == window[k].month for k in range(3))
            # every one of the three months needs its 支払基礎日数 (no 15-day fallback here)
            enough = all(counts(m.basis_days, profile.insured_kind) for m in window)
            if not (changed and consecutive and enough):
                continue
            row = _row(
                profile,
                sum(m.gross for m in window) // 3,
                changed_in=f"{history[i].month:%Y-%m}",
                applies_from=f"{add_months(history[i].month, 3):%Y-%m}",
            )
            if abs(row["new_grade"] - row["current_grade"]) >= 2:
                result.append(row)
    return sorted(result, key=lambda r: (r["employee_code"], r["changed_in"]))


@dataclass(frozen=True)
class Acquisition:
    """資格取得時決定: the 報酬月額, the grades and until when they stand."""

    remuneration: int
    health_grade: int
    health_standard: int
    pension_standard: int
    valid_until: str  # YYYY-MM: August of the hire year (hired Jan–May) or of the next year


def acquisition_determination(
    *,
    pay_type: str,
    base_pay: int,
    scheduled_hours: Decimal,
    fixed_allowances: int,
    commute_allowance: int,
    overtime_estimate: int,
    acquired_on: dt.date,
) -> Acquisition:
    """The 標準報酬月額 of a new hire from the pay expected for a whole month (健保法42条)."""
    if pay_type == "hourly":
        base = int((Decimal(base_pay) * scheduled_hours).quantize(Decimal(1), ROUND_HALF_UP))
    else:
        base = base_pay  # 月給 and 日給月給: the monthly amount as it stands (not pro rata)
    remuneration = base + fixed_allowances + commute_allowance + overtime_estimate
    grade, health_standard = social_insurance.health_grade(remuneration)
    pension_standard = social_insurance.standard_for_grade(grade)[1]
    until = acquired_on.year if acquired_on.month <= 5 else acquired_on.year + 1
    return Acquisition(remuneration, grade, health_standard, pension_standard, f"{until}-08")
