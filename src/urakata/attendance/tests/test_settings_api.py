"""HR settings API: GET/PUT through the same services as the pages, 422 with the same messages,
nothing saved on a refusal, audited saves."""

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
API = "/api/v1/attendance/settings"
RULE = {
    "name": "変形(店舗)",
    "kind": "variable",
    "start_time": "09:00",
    "end_time": "18:00",
    "workdays": "43210",
    "legal_holiday_weekday": 6,
}


def _put(client: Any, url: str, body: Any) -> Any:
    return client.put(url, body, content_type="application/json")


def test_rules_and_shift_calendar(client_for: Any) -> None:
    client = client_for(Role.HR)
    response = _put(client, f"{API}/rules/VAR", {**RULE, "workdays": "0123456"})
    assert response.status_code == 422
    assert "法定休日が所定労働日に含まれています" in str(response.json())
    assert not WorkRule.objects.exists()
    response = _put(client, f"{API}/rules/VAR", {**RULE, "end_time": "08:00"})
    assert response.status_code == 422
    assert "終業時刻が始業時刻より前です" in str(response.json())
    response = _put(client, f"{API}/rules/VAR", {**RULE, "start_time": "09:00:00+09:00"})
    assert response.status_code == 422  # a time with an offset is not HH:MM
    response = _put(client, f"{API}/rules/VAR", {**RULE, "start_time": "24:30"})
    assert response.status_code == 422
    assert "start_time" in response.json()["errors"]
    assert not WorkRule.objects.exists()
    response = _put(client, f"{API}/rules/VAR", RULE)
    assert response.status_code == 200
    assert response.json()["workdays"] == "01234"
    assert (response.json()["start_time"], response.json()["end_time"]) == ("09:00", "18:00")
    assert WorkRule.objects.get(code="VAR").kind == "variable"
    assert [r["code"] for r in client.get(f"{API}/rules").json()] == ["VAR"]
    # February 2026, 総枠 160 h: 20 weekdays of 8 h 30 min (170 h) refused, 8 h (160 h) fits.
    weekdays = [dt.date(2026, 2, d) for d in range(1, 29) if dt.date(2026, 2, d).weekday() < 5]
    long = [
        {"date": d.isoformat(), "start": "9:00", "end": "18:30", "break_minutes": 60}
        for d in weekdays
    ]
    body = {"period_start": "2026-02-01", "days": long}
    response = _put(client, f"{API}/rules/VAR/schedule", body)
    assert response.status_code == 422
    assert "160時間0分" in str(response.json())
    response = _put(client, f"{API}/rules/VAR/schedule", {**body, "employee_code": "NOPE"})
    assert response.status_code == 422
    assert response.json()["errors"]["employee_code"] == ["社員が見つかりません。"]
    assert not ScheduledDay.objects.exists()
    fits = [{**day, "end": "18:00"} for day in long]
    response = _put(client, f"{API}/rules/VAR/schedule", {**body, "days": fits})
    assert response.status_code == 200
    assert ScheduledDay.objects.filter(rule__code="VAR").count() == 20
    shown = client.get(f"{API}/rules/VAR/schedule?period_start=2026-02-01").json()
    assert shown["days"][0] == {
        "date": "2026-02-02",
        "start": "09:00",
        "end": "18:00",
        "break_minutes": 60,
    }
    assert len(shown["days"]) == 20
    # An individual calendar: an overnight shift (end before start = next day), 8 h + 1 h break.
    EmployeeFactory(code="S1")
    night = {"date": "2026-02-03", "start": "22:00", "end": "7:00", "break_minutes": 60}
    body = {"period_start": "2026-02-01", "employee_code": "S1", "days": [night]}
    assert _put(client, f"{API}/rules/VAR/schedule", body).status_code == 200
    row = ScheduledDay.objects.get(employee__code="S1")
    assert (row.start_minute, row.end_minute) == (1320, 1860)
    assert client.get(f"{API}/rules/NONE/schedule?period_start=2026-02-01").status_code == 404
    assert AuditEvent.objects.filter(action="attendance.schedule.save").count() == 2
    assert AuditEvent.objects.filter(action="attendance.rule.save").count() == 1


def test_calendar_agreement_and_leave_settings(client_for: Any) -> None:
    client = client_for(Role.HR)
    assert _put(client, f"{API}/calendar/2026-02-30", {"kind": "off"}).status_code == 422
    response = _put(client, f"{API}/calendar/2026-08-14", {"kind": "off", "name": "夏季休業"})
    assert response.json() == {"date": "2026-08-14", "is_day_off": True, "name": "夏季休業"}
    assert client.get(f"{API}/calendar?year=2026").json()[0]["name"] == "夏季休業"
    assert _put(client, f"{API}/calendar/2026-08-14", {"kind": "default"}).status_code == 200
    assert not CompanyDay.objects.exists()
    agreement = {"special_clause": True, "special_monthly_limit_minutes": 100 * 60}
    response = _put(client, f"{API}/agreements/2026-04-01", agreement)
    assert response.status_code == 422
    assert response.json()["errors"]["special_monthly_limit_minutes"] == [
        "月100時間未満にしてください。"
    ]
    assert not Agreement36.objects.exists()
    agreement["special_monthly_limit_minutes"] = 80 * 60
    response = _put(client, f"{API}/agreements/2026-04-01", agreement)
    assert response.status_code == 200
    assert response.json()["monthly_limit_minutes"] == 45 * 60
    assert client.get(f"{API}/agreements").json()[0]["special_clause"] is True
    assert client.get(f"{API}/leave").json() == {
        "uniform_grant_month": None,
        "uniform_grant_day": 1,
    }
    response = _put(client, f"{API}/leave", {"uniform_grant_month": 2, "uniform_grant_day": 30})
    assert response.status_code == 422
    assert "その月にない日付です" in str(response.json())
    assert not LeaveSettings.objects.exists()
    response = _put(client, f"{API}/leave", {"uniform_grant_month": 4, "uniform_grant_day": 1})
    assert response.json() == {"uniform_grant_month": 4, "uniform_grant_day": 1}
    assert LeaveSettings.objects.get().uniform == (4, 1)


def test_planned_leave(client_for: Any) -> None:
    client = client_for(Role.HR)
    worker = EmployeeFactory(code="PL1", hire_date=dt.date(2024, 4, 1))
    LeaveGrantFactory(employee=worker, granted_on=dt.date(2025, 10, 1), days=10)
    EmployeeFactory(code="PL2", hire_date=dt.date(2024, 4, 1))  # no grant: skipped
    url = f"{API}/leave/planned"
    body = {"date": "2026-05-01", "employee_codes": ["PL1", "NOPE"]}
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 422
    assert "NOPE" in response.json()["errors"]["employee_codes"][0]
    assert not LeaveRequest.objects.exists()
    body["employee_codes"] = ["PL1", "PL2"]
    response = client.post(url, body, content_type="application/json")
    assert response.json() == {"date": "2026-05-01", "booked": ["PL1"], "skipped": 1}
    assert LeaveRequest.objects.get(employee=worker).planned


def test_settings_api_is_hr_only(client_for: Any) -> None:
    for role in (Role.MANAGER, Role.EMPLOYEE):
        client = client_for(role)
        assert client.get(f"{API}/rules").status_code == 403
        assert _put(client, f"{API}/rules/X", RULE).status_code == 403
    assert not WorkRule.objects.exists()
