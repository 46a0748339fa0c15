"""Bonus runs by hand: 標準賞与額 and caps across a fiscal year, 算出率, the no-salary rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urakata.core.roles import Role
from urakata.payroll import bonus, services
from urakata.payroll.models import PayRun, Payslip
from urakata.payroll.tests.factories import PayProfileFactory

pytestmark = pytest.mark.django_db


def test_bonus_run_by_hand(make_user: Any) -> None:
    hr = make_user(Role.HR)
    older = PayProfileFactory(birth_date=dt.date(1981, 1, 15), has_tax_spouse=True)
    salary = services.pay_run_calculate(actor=hr, month=dt.date(2026, 5, 1))  # paid 2026-06-25
    services.pay_run_check(actor=hr, run=salary)
    services.pay_run_approve(actor=hr, run=salary)
    assert Payslip.objects.get(run=salary).lines["tax"]["base"] == 253_500
    newcomer = PayProfileFactory()  # no salary last month
    run = bonus.bonus_run_calculate(
        actor=hr,
        pay_date=dt.date(2026, 7, 10),
        amounts={older.employee_id: 600_000, newcomer.employee_id: 900_000},
    )
    slip = Payslip.objects.get(run=run, employee=older.employee)
    assert slip.social_insurance == 29_550 + 4_860 + 690 + 54_900
    assert slip.employment_insurance == 3_000
    assert slip.lines["tax"]["rate"] == "0.04084"  # 253.5千円, 1人
    assert slip.income_tax == 20_705  # 507,000 × 4.084% = 20,705.88 → 切捨て
    assert slip.net == 486_295
    other = Payslip.objects.get(run=run, employee=newcomer.employee)
    assert other.social_insurance == 44_325 + 1_035 + 82_350
    assert other.income_tax == 1_300 * 6  # 月額表 on 767,790 / 6 = 127,965
    assert other.net == 759_990
    assert any("前月の給与がない" in f for f in other.flags)
    services.pay_run_check(actor=hr, run=run)
    fixed = services.pay_run_approve(actor=hr, run=run)
    from urakata.ledger.models import JournalEntry

    entry = JournalEntry.objects.get(pk=fixed.journal_entry_id)
    assert (
        sum(entry.lines.filter(account__code="7130").values_list("debit", flat=True)) == 1_500_000
    )

    # Winter bonus, same fiscal year: 健保 capped at 5,730,000 in total, 厚年 1,500,000 per payment.
    winter = bonus.bonus_run_calculate(
        actor=hr, pay_date=dt.date(2026, 12, 10), amounts={older.employee_id: 5_500_999}
    )
    lines = Payslip.objects.get(run=winter).lines["insurance"]
    assert (lines["health_standard"], lines["pension_standard"]) == (5_130_000, 1_500_000)
    assert winter.status == PayRun.Status.DRAFT
