"""特別休暇 by company rule: HR defines types (API), employees request them (yearly balance,
evidence, tenure), approval books no 年休 grant."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from urakata.attendance import special
from urakata.attendance.models import LeaveRequest, LeaveUse, SpecialLeaveType
from urakata.attendance.requests import leave_request_submit
from urakata.attendance.tests.factories import LeaveGrantFactory
from urakata.core.errors import ValidationFailed
from urakata.core.models import AuditEvent
from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.workflow import services as workflow_services
from urakata.workflow.models import ApprovalRequest

pytestmark = pytest.mark.django_db
D = dt.date
API = "/api/v1/attendance"


def _put(client: Any, url: str, body: Any) -> Any:
    return client.put(url, body, content_type="application/json")


def test_hr_defines_types_through_the_api(client_for: Any) -> None:
    hr = client_for(Role.HR)
    url = f"{API}/settings/special-leave-types/SUMMER"
    response = _put(hr, url, {"name": "夏季休暇", "per_year": True, "days": 0.3})
    assert response.status_code == 422
    assert "0.5 日単位" in str(response.json())
    assert not SpecialLeaveType.objects.exists()
    response = _put(hr, url, {"name": "夏季休暇", "per_year": True, "days": 3})
    assert response.status_code == 200
    assert response.json()["days"] == 3.0
    assert [t["code"] for t in hr.get(f"{API}/settings/special-leave-types").json()] == ["SUMMER"]
    assert AuditEvent.objects.filter(action="attendance.special_type.save").count() == 1
    employee = client_for(Role.EMPLOYEE)
    assert _put(employee, url, {"name": "x", "days": 1}).status_code == 403
    assert employee.get(f"{API}/settings/special-leave-types").status_code == 403


def test_yearly_balance_evidence_and_tenure(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    hr = make_user(Role.HR)
    employee = user.employee
    employee.hire_date = D(2025, 10, 1)
    employee.save(update_fields=["hire_date"])
    special.special_type_save(actor=SYSTEM, code="SUMMER", name="夏季休暇", per_year=True, days=2)
    special.special_type_save(
        actor=SYSTEM, code="FUNERAL", name="忌引", days=5, evidence_required=True
    )
    special.special_type_save(
        actor=SYSTEM, code="REFRESH", name="リフレッシュ", days=5, min_tenure_months=60
    )
    grant = LeaveGrantFactory(employee=employee, granted_on=D(2026, 4, 1), days=10)
    with pytest.raises(ValidationFailed) as caught:  # a type must be named once HR has types
        leave_request_submit(actor=user, date=D(2026, 9, 1), kind="special")
    assert "special_type" in caught.value.errors
    # Summer: 2 days a year. Tue 1 Sep full + Wed 2 Sep am = 1.5; another full day is 2.5.
    first = leave_request_submit(
        actor=user, date=D(2026, 9, 1), kind="special", special_type="SUMMER"
    )
    leave_request_submit(
        actor=user, date=D(2026, 9, 2), kind="special", special_type="SUMMER", unit="am"
    )
    with pytest.raises(ValidationFailed) as caught:
        leave_request_submit(actor=user, date=D(2026, 9, 3), kind="special", special_type="SUMMER")
    assert "夏季休暇の今年の残日数" in caught.value.errors["date"][0]
    balances = {b["code"]: b for b in special.special_balances(employee, D(2026, 9, 30))}
    assert balances["SUMMER"]["used"] == 1.5 and balances["SUMMER"]["remaining"] == 0.5
    assert balances["FUNERAL"]["remaining"] is None  # per event
    # A new calendar year: the balance is back (hand-computed: 2 − 0).
    assert special.special_used_days(employee, first.special_type, 2027) == Decimal("0")
    with pytest.raises(ValidationFailed) as caught:  # evidence required
        leave_request_submit(actor=user, date=D(2026, 9, 4), kind="special", special_type="FUNERAL")
    assert "evidence" in caught.value.errors
    with pytest.raises(ValidationFailed) as caught:  # 5 years' tenure (hired 2025-10-01)
        leave_request_submit(actor=user, date=D(2026, 9, 4), kind="special", special_type="REFRESH")
    assert "勤続60か月" in caught.value.errors["special_type"][0]
    funeral = leave_request_submit(
        actor=user,
        date=D(2026, 9, 4),
        kind="special",
        special_type="FUNERAL",
        evidence="祖母の葬儀(会葬礼状)",
    )
    approval = ApprovalRequest.objects.get(
        subject_type="attendance.leaverequest", subject_id=funeral.pk
    )
    workflow_services.request_approve(actor=hr, request_id=approval.pk)
    funeral.refresh_from_db()
    assert funeral.status == "approved" and funeral.special_type.code == "FUNERAL"
    assert not LeaveUse.objects.filter(grant=grant).exists()  # 年休 untouched
    assert LeaveRequest.objects.filter(kind="special").count() == 3


def test_special_balance_api(client_for: Any) -> None:
    special.special_type_save(actor=SYSTEM, code="SUMMER", name="夏季休暇", per_year=True, days=3)
    client = client_for(Role.EMPLOYEE)
    rows = client.get(f"{API}/leave/special-balance?on=2026-08-01").json()
    assert rows == [
        {
            "code": "SUMMER",
            "name": "夏季休暇",
            "per_year": True,
            "paid": True,
            "days": 3.0,
            "used": 0.0,
            "remaining": 3.0,
        }
    ]


def test_timecard_offers_the_types_and_books_through_the_form(make_user: Any) -> None:
    from django.test import Client

    special.special_type_save(actor=SYSTEM, code="SUMMER", name="夏季休暇", per_year=True, days=3)
    user = make_user(Role.EMPLOYEE)
    make_user(Role.HR)  # the route's approver
    client = Client()
    client.force_login(user)
    page = client.get("/attendance/?month=2026-09").content.decode()
    assert "夏季休暇" in page and 'name="special_type"' in page
    form = {"date": "2026-09-01", "unit": "full", "kind": "special", "special_type": "SUMMER"}
    assert client.post("/attendance/leave/new/", form).status_code == 302
    row = LeaveRequest.objects.get(employee=user.employee)
    assert row.special_type is not None and row.special_type.code == "SUMMER"
    assert "夏季休暇" in client.get("/attendance/?month=2026-09").content.decode()
