"""Pages and API: the timecard clocks, the team view in a constant number of queries, HR pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from urakata.attendance.models import ClockRecord
from urakata.attendance.tests.factories import ClockRecordFactory
from urakata.core.roles import Role
from urakata.org.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_timecard_clock_in_and_out(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    client = _client(user)
    page = client.get("/attendance/")
    assert page.status_code == 200 and "出勤" in page.content.decode()
    assert (
        client.post("/attendance/clock/", {"action": "in", "location_note": "自宅"}).status_code
        == 302
    )
    record = ClockRecord.objects.get(employee=user.employee)
    assert record.end_minute is None and record.location_note == "自宅"
    response = client.post("/attendance/clock/", {"action": "out"}, follow=True)
    assert response.status_code == 200
    record.refresh_from_db()
    # Out in the same minute is refused with a message (nothing half-saved); later it works.
    assert record.end_minute is None or record.end_minute > record.start_minute


def _team(boss: Any, size: int) -> None:
    for n in range(size):
        employee = EmployeeFactory(manager=boss.employee)
        for day in (2, 3, 4):
            ClockRecordFactory(
                employee=employee, work_date=dt.date(2026, 3, day), end_minute=1200 + n
            )


def test_team_view_queries_do_not_grow_with_the_team(make_user: Any) -> None:
    boss = make_user(Role.MANAGER)
    client = _client(boss)
    _team(boss, 3)
    with CaptureQueriesContext(connection) as small:
        assert client.get("/attendance/team/?month=2026-03").status_code == 200
    _team(boss, 12)
    with CaptureQueriesContext(connection) as large:
        page = client.get("/attendance/team/?month=2026-03")
    assert page.status_code == 200
    assert page.content.decode().count("<tr>") >= 16
    assert len(large) == len(small)


def test_hr_dashboard_and_register(make_user: Any) -> None:
    hr = _client(make_user(Role.HR))
    worker = EmployeeFactory(code="H1")
    for day in range(2, 28):  # weekdays, 9:00–23:00: 5 h 時間外 a day, far over 45 h
        if dt.date(2026, 3, day).weekday() < 5 and day != 20:
            ClockRecordFactory(employee=worker, work_date=dt.date(2026, 3, day), end_minute=23 * 60)
    page = hr.get("/attendance/hr/?month=2026-03")
    text = page.content.decode()
    assert page.status_code == 200 and "部署別の時間外労働" in text and "H1" in text
    assert "月の限度時間超過" in text
    csv = hr.get("/attendance/hr/leave-register.csv")
    assert csv.status_code == 200 and "基準日" in csv.content.decode("utf-8-sig")


def test_api_summary_and_bad_input(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    ClockRecordFactory(employee=user.employee, work_date=dt.date(2026, 3, 2))
    client = _client(user)
    data = client.get("/api/v1/attendance/summary?month=2026-03").json()
    assert data["worked_minutes"] == 480 and data["employee_code"] == user.employee.code
    assert client.get("/api/v1/attendance/summary?month=2026-13").status_code == 422
    other = EmployeeFactory(code="X9")
    assert (
        client.get(
            f"/api/v1/attendance/summary?month=2026-03&employee_code={other.code}"
        ).status_code
        == 404
    )
    response = client.post(
        "/api/v1/attendance/clock", {"action": "out"}, content_type="application/json"
    )
    assert response.status_code == 422  # clock-out without clock-in
    response = client.post(
        "/api/v1/attendance/corrections",
        {"work_date": "2026-03-03", "start_minute": 600, "end_minute": 500, "reason": "x"},
        content_type="application/json",
    )
    assert response.status_code == 422
