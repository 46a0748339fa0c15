"""HR settings pages: forms, validation messages (4xx, nothing saved), audited saves."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urakata.attendance.models import (
    Agreement36,
    CompanyDay,
    LeaveRequest,
    LeaveSettings,
    ScheduledDay,
    WorkRule,
)
from urakata.attendance.tests.factories import LeaveGrantFactory
from urakata.core.models import AuditEvent
from urakata.core.roles import Role
from urakata.org.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db

RULE = {
    "action": "rule",
    "code": "VAR",
    "name": "変形(店舗)",
    "kind": "variable",
    "start_time": "9:00",
    "end_time": "18:00",
    "break_start": "12:00",
    "break_minutes": "60",
    "workdays": ["0", "1", "2", "3", "4"],
    "legal_holiday_weekday": "6",
    "week_start": "6",
    "period_start_day": "1",
    "national_holidays_off": "on",
}


def test_rule_and_shift_calendar_forms(client_for: Any) -> None:
    client = client_for(Role.HR)
    assert client.get("/attendance/hr/rules/").status_code == 200
    response = client.post("/attendance/hr/rules/", {**RULE, "period_start_day": "30"})
    assert response.status_code == 400
    assert not WorkRule.objects.filter(code="VAR").exists()
    response = client.post("/attendance/hr/rules/", RULE)
    assert response.status_code == 302
    assert WorkRule.objects.get(code="VAR").kind == "variable"
    # February 2026: 総枠 160 h. 20 weekdays of 8 h 30 min = 170 h → refused, message shown.
    lines = [
        f"{dt.date(2026, 2, d).isoformat()},9:00,18:30,60"
        for d in range(1, 29)
        if dt.date(2026, 2, d).weekday() < 5
    ]
    form = {"action": "schedule", "rule": "VAR", "period_start": "2026-02-01"}
    response = client.post("/attendance/hr/rules/", {**form, "text": "\n".join(lines)})
    assert response.status_code == 400
    assert "160時間0分" in response.content.decode()
    response = client.post("/attendance/hr/rules/", {**form, "text": "2026-02-02,9:00"})
    assert response.status_code == 400
    assert "1行目" in response.content.decode()
    assert not ScheduledDay.objects.exists()
    fits = "\n".join(line.replace("18:30", "18:00") for line in lines)
    assert client.post("/attendance/hr/rules/", {**form, "text": fits}).status_code == 302
    assert ScheduledDay.objects.filter(rule__code="VAR").count() == 20
    assert AuditEvent.objects.filter(action="attendance.schedule.save").count() == 1
    # An individual shift calendar for an unknown employee code: refused on the field.
    response = client.post("/attendance/hr/rules/", {**form, "text": fits, "employee_code": "NOPE"})
    assert response.status_code == 400
    assert "社員が見つかりません" in response.content.decode()
    assert not ScheduledDay.objects.filter(employee__isnull=False).exists()
    assert AuditEvent.objects.filter(action="attendance.schedule.save").count() == 1


def test_calendar_and_agreement_forms(client_for: Any) -> None:
    client = client_for(Role.HR)
    response = client.post("/attendance/hr/calendar/", {"date": "2026-02-30", "kind": "off"})
    assert response.status_code == 400
    response = client.post(
        "/attendance/hr/calendar/", {"date": "2026-08-14", "kind": "off", "name": "夏季休業"}
    )
    assert response.status_code == 302
    assert CompanyDay.objects.get(date=dt.date(2026, 8, 14)).is_day_off
    assert "夏季休業" in client.get("/attendance/hr/calendar/").content.decode()
    agreement = {
        "effective_from": "2026-04-01",
        "monthly_limit_hours": "45",
        "annual_limit_hours": "360",
        "special_clause": "on",
        "special_monthly_limit_hours": "100",
        "special_annual_limit_hours": "720",
        "special_months_allowed": "6",
        "warn_percent": "80",
    }
    response = client.post("/attendance/hr/agreement/", agreement)
    assert response.status_code == 400
    assert "月100時間未満" in response.content.decode()
    assert not Agreement36.objects.exists()
    agreement["special_monthly_limit_hours"] = "80"
    assert client.post("/attendance/hr/agreement/", agreement).status_code == 302
    assert Agreement36.objects.get().special_monthly_limit_minutes == 80 * 60


def test_leave_settings_and_planned_leave_forms(client_for: Any) -> None:
    client = client_for(Role.HR)
    response = client.post(
        "/attendance/hr/leave-settings/",
        {"action": "uniform", "uniform_grant_month": "2", "uniform_grant_day": "30"},
    )
    assert response.status_code == 400
    assert "その月にない日付です" in response.content.decode()
    response = client.post(
        "/attendance/hr/leave-settings/",
        {"action": "uniform", "uniform_grant_month": "4", "uniform_grant_day": "1"},
    )
    assert response.status_code == 302
    assert LeaveSettings.objects.get().uniform == (4, 1)
    worker = EmployeeFactory(code="PL1")
    LeaveGrantFactory(employee=worker, granted_on=dt.date(2025, 10, 1), days=10)
    planned = {"action": "planned", "date": "2026-05-01", "reason": "計画的付与"}
    response = client.post(
        "/attendance/hr/leave-settings/", {**planned, "employee_codes": "PL1 NOPE"}
    )
    assert response.status_code == 400
    assert "NOPE" in response.content.decode()
    assert not LeaveRequest.objects.filter(employee=worker).exists()
    response = client.post("/attendance/hr/leave-settings/", {**planned, "employee_codes": "PL1"})
    assert response.status_code == 302
    assert LeaveRequest.objects.get(employee=worker).planned
