"""社会保険の定時決定 (算定基礎) and 随時改定 (月額変更) candidates, listed for HR to confirm.

- 算定基礎: the average 報酬 paid in April, May and June gives the 標準報酬月額 from September.
- 随時改定: a change of 固定的賃金, then three months whose average 報酬 is two grades or more
  from the current one: the new grade applies from the fourth month.
報酬 here is the salary gross (overtime and commuting included, bonuses excluded). Months with
fewer than 17 支払基礎日数 are not excluded yet (attendance days are not tracked per payslip).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from urakata.core.permissions import require
from urakata.payroll import social_insurance
from urakata.payroll.models import PayProfile, PayRun, Payslip
from urakata.payroll.runs import add_months


def _history() -> dict[int, list[tuple[Any, int, int]]]:
    """Per employee: (pay month, 固定的賃金, gross) of fixed salary payslips, in order."""
    rows: dict[int, list[tuple[Any, int, int]]] = defaultdict(list)
    slips = (
        Payslip.objects.filter(run__kind=PayRun.Kind.SALARY, run__status=PayRun.Status.FIXED)
        .order_by("employee_id", "run__pay_date")
        .values_list("employee_id", "run__pay_date", "lines", "gross")
    )
    for employee_id, pay_date, lines, gross in slips:
        rows[employee_id].append((pay_date.replace(day=1), int(lines.get("fixed_pay", 0)), gross))
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
        months = [
            g for month, _fixed, g in history if month.year == year and month.month in (4, 5, 6)
        ]
        profile = profiles.get(employee_id)
        if not months or profile is None or not profile.health_insured:
            continue
        row = _row(
            profile, sum(months) // len(months), months=len(months), applies_from=f"{year}-09"
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
            changed = history[i][1] != history[i - 1][1]
            window = history[i : i + 3]
            consecutive = all(add_months(window[0][0], k) == window[k][0] for k in range(3))
            if not (changed and consecutive):
                continue
            row = _row(
                profile,
                sum(g for _m, _f, g in window) // 3,
                changed_in=f"{history[i][0]:%Y-%m}",
                applies_from=f"{add_months(history[i][0], 3):%Y-%m}",
            )
            if abs(row["new_grade"] - row["current_grade"]) >= 2:
                result.append(row)
    return sorted(result, key=lambda r: (r["employee_code"], r["changed_in"]))
