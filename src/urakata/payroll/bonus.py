"""賞与 (bonus) runs: 標準賞与額 with the caps, premiums, the 算出率 withholding, net; all or nothing.

A bonus run is a `PayRun(kind="bonus")`: checked, approved and fixed like a salary run (journal on
賞与 instead of 給料手当). Sources: facts.md §3 (算出率の表), §4.2 (標準賞与額と上限).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import require
from urakata.payroll import runs, social_insurance, withholding
from urakata.payroll.compute import EmployeeInput, Insurance, deduction_rows, insured_in
from urakata.payroll.models import PayRun, Payslip
from urakata.payroll.rounding import deduct_round


def _fiscal_year_start(day: dt.date) -> dt.date:
    return dt.date(day.year if day.month >= 4 else day.year - 1, 4, 1)


def _health_bonus_so_far(pay_date: dt.date) -> dict[int, int]:
    """健保 標準賞与額 already counted this fiscal year (April–March), per employee."""
    sums: dict[int, int] = defaultdict(int)
    slips = Payslip.objects.filter(
        run__kind=PayRun.Kind.BONUS,
        run__status=PayRun.Status.FIXED,
        run__pay_date__gte=_fiscal_year_start(pay_date),
        run__pay_date__lt=pay_date,
    ).values_list("employee_id", "lines")
    for employee_id, lines in slips:
        sums[employee_id] += int(lines.get("insurance", {}).get("health_standard", 0))
    return sums


def _previous_pay(pay_date: dt.date) -> dict[int, int]:
    """前月の社会保険料等控除後の給与: the salary paid in the month before the bonus (0 if none)."""
    previous = runs.add_months(pay_date, -1)
    rows = Payslip.objects.filter(
        run__kind=PayRun.Kind.SALARY,
        run__status=PayRun.Status.FIXED,
        run__pay_date__year=previous.year,
        run__pay_date__month=previous.month,
    ).values_list("employee_id", "lines")
    return {e: int(lines.get("tax", {}).get("base", 0)) for e, lines in rows}


def _fixed_bonus(month: dt.date, reason: str) -> PayRun | None:
    """The fixed bonus run of the month, which only a reasoned re-run may correct."""
    fixed = (
        PayRun.objects.filter(kind=PayRun.Kind.BONUS, month=month, status=PayRun.Status.FIXED)
        .order_by("-revision")
        .first()
    )
    if fixed and not reason.strip():
        raise ValidationFailed(
            _("確定済みの賞与を再計算するには理由が必要です。"),
            errors={"reason": [_("再計算の理由を入力してください。")]},
        )
    return fixed


def bonus_run_calculate(
    *, actor: Any, pay_date: dt.date, amounts: dict[int, int], reason: str = ""
) -> PayRun:
    """Calculate a bonus run for `amounts` {employee_id: 賞与額}; replaces an open run that day."""
    require(actor, "payroll.manage")
    withholding.check_tax_date(pay_date)
    settings = runs.settings_get()
    month = runs.month_start(pay_date)
    errors: dict[str, list[str]] = defaultdict(list)
    with transaction.atomic():
        PayRun.objects.filter(kind=PayRun.Kind.BONUS, pay_date=pay_date).exclude(
            status__in=[PayRun.Status.FIXED, PayRun.Status.SUPERSEDED]
        ).delete()
        fixed = _fixed_bonus(month, reason)
        profiles = {p.employee_id: p for p in runs.active_profiles(month)}
        so_far = _health_bonus_so_far(pay_date)
        previous = _previous_pay(pay_date)
        slips = []
        for employee_id, amount in sorted(amounts.items()):
            profile = profiles.get(employee_id)
            if profile is None or amount < 0:
                errors["amounts"].append(
                    _("従業員 %(id)s の賞与額を計算できません。") % {"id": employee_id}
                )
                continue
            slips.append(_bonus_slip(profile, amount, pay_date, settings, so_far, previous))
        if not slips and not errors:
            errors["amounts"].append(_("賞与を支給する従業員がいません。"))
        bad = [s for s in slips if s.net < 0]
        if bad:
            errors["net"].append(_("差引支給額がマイナスの従業員がいます。"))
        if errors:
            raise ValidationFailed(_("賞与を計算できません。"), errors=dict(errors))
        run = PayRun.objects.create(
            kind=PayRun.Kind.BONUS,
            month=month,
            pay_date=pay_date,
            revision=(fixed.revision + 1) if fixed else 1,
            reason=reason.strip(),
            tax_method="table",
        )
        for slip in slips:
            slip.run = run
        Payslip.objects.bulk_create(slips, batch_size=1000)
        run.totals = runs.totals_of(slips)
        run.save(update_fields=["totals"])
        audit_record(
            actor=actor,
            action="payroll.bonus_run.calculate",
            target=run,
            changes={"pay_date": [None, pay_date.isoformat()], "totals": [None, run.totals]},
        )
    return run


def _bonus_insurance(
    profile: Any, amount: int, month: dt.date, prefecture: int, so_far: dict[int, int]
) -> Insurance:
    """Premiums on the 標準賞与額 (caps applied) for the month the bonus is paid."""
    employee = profile.employee
    health_std, pension_std = social_insurance.bonus_standards(
        amount, health_fiscal_year_so_far=so_far.get(employee.pk, 0)
    )
    probe = EmployeeInput(
        employee_id=employee.pk,
        pay_type=profile.pay_type,
        base_pay=0,
        scheduled_hours=profile.scheduled_hours,
        scheduled_days=profile.scheduled_days,
        commute_allowance=0,
        commute_nontaxable=0,
        tax_column=profile.tax_column,
        dependants=profile.dependant_count,
        declaration_submitted=profile.declaration_submitted,
        health_insured=profile.health_insured,
        pension_insured=profile.pension_insured,
        health_grade=profile.health_grade,
        employment_insurance=profile.employment_insurance,
        birth_date=profile.birth_date,
        hire_date=employee.hire_date,
        retire_date=employee.retire_date,
    )
    insured = insured_in(probe, month)
    care = social_insurance.is_care_insured(profile.birth_date, month)
    premiums = social_insurance.premiums_for(
        health_standard=health_std,
        pension_standard=pension_std,
        prefecture=prefecture,
        month=month,
        care=care,
        health_insured=insured and profile.health_insured,
        pension_insured=insured and profile.pension_insured,
    )
    employer = social_insurance.employer_premiums(
        employee=premiums, prefecture=prefecture, month=month, care=care
    )
    employment = employer_employment = 0
    if profile.employment_insurance != "none":
        worker, company = social_insurance.employment_rate(profile.employment_insurance, month)
        employment = deduct_round(amount * worker / 1000)
        employer_employment = deduct_round(amount * company / 1000)
    return Insurance(premiums, care, employment, {**employer, "employment": employer_employment})


def _bonus_slip(
    profile: Any,
    amount: int,
    pay_date: dt.date,
    settings: Any,
    so_far: dict[int, int],
    previous: dict[int, int],
) -> Payslip:
    employee = profile.employee
    month = runs.month_start(pay_date)  # bonus premiums are for the month it is paid
    ins = _bonus_insurance(profile, amount, month, settings.prefecture, so_far)
    after = max(amount - ins.premiums.total - ins.employment, 0)
    prev = previous.get(employee.pk, 0)
    n, column = profile.dependant_count, profile.tax_column
    tax = withholding.bonus_tax(after, previous_pay=prev, dependents=n, column=column)
    flags = (
        []
        if profile.declaration_submitted
        else [_("扶養控除等申告書が未提出のため乙欄で計算しました。")]
    )
    if prev == 0:
        flags.append(_("前月の給与がないため月額表で計算しました。"))
    rate = withholding.bonus_rate(prev, dependents=n, column=column)
    return Payslip(
        employee=employee,
        department_id=employee.department_id,
        gross=amount,
        taxable=amount,
        social_insurance=ins.premiums.total,
        employment_insurance=ins.employment,
        income_tax=tax,
        resident_tax=0,
        other_deductions=0,
        net=amount - ins.premiums.total - ins.employment - tax,
        employer_cost=sum(ins.employer.values()),
        lines={
            "pay": [["賞与", amount]],
            "deductions": deduction_rows(ins.premiums, ins.employment, tax),
            "tax": {
                "column": column,
                "dependants": n,
                "base": after,
                "previous_pay": prev,
                "rate": str(rate),
            },
            "insurance": ins.summary(month),
            "employer": ins.employer,
        },
        flags=flags,
    )
