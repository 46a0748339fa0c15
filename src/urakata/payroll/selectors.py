"""Payroll reads: runs, payslips (HR and the employee), the check diff, totals, 賃金台帳."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from urakata.core.errors import NotFound
from urakata.core.permissions import can, require
from urakata.payroll.models import PayProfile, PayRun, Payslip
from urakata.payroll.runs import TOTAL_KEYS


def pay_run_list(*, actor: Any, kind: str | None = None) -> QuerySet[PayRun]:
    """Pay runs: HR sees all; accounting and executives see fixed runs (totals only)."""
    if not can(actor, "payroll.manage"):
        require(actor, "payroll.view_totals")
        runs = PayRun.objects.filter(status=PayRun.Status.FIXED)
    else:
        runs = PayRun.objects.all()
    if kind:
        runs = runs.filter(kind=kind)
    return runs.order_by("-month", "kind", "-revision")


def pay_run_get(*, actor: Any, run_id: int) -> PayRun:
    """One run within the actor's scope, else NotFound."""
    run = pay_run_list(actor=actor).filter(pk=run_id).first()
    if run is None:
        raise NotFound(_("給与計算が見つかりません。"))
    return run


def payslip_list(*, actor: Any, run: PayRun) -> QuerySet[Payslip]:
    """A run's payslips, for HR."""
    require(actor, "payroll.manage")
    return run.payslips.select_related("employee", "department").order_by("employee__code")


def my_payslips(*, actor: Any) -> QuerySet[Payslip]:
    """The signed-in employee's own fixed payslips, newest first."""
    return (
        Payslip.objects.filter(employee__user=actor, run__status=PayRun.Status.FIXED)
        .select_related("run", "employee")
        .order_by("-run__month", "run__kind")
        if getattr(actor, "is_authenticated", False) and getattr(actor, "pk", None)
        else Payslip.objects.none()
    )


def payslip_get(*, actor: Any, payslip_id: int) -> Payslip:
    """One payslip: HR any, an employee their own fixed ones; else NotFound."""
    slip = (
        Payslip.objects.visible_to(actor)
        .select_related("run", "employee", "department")
        .filter(pk=payslip_id)
        .first()
    )
    if slip is None:
        raise NotFound(_("給与明細が見つかりません。"))
    return slip


def payslip_for(*, actor: Any, employee_code: str, month: dt.date) -> Payslip:
    """The current salary payslip of an employee for an attendance month."""
    slip = (
        Payslip.objects.visible_to(actor)
        .select_related("run", "employee")
        .filter(employee__code=employee_code, run__month=month, run__kind=PayRun.Kind.SALARY)
        .exclude(run__status=PayRun.Status.SUPERSEDED)
        .order_by("-run__revision")
        .first()
    )
    if slip is None:
        raise NotFound(_("給与明細が見つかりません。"))
    return slip


def pay_run_diff(*, actor: Any, run: PayRun) -> list[dict[str, Any]]:
    """The check step: each payslip against the previous fixed salary run, with its flags."""
    require(actor, "payroll.manage")
    previous = (
        PayRun.objects.filter(kind=run.kind, status=PayRun.Status.FIXED, month__lt=run.month)
        .order_by("-month")
        .first()
    )
    before: dict[int, tuple[int, int]] = {}
    if previous is not None:
        before = {
            e: (g, n) for e, g, n in previous.payslips.values_list("employee_id", "gross", "net")
        }
    rows = []
    for slip in payslip_list(actor=actor, run=run):
        prev_gross, prev_net = before.get(slip.employee_id, (None, None))
        rows.append(
            {
                "payslip": slip,
                "previous_gross": prev_gross,
                "previous_net": prev_net,
                "net_change": None if prev_net is None else slip.net - prev_net,
                "flags": slip.flags,
            }
        )
    return rows


def department_totals(*, actor: Any, run: PayRun) -> list[dict[str, Any]]:
    """Totals per department (analytics; accounting sees these, not individual pay)."""
    if not can(actor, "payroll.manage"):
        require(actor, "payroll.view_totals")
    rows = (
        run.payslips.values("department__code", "department__name")
        .annotate(**{k: Sum(k) for k in ("gross", "net", "employer_cost", "income_tax")})
        .order_by("department__code")
    )
    return [dict(r) for r in rows]


WAGE_LEDGER_HEADER = [
    "社員番号",
    "氏名",
    "対象月",
    "種別",
    "支給日",
    "労働時間",
    "時間外",
    "深夜",
    "休日",
    "総支給額",
    "課税支給額",
    "社会保険料",
    "雇用保険料",
    "源泉所得税",
    "住民税",
    "その他控除",
    "差引支給額",
]


def wage_ledger_rows(*, actor: Any, year: int) -> list[list[Any]]:
    """賃金台帳 (労基法108条): per employee and pay, the hours and every amount, for a pay year."""
    require(actor, "payroll.manage")
    slips = (
        Payslip.objects.filter(run__pay_date__year=year, run__status=PayRun.Status.FIXED)
        .select_related("run", "employee")
        .order_by("employee__code", "run__pay_date", "run__kind")
    )
    rows = []
    for s in slips:
        att = s.lines.get("attendance", {})
        rows.append(
            [
                s.employee.code,
                s.employee.full_name,
                f"{s.run.month:%Y-%m}",
                s.run.get_kind_display(),
                s.run.pay_date.isoformat(),
                att.get("worked_hours", ""),
                att.get("overtime_hours", ""),
                att.get("late_night_hours", ""),
                att.get("holiday_hours", ""),
                s.gross,
                s.taxable,
                s.social_insurance,
                s.employment_insurance,
                s.income_tax,
                s.resident_tax,
                s.other_deductions,
                s.net,
            ]
        )
    return rows


def wage_ledger_totals(rows: list[list[Any]]) -> dict[str, int]:
    """Column totals of the 賃金台帳 (they equal the journals of the runs in it)."""
    keys = [
        "gross",
        "taxable",
        "social_insurance",
        "employment_insurance",
        "income_tax",
        "resident_tax",
        "other_deductions",
        "net",
    ]
    sums: dict[str, int] = defaultdict(int)
    for row in rows:
        for key, value in zip(keys, row[9:], strict=True):
            sums[key] += value
    return dict(sums)


def profile_for(*, actor: Any, employee_id: int) -> PayProfile:
    """A pay master within the actor's scope (HR any, an employee their own)."""
    profile = (
        PayProfile.objects.visible_to(actor)
        .select_related("employee")
        .filter(employee_id=employee_id)
        .first()
    )
    if profile is None:
        raise NotFound(_("給与マスタが見つかりません。"))
    return profile


def profile_list(*, actor: Any) -> QuerySet[PayProfile]:
    """Every pay master, for HR (給与マスタ一覧)."""
    require(actor, "payroll.manage")
    return PayProfile.objects.select_related("employee").order_by("employee__code")


def employee_ids_by_code(*, actor: Any, codes: list[str]) -> dict[str, int]:
    """{employee code: employee id} of the pay masters with those codes (HR)."""
    require(actor, "payroll.manage")
    rows = PayProfile.objects.filter(employee__code__in=codes)
    return dict(rows.values_list("employee__code", "employee_id"))


__all__ = ["TOTAL_KEYS"]
