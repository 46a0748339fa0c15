"""A pay run reads the attendance domain's closed month: overtime clocked is overtime paid."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

import jpholiday
import pytest

from urakata.attendance import selectors as attendance_selectors
from urakata.attendance import services as attendance_services
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import SYSTEM
from urakata.ledger.cache import chart_cache_clear
from urakata.ledger.chart import chart_ensure_seeded
from urakata.payroll import services
from urakata.payroll.tests.factories import PayProfileFactory

pytestmark = [pytest.mark.django_db, pytest.mark.real_attendance]


def test_overtime_of_the_closed_attendance_month_is_paid_at_125_percent() -> None:
    chart_ensure_seeded()
    chart_cache_clear()
    profile = PayProfileFactory(base_pay=320_000, scheduled_hours=Decimal("160"))
    employee = profile.employee
    day = dt.date(2026, 5, 1)
    while day.month == 5:  # every working day 9:00-20:00 with a 60-minute break: 10 hours
        if day.weekday() < 5 and not jpholiday.is_holiday(day):
            attendance_services.record_add(
                actor=SYSTEM,
                employee=employee,
                work_date=day,
                start=540,
                end=1200,
                break_minutes=60,
            )
        day += dt.timedelta(days=1)
    with pytest.raises(ValidationFailed) as refused:  # the month is still open
        services.pay_run_calculate(actor=SYSTEM, month=dt.date(2026, 5, 1))
    assert "attendance" in refused.value.errors
    attendance_services.month_close(actor=SYSTEM, year=2026, month=5)
    figures = attendance_selectors.month_figures(employee_id=employee.pk, year=2026, month=5)
    assert figures.closed and figures.legal_overtime_minutes > 0
    run = services.pay_run_calculate(actor=SYSTEM, month=dt.date(2026, 5, 1))
    slip = run.payslips.get(employee=employee)
    hourly = Decimal(320_000) / Decimal(160)
    to_60h = figures.legal_overtime_minutes - figures.overtime_over_60h_minutes
    expected = (hourly * Decimal("1.25") * to_60h / 60).quantize(Decimal(1), ROUND_HALF_UP)
    pay = dict((label, amount) for label, amount in slip.lines["pay"])
    assert pay["時間外労働手当"] == int(expected)
    assert slip.lines["attendance"]["overtime_hours"] == str(
        Decimal(figures.legal_overtime_minutes) / 60
    )
