"""36協定 alerts: forecasts before the 45 h limit, violations, 特別条項 rules (facts.md §5.2)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from urakata.attendance.agreement import alert_list, alerts_notify
from urakata.attendance.models import Agreement36, AlertNotice, AttendanceMonth, MonthSummary
from urakata.attendance.tests.factories import ClockRecordFactory
from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.org.tests.factories import EmployeeFactory
from urakata.workflow.models import Notification

pytestmark = pytest.mark.django_db


def _march(employee: Any, until: int = 31) -> None:
    """Weekdays of March 2026 up to `until`, 9:00–20:30 with 1 h break: 2.5 h 時間外 a day."""
    for day in range(1, until + 1):
        date = dt.date(2026, 3, day)
        if date.weekday() < 5 and day != 20:  # 20 March: 春分の日
            ClockRecordFactory(employee=employee, work_date=date, end_minute=20 * 60 + 30)


def _closed(employee: Any, year: int, month: int, overtime: int) -> None:
    AttendanceMonth.objects.get_or_create(year=year, month=month, defaults={"is_closed": True})
    MonthSummary.objects.create(
        employee=employee, year=year, month=month, legal_overtime_minutes=overtime
    )


def _kinds(alerts: list[Any]) -> dict[str, tuple[int, int]]:
    return {a.kind: (a.value, a.limit) for a in alerts}


def test_forecast_warns_before_45_hours() -> None:
    employee = EmployeeFactory(code="W1")
    _march(employee, until=13)  # 10 working days so far: 25 h
    alerts = alert_list(actor=SYSTEM, year=2026, month=3, today=dt.date(2026, 3, 13))
    # 21 scheduled days in March (春分の日 off): forecast 1,500 × 21 / 10 = 3,150 min ≥ 80 % of 45 h.
    assert _kinds(alerts) == {"monthly_forecast": (3150, 2700)}


def test_violations_of_a_general_agreement() -> None:
    employee = EmployeeFactory(code="V1")
    _march(employee)
    alerts = alert_list(actor=SYSTEM, year=2026, month=3, today=dt.date(2026, 4, 1))
    assert _kinds(alerts)["monthly_limit"] == (21 * 150, 2700)
    assert all(a.employee_code == "V1" for a in alerts)


def test_special_clause_average_and_months_over_45() -> None:
    Agreement36.objects.create(effective_from=dt.date(2025, 4, 1), special_clause=True)
    employee = EmployeeFactory(code="S1", hire_date=dt.date(2020, 4, 1))
    for month in (4, 5, 6, 7):
        _closed(employee, 2025, month, 2800)  # just over 45 h
    _closed(employee, 2026, 1, 6000)
    _closed(employee, 2026, 2, 6000)
    _march(employee)  # 52:30
    alerts = _kinds(alert_list(actor=SYSTEM, year=2026, month=3, today=dt.date(2026, 4, 1)))
    assert alerts["special_month"] == (3150, 2700)
    # 3-month average (3,150 + 6,000 + 6,000) / 3 = 5,050 > 80 h.
    assert alerts["average_80h"] == (5050, 4800)
    assert alerts["months_over_45h"] == (7, 6)
    # The year so far, 4 × 2,800 + 2 × 6,000 + 3,150 = 26,350 min, is under 80 % of 720 h.
    assert "annual_limit" not in alerts and "annual_forecast" not in alerts


def test_notify_once_to_employee_manager_and_hr(make_user: Any) -> None:
    hr = make_user(Role.HR)
    boss = make_user(Role.MANAGER)
    worker = make_user(Role.EMPLOYEE)
    worker.employee.manager = boss.employee
    worker.employee.save()
    _march(worker.employee)
    sent = alerts_notify(actor=hr, year=2026, month=3, today=dt.date(2026, 4, 1))
    assert sent and AlertNotice.objects.count() == len(sent)
    users = set(Notification.objects.values_list("user_id", flat=True))
    assert {hr.pk, boss.pk, worker.pk} <= users
    assert alerts_notify(actor=hr, year=2026, month=3, today=dt.date(2026, 4, 1)) == []


def test_cli_alerts_json() -> None:
    _march(EmployeeFactory(code="C1"))
    out = StringIO()
    call_command("attendance", "alerts", "2026-03", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    assert {"employee_code": "C1", "kind": "monthly_limit", "value": 3150, "limit": 2700} in rows
