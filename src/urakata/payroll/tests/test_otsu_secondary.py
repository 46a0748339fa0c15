"""乙欄 with a 従たる給与についての扶養控除等申告書 (1,610 yen per 扶養親族等), and the 電算機計算の
特例 covering 甲欄 only: hand-computed from the 令和8年分 月額表 row 299,000–302,000."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urakata.core.errors import ValidationFailed
from urakata.core.roles import Role
from urakata.payroll import services, withholding
from urakata.payroll.services_profiles import pay_profile_save, payroll_settings_update
from urakata.payroll.tests.factories import PayProfileFactory


def test_otsu_less_1610_per_secondary_dependant() -> None:
    # 乙欄 at 300,000: 53,600 (row 299,000–302,000); two 扶養親族等 → 53,600 − 2 × 1,610 = 50,380
    assert withholding.monthly_tax(300_000, column="otsu") == 53_600
    assert withholding.monthly_tax(300_000, column="otsu", secondary_dependents=2) == 50_380
    # 甲欄 ignores it (the 従たる declaration is for 乙欄 only)
    assert withholding.monthly_tax(300_000, secondary_dependents=2) == 7_930
    # never below zero: 乙欄 at 105,000 is 3,800; three 扶養親族等 take 4,830
    assert withholding.monthly_tax(105_000, column="otsu", secondary_dependents=3) == 0


@pytest.mark.django_db
def test_run_uses_the_secondary_declaration_and_the_table_for_otsu(make_user: Any) -> None:
    hr = make_user(Role.HR)
    # 月給 300,000, not insured (a side job), no 雇用保険: taxable 300,000 after insurance
    otsu = PayProfileFactory(
        declaration_submitted=False,
        secondary_dependents=1,
        health_insured=False,
        pension_insured=False,
        employment_insurance="none",
    )
    kou = PayProfileFactory(
        health_insured=False, pension_insured=False, employment_insurance="none"
    )
    payroll_settings_update(actor=hr, tax_method="formula")  # the company uses the 電算機特例
    run = services.pay_run_calculate(actor=hr, month=dt.date(2026, 5, 1))
    slips = {s.employee_id: s for s in run.payslips.all()}
    # 乙欄 by the table (the 特例 covers 甲欄 only): 53,600 − 1,610 = 51,990
    assert slips[otsu.employee_id].income_tax == 51_990
    assert slips[otsu.employee_id].lines["tax"]["method"] == "table"
    # 甲欄 0人 by the formula: 300,000 − 96,667 − 48,334 = 154,999 → × 5.105% = 7,912.7 → 7,910
    assert slips[kou.employee_id].income_tax == 7_910
    assert slips[kou.employee_id].lines["tax"]["method"] == "formula"


@pytest.mark.django_db
def test_secondary_declaration_refused_for_kou(make_user: Any) -> None:
    hr = make_user(Role.HR)
    profile = PayProfileFactory(declaration_submitted=True)
    with pytest.raises(ValidationFailed) as bad:
        pay_profile_save(actor=hr, employee=profile.employee, secondary_dependents=1)
    assert "secondary_dependents" in bad.value.errors
