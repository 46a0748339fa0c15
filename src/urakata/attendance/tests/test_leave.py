"""年次有給休暇: the grant tables, expiry and the order of use, the 5-day obligation, requests."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from urakata.attendance import leave
from urakata.attendance.models import LeaveGrant, LeaveRequest, LeaveUse, WorkRuleAssignment
from urakata.attendance.requests import leave_request_submit
from urakata.attendance.tests.factories import LeaveGrantFactory, WorkRuleFactory
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.org.tests.factories import EmployeeFactory
from urakata.workflow import services as workflow_services
from urakata.workflow.models import ApprovalRequest

D = dt.date

# Every cell of the two tables of facts.md §5.3: (週所定日数, 週所定時間 min) → days by tenure.
TABLE = {
    (5, 2400): (10, 11, 12, 14, 16, 18, 20),
    (4, 1800): (10, 11, 12, 14, 16, 18, 20),  # 週30時間以上 is full-time whatever the days
    (4, 1760): (7, 8, 9, 10, 12, 13, 15),
    (3, 1320): (5, 6, 6, 8, 9, 10, 11),
    (2, 880): (3, 4, 4, 5, 6, 6, 7),
    (1, 440): (1, 2, 2, 2, 3, 3, 3),
}


@pytest.mark.parametrize(("week", "expected"), TABLE.items())
def test_grant_table_cells(week: tuple[int, int], expected: tuple[int, ...]) -> None:
    days, minutes = week
    tenures = (6, 18, 30, 42, 54, 66, 78)
    got = tuple(
        leave.grant_days(tenure_months=t, weekly_days=days, weekly_minutes=minutes) for t in tenures
    )
    assert got == expected
    assert leave.grant_days(tenure_months=5, weekly_days=days, weekly_minutes=minutes) == 0
    assert (
        leave.grant_days(tenure_months=200, weekly_days=days, weekly_minutes=minutes)
        == expected[-1]
    )


def test_base_dates_and_expiry_follow_the_hire_date() -> None:
    assert leave.base_dates(D(2024, 8, 31), D(2026, 3, 1)) == [D(2025, 2, 28), D(2026, 2, 28)]
    assert leave.base_dates(D(2023, 10, 1), D(2025, 4, 1)) == [D(2024, 4, 1), D(2025, 4, 1)]
    assert leave.expiry_of(D(2024, 4, 1)) == D(2026, 3, 31)


@pytest.mark.django_db
def test_grant_run_for_hire_dates_and_part_time() -> None:
    part = WorkRuleFactory(code="P4", workdays="0123", end_time=dt.time(16, 0))  # 4 × 6 h
    EmployeeFactory(code="F1", hire_date=D(2023, 10, 1))
    parttimer = EmployeeFactory(code="P1", hire_date=D(2022, 10, 1))
    WorkRuleAssignment.objects.create(employee=parttimer, rule=part)
    EmployeeFactory(code="N1", hire_date=D(2026, 1, 5))  # under 6 months: nothing
    leave.leave_grants_run(actor=SYSTEM, on=D(2026, 4, 1))
    got = {
        (g.employee.code, g.granted_on): g.days
        for g in LeaveGrant.objects.select_related("employee")
    }
    # Grants still usable on 1 April 2026 (those of 2024 lapsed on 31 March and are not created).
    assert got == {
        ("F1", D(2025, 4, 1)): 11,  # 1.5 years
        ("F1", D(2026, 4, 1)): 12,  # 2.5 years
        ("P1", D(2025, 4, 1)): 9,  # 2.5 years, 週4日 24 h: 比例付与
        ("P1", D(2026, 4, 1)): 10,  # 3.5 years
    }
    assert leave.leave_grants_run(actor=SYSTEM, on=D(2026, 4, 1)) == []  # once per 基準日


def _approve(request: LeaveRequest, approver: Any) -> None:
    approval = ApprovalRequest.objects.get(
        subject_type="attendance.leaverequest", subject_id=request.pk
    )
    workflow_services.request_approve(actor=approver, request_id=approval.pk)
    request.refresh_from_db()


@pytest.mark.django_db
def test_oldest_grant_first_expiry_and_half_days(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    hr = make_user(Role.HR)
    employee = user.employee
    old = LeaveGrantFactory(employee=employee, granted_on=D(2024, 4, 1), days=Decimal("1.5"))
    new = LeaveGrantFactory(employee=employee, granted_on=D(2025, 4, 1), days=11)
    first = leave_request_submit(actor=user, date=D(2026, 3, 2))  # Monday
    _approve(first, hr)
    second = leave_request_submit(actor=user, date=D(2026, 3, 3), unit="am")
    _approve(second, hr)
    third = leave_request_submit(actor=user, date=D(2026, 3, 4))
    _approve(third, hr)
    assert first.status == second.status == third.status == "approved"
    uses = {(u.request_id, u.grant_id): u.days for u in LeaveUse.objects.all()}
    assert uses == {
        (first.pk, old.pk): Decimal("1"),
        (second.pk, old.pk): Decimal("0.5"),  # the old grant is used up first
        (third.pk, new.pk): Decimal("1"),
    }
    balance = leave.balance_on(employee, D(2026, 3, 31))
    assert balance.remaining_days == Decimal("10")
    # 1 April 2026: the 2024 grant has lapsed (usable until the day before its 2nd anniversary).
    after = leave.balance_on(employee, D(2026, 4, 1))
    assert [g.grant.pk for g in after.grants] == [new.pk]


@pytest.mark.django_db
def test_request_beyond_the_balance_is_refused(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    make_user(Role.HR)  # the route's approvers: the manager (none here) or HR
    LeaveGrantFactory(employee=user.employee, granted_on=D(2025, 10, 1), days=1)
    leave_request_submit(actor=user, date=D(2026, 3, 2))  # pending: reserves the day
    with pytest.raises(ValidationFailed) as caught:
        leave_request_submit(actor=user, date=D(2026, 3, 3), unit="pm")
    assert "残日数" in " ".join(caught.value.errors["date"])
    with pytest.raises(ValidationFailed):
        leave_request_submit(actor=user, date=D(2026, 3, 7))  # a Saturday
    assert LeaveRequest.objects.count() == 1


@pytest.mark.django_db
def test_five_day_obligation_for_a_proportional_worker() -> None:
    # 週4日・週24時間, hired 1 October 2021: on 1 April 2025 (3.5 years) 10 days → obligation.
    part = WorkRuleFactory(code="P4", workdays="0123", end_time=dt.time(16, 0))
    worker = EmployeeFactory(code="P2", hire_date=D(2021, 10, 1))
    WorkRuleAssignment.objects.create(employee=worker, rule=part)
    leave.leave_grants_run(actor=SYSTEM, on=D(2025, 4, 1))
    grant = LeaveGrant.objects.get(employee=worker, granted_on=D(2025, 4, 1))
    assert grant.days == 10
    LeaveRequest.objects.create(
        employee=worker,
        date=D(2025, 6, 2),
        status="approved",
        requested_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC),
    )
    obligation = leave.obligation_of(worker, D(2026, 1, 15))
    assert obligation == {
        "period_start": "2025-04-01",
        "period_end": "2026-03-31",
        "taken_days": 1,
        "required_days": 5,
    }
    risks = leave.obligation_risks(actor=SYSTEM, on=D(2026, 1, 15))
    assert [(r.employee.code, r.missing_days) for r in risks] == [("P2", 4)]
    out = StringIO()
    call_command("leave", "balance", "P2", "--on", "2026-01-15", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["obligation"]["taken_days"] == 1
    assert {"granted_on": "2025-04-01", "days": 10, "expires_on": "2027-03-31", "used": 0} in data[
        "grants"
    ]


@pytest.mark.django_db
def test_planned_leave_counts_and_reminders_go_once(make_user: Any) -> None:
    from urakata.attendance.leave import obligation_remind
    from urakata.attendance.planned import leave_planned_assign
    from urakata.workflow.models import Notification

    hr = make_user(Role.HR)
    worker = make_user(Role.EMPLOYEE)
    LeaveGrantFactory(employee=worker.employee, granted_on=D(2025, 4, 1), days=10)
    nobody = EmployeeFactory(code="Z0")  # no grant: skipped
    booked = leave_planned_assign(
        actor=hr, date=D(2025, 8, 13), employees=[worker.employee, nobody]
    )
    assert [r.employee_id for r in booked] == [worker.employee.pk]
    assert booked[0].planned and LeaveUse.objects.get(request=booked[0]).days == 1
    assert leave.obligation_of(worker.employee, D(2026, 1, 15))["taken_days"] == 1
    reminded = obligation_remind(actor=hr, on=D(2026, 1, 15))
    assert [r.employee.pk for r in reminded] == [worker.employee.pk]
    assert Notification.objects.filter(user=worker, kind="attendance.leave").exists()
    assert obligation_remind(actor=hr, on=D(2026, 1, 20)) == []  # once a month
