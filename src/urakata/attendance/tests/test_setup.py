"""HR settings: work rules, assignment, the company calendar and the 36協定 (legal caps)."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from urakata.attendance import selectors
from urakata.attendance.setup import agreement_save, company_day_set, work_rule_save
from urakata.attendance.tests.factories import ClockRecordFactory
from urakata.core.errors import PermissionDenied, ValidationFailed
from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.org.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def test_rule_assignment_and_calendar_change_the_figures(make_user: Any) -> None:
    employee = EmployeeFactory(code="R1")
    ClockRecordFactory(
        employee=employee, work_date=dt.date(2026, 3, 7), end_minute=14 * 60, break_minutes=0
    )  # a Saturday, 5 h
    figures = selectors.month_figures(employee_id=employee.pk, year=2026, month=3)
    assert figures.scheduled_holiday_minutes == 300
    # Saturday a working day for a six-day rule: no longer 所定休日労働.
    work_rule_save(
        actor=SYSTEM, code="SIX", name="週6日", workdays="012345", end_time=dt.time(15, 40)
    )
    call_command("attendance", "rule-assign", "SIX", "R1", stdout=StringIO())
    figures = selectors.month_figures(employee_id=employee.pk, year=2026, month=3)
    assert figures.scheduled_holiday_minutes == 0
    # A company day off on a Monday makes the day a 所定休日 (no absence).
    before = selectors.month_figures(employee_id=employee.pk, year=2026, month=3).absence_days
    company_day_set(actor=SYSTEM, date=dt.date(2026, 3, 2), is_day_off=True, name="創立記念日")
    after = selectors.month_figures(employee_id=employee.pk, year=2026, month=3).absence_days
    assert after == before - 1
    with pytest.raises(PermissionDenied):
        company_day_set(actor=make_user(Role.MANAGER), date=dt.date(2026, 3, 3), is_day_off=True)


def test_rule_and_agreement_checks() -> None:
    with pytest.raises(ValidationFailed) as caught:
        work_rule_save(actor=SYSTEM, code="BAD", workdays="0123456")
    assert "legal_holiday_weekday" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:
        agreement_save(
            actor=SYSTEM,
            effective_from=dt.date(2026, 4, 1),
            special_clause=True,
            special_monthly_limit_minutes=100 * 60,
            special_months_allowed=7,
        )
    assert set(caught.value.errors) == {"special_monthly_limit_minutes", "special_months_allowed"}
    row = agreement_save(actor=SYSTEM, effective_from=dt.date(2026, 4, 1), special_clause=True)
    assert row.special_annual_limit_minutes == 720 * 60
    out = StringIO()
    call_command("attendance", "calendar", "2026-05-01", "--off", "--name", "休業日", stdout=out)
    assert "off" in out.getvalue()
