"""Permission-matrix rows for attendance: own records for everyone with a role; managers their
team; HR everything (close, dashboard, 管理簿)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from urakata.core.roles import Role
from urakata.core.testing import ALL_ROLES, Endpoint, MatrixWorld, expect
from urakata.org.tests.factories import DepartmentFactory

API = "/api/v1/attendance"
EVERYONE = expect(*ALL_ROLES)
TEAM = expect(Role.MANAGER, Role.HR)
HR = expect(Role.HR)
MONTH = "2026-03"
PAST = "2025-01"  # an ended month nobody closed
WEEKDAY = "2025-06-02"  # a Monday without records


def build(world: MatrixWorld, make_user: Callable[..., Any]) -> dict[str, Any]:
    """The manager heads a department (to confirm its month); a 変形 rule has a shift calendar."""
    from urakata.attendance.models import WorkRule

    department = DepartmentFactory(code="ATT1", manager=world.users["manager"].employee)
    rule = WorkRule.objects.create(code="MXV", name="matrix", kind=WorkRule.Kind.VARIABLE)
    return {"attendance_department": department, "attendance_rule": rule}


ENDPOINTS: list[Endpoint] = [
    # ------------------------------------------------------------ API
    Endpoint("api-attendance-clock", "POST", f"{API}/clock", EVERYONE, payload={"action": "in"}),
    Endpoint("api-attendance-records", "GET", f"{API}/records?month={MONTH}", EVERYONE),
    Endpoint("api-attendance-summary", "GET", f"{API}/summary?month={MONTH}", EVERYONE),
    Endpoint(
        "api-attendance-correction",
        "POST",
        f"{API}/corrections",
        EVERYONE,
        payload={
            "work_date": WEEKDAY,
            "start_minute": 540,
            "end_minute": 1080,
            "break_minutes": 60,
            "reason": "打刻漏れ",
        },
    ),
    Endpoint("api-attendance-alerts", "GET", f"{API}/alerts?month={MONTH}", TEAM),
    Endpoint("api-attendance-close", "POST", f"{API}/months/{PAST}/close", HR),
    Endpoint("api-attendance-leave-balance", "GET", f"{API}/leave/balance", EVERYONE),
    Endpoint(
        "api-attendance-leave-request",
        "POST",
        f"{API}/leave/requests",
        EVERYONE,
        payload={"date": WEEKDAY, "kind": "special", "reason": "慶弔"},
    ),
    Endpoint("api-attendance-leave-requests", "GET", f"{API}/leave/requests", EVERYONE),
    Endpoint("api-attendance-settings-rules", "GET", f"{API}/settings/rules", HR),
    Endpoint(
        "api-attendance-settings-rule-put",
        "PUT",
        f"{API}/settings/rules/MXA",
        HR,
        payload={"name": "matrix", "kind": "fixed"},
    ),
    Endpoint(
        "api-attendance-settings-schedule",
        "GET",
        f"{API}/settings/rules/MXV/schedule?period_start=2026-02-01",
        HR,
    ),
    Endpoint(
        "api-attendance-settings-schedule-put",
        "PUT",
        f"{API}/settings/rules/MXV/schedule",
        HR,
        payload={
            "period_start": "2030-05-01",
            "days": [{"date": "2030-05-08", "start": "9:00", "end": "18:00", "break_minutes": 60}],
        },
    ),
    Endpoint("api-attendance-settings-calendar", "GET", f"{API}/settings/calendar?year=2026", HR),
    Endpoint(
        "api-attendance-settings-calendar-put",
        "PUT",
        f"{API}/settings/calendar/2026-08-14",
        HR,
        payload={"kind": "off", "name": "夏季休業"},
    ),
    Endpoint("api-attendance-settings-agreements", "GET", f"{API}/settings/agreements", HR),
    Endpoint(
        "api-attendance-settings-agreement-put",
        "PUT",
        f"{API}/settings/agreements/2026-04-01",
        HR,
        payload={"special_clause": True},
    ),
    Endpoint("api-attendance-settings-leave", "GET", f"{API}/settings/leave", HR),
    Endpoint(
        "api-attendance-settings-leave-put",
        "PUT",
        f"{API}/settings/leave",
        HR,
        payload={"uniform_grant_month": 4, "uniform_grant_day": 1},
    ),
    Endpoint(
        "api-attendance-settings-planned",
        "POST",
        f"{API}/settings/leave/planned",
        HR,
        payload={"date": "2030-05-08", "employee_codes": []},
    ),
    Endpoint("api-attendance-special-balance", "GET", f"{API}/leave/special-balance", EVERYONE),
    Endpoint(
        "api-attendance-settings-special-types", "GET", f"{API}/settings/special-leave-types", HR
    ),
    Endpoint(
        "api-attendance-settings-special-type-put",
        "PUT",
        f"{API}/settings/special-leave-types/MXS",
        HR,
        payload={"name": "慶弔休暇", "days": 5},
    ),
    # ------------------------------------------------------------ pages
    Endpoint("page-attendance-timecard", "GET", "/attendance/", EVERYONE),
    Endpoint(
        "page-attendance-clock",
        "POST",
        "/attendance/clock/",
        EVERYONE,
        payload={"action": "in"},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-attendance-correction",
        "POST",
        "/attendance/corrections/new/",
        EVERYONE,
        payload={
            "work_date": WEEKDAY,
            "start": "09:00",
            "end": "18:00",
            "break_minutes": "60",
            "reason": "打刻漏れ",
        },
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-attendance-leave",
        "POST",
        "/attendance/leave/new/",
        EVERYONE,
        payload={"date": WEEKDAY, "unit": "full", "kind": "special"},
        form=True,
        redirects=True,
    ),
    Endpoint("page-attendance-team", "GET", f"/attendance/team/?month={MONTH}", TEAM),
    Endpoint(
        "page-attendance-confirm",
        "POST",
        "/attendance/team/confirm/",
        TEAM,
        payload={"month": PAST, "department": "ATT1"},
        form=True,
        redirects=True,
    ),
    Endpoint("page-attendance-hr", "GET", f"/attendance/hr/?month={MONTH}", HR),
    Endpoint(
        "page-attendance-close",
        "POST",
        "/attendance/hr/close/",
        HR,
        payload={"month": PAST},
        form=True,
        redirects=True,
    ),
    Endpoint("page-attendance-leave-register", "GET", "/attendance/hr/leave-register.csv", HR),
    Endpoint("page-attendance-leave-register-pdf", "GET", "/attendance/hr/leave-register.pdf", HR),
    Endpoint("page-attendance-settings-rules", "GET", "/attendance/hr/rules/", HR),
    Endpoint(
        "page-attendance-settings-rule-save",
        "POST",
        "/attendance/hr/rules/",
        HR,
        payload={
            "action": "rule",
            "code": "MX",
            "name": "matrix",
            "kind": "fixed",
            "start_time": "9:00",
            "end_time": "18:00",
            "break_start": "12:00",
            "break_minutes": "60",
            "workdays": ["0", "1", "2", "3", "4"],
            "legal_holiday_weekday": "6",
            "week_start": "6",
            "period_start_day": "1",
        },
        multipart=True,
        redirects=True,
    ),
    Endpoint("page-attendance-settings-calendar", "GET", "/attendance/hr/calendar/", HR),
    Endpoint(
        "page-attendance-settings-calendar-save",
        "POST",
        "/attendance/hr/calendar/",
        HR,
        payload={"date": "2026-08-14", "kind": "off", "name": "夏季休業"},
        form=True,
        redirects=True,
    ),
    Endpoint("page-attendance-settings-agreement", "GET", "/attendance/hr/agreement/", HR),
    Endpoint("page-attendance-settings-leave", "GET", "/attendance/hr/leave-settings/", HR),
    Endpoint(
        "page-attendance-settings-leave-save",
        "POST",
        "/attendance/hr/leave-settings/",
        HR,
        payload={"action": "uniform", "uniform_grant_month": "4", "uniform_grant_day": "1"},
        form=True,
        redirects=True,
    ),
]
