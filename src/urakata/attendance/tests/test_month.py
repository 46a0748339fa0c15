"""Month figures (the payroll contract), the monthly close and its lock, the CLI."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from urakata.attendance import selectors, services
from urakata.attendance.figures import MonthFigures
from urakata.attendance.models import ClockRecord, MonthSummary
from urakata.attendance.tests.factories import ClockRecordFactory
from urakata.core.audit import audit_verify
from urakata.core.errors import Conflict, PermissionDenied, ValidationFailed
from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.org.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db
JSON_KEYS = {
    "worked_minutes",
    "scheduled_minutes",
    "within_statutory_overtime_minutes",
    "legal_overtime_minutes",
    "overtime_over_60h_minutes",
    "late_night_minutes",
    "legal_holiday_minutes",
    "scheduled_holiday_minutes",
    "absence_days",
    "paid_leave_days",
}


@pytest.fixture
def march(db: Any) -> Any:
    """An employee with every weekday of March 2026 worked 9:00–20:00 (10 h) and a Sunday."""
    employee = EmployeeFactory(code="E100", hire_date=dt.date(2020, 4, 1))
    for day in range(1, 32):
        date = dt.date(2026, 3, day)
        if date.weekday() < 5 and date != dt.date(2026, 3, 20):  # 春分の日 is a company holiday
            ClockRecordFactory(employee=employee, work_date=date, end_minute=20 * 60)
    ClockRecordFactory(
        employee=employee,
        work_date=dt.date(2026, 3, 22),
        start_minute=22 * 60,
        end_minute=26 * 60,
        break_minutes=0,
    )
    return employee


def test_month_figures_contract(march: Any) -> None:
    figures = selectors.month_figures(employee_id=march.pk, year=2026, month=3)
    assert isinstance(figures, MonthFigures)
    assert set(figures.as_json()) >= JSON_KEYS and figures.closed is False
    # 21 working days (22 weekdays less 春分の日) × 10 h, 2 h a day over 8 h; Sunday 22:00–2:00:
    # 2 h on the 法定休日 (Sunday) and 2 h on Monday 0:00–2:00, all 深夜.
    assert figures.worked_minutes == 21 * 600 + 240
    assert figures.legal_holiday_minutes == 120
    # The Monday 0:00–2:00 minutes count toward that week's 40 h (Sunday's shift, not 法定休日),
    # so Friday 27 March's last 2 scheduled hours pass 40 h: 時間外, not 所定内.
    assert figures.scheduled_minutes == 21 * 480 - 120
    assert figures.legal_overtime_minutes == 21 * 120 + 120
    assert figures.within_statutory_overtime_minutes == 120
    assert figures.late_night_minutes == 240
    assert figures.absence_days == 0
    assert figures.paid_leave_days == Decimal("0")


def test_cli_month_json(march: Any) -> None:
    out = StringIO()
    call_command("attendance", "month", "E100", "2026-03", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert set(data) >= JSON_KEYS
    assert data["worked_minutes"] == 21 * 600 + 240 and data["paid_leave_days"] == 0


def test_close_locks_the_month_and_payroll_reads_the_snapshot(march: Any, make_user: Any) -> None:
    hr = make_user(Role.HR)
    with pytest.raises(PermissionDenied):
        services.month_close(actor=make_user(Role.MANAGER), year=2026, month=3)
    assert not selectors.month_is_closed(year=2026, month=3)
    result = services.month_close(actor=hr, year=2026, month=3)
    assert result.employees >= 1
    assert selectors.month_is_closed(year=2026, month=3)
    snapshot = MonthSummary.objects.get(employee=march, year=2026, month=3)
    assert snapshot.worked_minutes == 21 * 600 + 240
    figures = selectors.month_figures(employee_id=march.pk, year=2026, month=3)
    assert figures.closed is True and figures.worked_minutes == snapshot.worked_minutes
    with pytest.raises(Conflict):
        services.month_close(actor=hr, year=2026, month=3)
    with pytest.raises(ValidationFailed) as caught:
        services.record_add(
            actor=hr, employee=march, work_date=dt.date(2026, 3, 21), start=540, end=600
        )
    assert "work_date" in caught.value.errors
    assert not ClockRecord.objects.filter(work_date=dt.date(2026, 3, 21)).exists()
    services.month_reopen(actor=hr, year=2026, month=3, reason="打刻漏れ")
    assert not selectors.month_is_closed(year=2026, month=3)
    assert audit_verify().ok


def test_month_not_over_cannot_close(make_user: Any) -> None:
    today = selectors.local_today()
    with pytest.raises(ValidationFailed):
        services.month_close(actor=SYSTEM, year=today.year, month=today.month)


def test_cli_errors_are_messages(march: Any) -> None:
    with pytest.raises(CommandError, match="YYYY-MM"):
        call_command("attendance", "month", "E100", "2026-13", "--json", stdout=StringIO())
    with pytest.raises(CommandError, match="従業員"):
        call_command("attendance", "month", "NOPE", "2026-03", "--json", stdout=StringIO())
