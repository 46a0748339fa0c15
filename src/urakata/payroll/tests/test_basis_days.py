"""支払基礎日数 (the 17-day rule and the 短時間 rules) and 資格取得時決定, hand-computed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from urakata.core.audit import AuditEvent
from urakata.core.errors import ValidationFailed
from urakata.core.roles import Role
from urakata.payroll import insurance_events, services
from urakata.payroll.attendance_inputs import MonthFigures
from urakata.payroll.compute import EmployeeInput, basis_days
from urakata.payroll.insurance_events import PaidMonth, counts, regular_months
from urakata.payroll.services_profiles import pay_profile_acquisition_decide
from urakata.payroll.tests.factories import PayItemFactory, PayProfileFactory

FEB = dt.date(2026, 2, 1)


def _input(pay_type: str) -> EmployeeInput:
    return EmployeeInput(
        employee_id=1,
        pay_type=pay_type,
        base_pay=1_500 if pay_type == "hourly" else 300_000,
        scheduled_hours=Decimal(160),
        scheduled_days=Decimal(20),
        commute_allowance=0,
        commute_nontaxable=0,
        tax_column="kou",
        dependants=0,
        declaration_submitted=True,
        health_insured=True,
        pension_insured=True,
        health_grade=22,
        employment_insurance="general",
        birth_date=dt.date(1990, 1, 1),
        hire_date=dt.date(2020, 4, 1),
        retire_date=None,
    )


def test_basis_days_by_pay_type() -> None:
    # 月給: the calendar days of the month the wages are for (February 2026: 28), absence or not
    assert basis_days(_input("monthly"), MonthFigures(absence_days=Decimal(3)), FEB) == 28
    # 日給月給 without absence: calendar days; with 2 days' absence deducted: 19 所定 − 2 = 17
    assert basis_days(_input("daily_monthly"), MonthFigures(scheduled_days=19), FEB) == 28
    figures = MonthFigures(scheduled_days=19, absence_days=Decimal(2))
    assert basis_days(_input("daily_monthly"), figures, FEB) == 17
    # 時給: 14 days worked + 1.5 days' paid leave (the half day falls on a day worked) = 15
    figures = MonthFigures(worked_days=14, paid_leave_days=Decimal("1.5"), worked_minutes=1)
    assert basis_days(_input("hourly"), figures, FEB) == 15


def _months(*pairs: tuple[int, int]) -> list[PaidMonth]:
    return [
        PaidMonth(dt.date(2026, 4 + i, 1), 0, gross, days) for i, (gross, days) in enumerate(pairs)
    ]


def test_regular_determination_months_by_insured_kind() -> None:
    # 一般: 17 days or more; a 16-day month drops out (not counted as zero)
    months = _months((300_000, 30), (150_000, 16), (310_000, 31))
    assert [m.gross for m in regular_months(months, "general")] == [300_000, 310_000]
    # 短時間就労者: none reaches 17 → the months with 15 or more (定時決定 only)
    months = _months((120_000, 16), (110_000, 15), (90_000, 12))
    assert [m.gross for m in regular_months(months, "part_time")] == [120_000, 110_000]
    assert regular_months(months, "general") == []  # 一般: no month → the grade stays
    # 短時間労働者 (特定適用事業所): 11 days or more
    months = _months((100_000, 11), (90_000, 10), (105_000, 12))
    assert [m.gross for m in regular_months(months, "short_time")] == [100_000, 105_000]
    # 随時改定 has no 15-day fallback: a 16-day month fails a 短時間就労者's window
    assert not counts(16, "part_time") and counts(17, "part_time") and counts(11, "short_time")
    assert counts(None, "general")  # payslips from before 支払基礎日数 was kept still count


@pytest.mark.django_db
def test_regular_determination_leaves_out_a_short_month(make_user: Any) -> None:
    hr = make_user(Role.HR)
    profile = PayProfileFactory(
        pay_type="hourly", base_pay=1_500, scheduled_hours=Decimal(160), health_grade=22
    )

    def figures_for(days: int) -> Any:
        def figures(employee_id: int, scheduled: int) -> MonthFigures:
            return MonthFigures(
                worked_minutes=days * 8 * 60, scheduled_minutes=scheduled, worked_days=days
            )

        return figures

    # attendance March, April, May → paid April, May, June: 20, 16 and 20 days of 8 hours
    for month, days in ((3, 20), (4, 16), (5, 20)):
        run = services.pay_run_calculate(
            actor=hr, month=dt.date(2026, month, 1), figures_for=figures_for(days)
        )
        services.pay_run_check(actor=hr, run=run)
        services.pay_run_approve(actor=hr, run=run)
    # 1,500 × 160 h = 240,000 in the two 20-day months; the 16-day month (192,000) drops out:
    # average 240,000 → 標準報酬月額 240,000 (230,000–250,000), not 224,000 → 220,000.
    rows = insurance_events.regular_determination(actor=hr, year=2026)
    assert [(r["employee_code"], r["months"], r["average"], r["new_standard"]) for r in rows] == [
        (profile.employee.code, 2, 240_000, 240_000)
    ]


def test_acquisition_determination_hand_computed() -> None:
    # 月給 250,000 + 役職手当 20,000 + 通勤 12,000 + 残業見込み 30,000 = 312,000
    # → 310,000–330,000: 標準報酬月額 320,000 (健保23等級); hired in April → until August 2026
    decision = insurance_events.acquisition_determination(
        pay_type="monthly",
        base_pay=250_000,
        scheduled_hours=Decimal(160),
        fixed_allowances=20_000,
        commute_allowance=12_000,
        overtime_estimate=30_000,
        acquired_on=dt.date(2026, 4, 1),
    )
    assert (decision.remuneration, decision.health_grade, decision.health_standard) == (
        312_000,
        23,
        320_000,
    )
    assert (decision.pension_standard, decision.valid_until) == (320_000, "2026-08")
    # 時給 1,200 × 120 h = 144,000 + 通勤 6,000 = 150,000 → 146,000–155,000: 150,000 (12等級);
    # hired in July → until August of the next year
    decision = insurance_events.acquisition_determination(
        pay_type="hourly",
        base_pay=1_200,
        scheduled_hours=Decimal(120),
        fixed_allowances=0,
        commute_allowance=6_000,
        overtime_estimate=0,
        acquired_on=dt.date(2026, 7, 15),
    )
    assert (decision.remuneration, decision.health_grade, decision.health_standard) == (
        150_000,
        12,
        150_000,
    )
    assert (decision.pension_standard, decision.valid_until) == (150_000, "2027-08")
    # 1,500,000 → the top grades: 健保 1,390,000 (50等級), 厚年 650,000 (its cap)
    decision = insurance_events.acquisition_determination(
        pay_type="monthly",
        base_pay=1_500_000,
        scheduled_hours=Decimal(160),
        fixed_allowances=0,
        commute_allowance=0,
        overtime_estimate=0,
        acquired_on=dt.date(2026, 6, 1),
    )
    assert (decision.health_grade, decision.health_standard, decision.pension_standard) == (
        50,
        1_390_000,
        650_000,
    )


@pytest.mark.django_db
def test_acquisition_service_sets_the_grade_and_is_audited(make_user: Any) -> None:
    hr = make_user(Role.HR)
    profile = PayProfileFactory(base_pay=250_000, commute_allowance=12_000, health_grade=1)
    PayItemFactory(profile=profile, name="役職手当", amount=20_000)
    PayItemFactory(profile=profile, kind="deduction", name="社宅", amount=15_000)  # not pay
    decision = pay_profile_acquisition_decide(actor=hr, profile=profile, overtime_estimate=30_000)
    assert decision.remuneration == 312_000
    profile.refresh_from_db()
    assert profile.health_grade == 23
    event = AuditEvent.objects.filter(action="payroll.profile.acquisition").get()
    assert event.changes["health_grade"] == [1, 23]
    with pytest.raises(ValidationFailed):
        pay_profile_acquisition_decide(actor=hr, profile=profile, overtime_estimate=-1)
