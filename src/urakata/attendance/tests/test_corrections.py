"""Clock corrections as workflow requests: the original is kept; a closed month reopens."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urakata.attendance import selectors, services
from urakata.attendance.models import AttendanceMonth, ClockCorrection, ClockRecord
from urakata.attendance.requests import correction_submit
from urakata.attendance.tests.factories import ClockRecordFactory
from urakata.core.audit import audit_verify
from urakata.core.errors import ValidationFailed
from urakata.core.roles import Role
from urakata.workflow import services as workflow_services
from urakata.workflow.models import ApprovalRequest

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 3, 2)


def test_correction_in_a_closed_month(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    boss = make_user(Role.MANAGER)
    user.employee.manager = boss.employee
    user.employee.save()
    original = ClockRecordFactory(employee=user.employee, work_date=DAY, end_minute=17 * 60)
    AttendanceMonth.objects.create(year=2026, month=3, is_closed=True)
    with pytest.raises(ValidationFailed):
        correction_submit(
            actor=user, work_date=DAY, start=540, end=1140, break_minutes=60, reason=""
        )
    correction = correction_submit(
        actor=user, work_date=DAY, start=540, end=19 * 60, break_minutes=60, reason="退勤打刻忘れ"
    )
    approval = ApprovalRequest.objects.get(
        subject_type="attendance.clockcorrection", subject_id=correction.pk
    )
    workflow_services.request_approve(actor=boss, request_id=approval.pk)
    correction.refresh_from_db()
    assert correction.status == "approved"
    versions = selectors.record_history(actor=user, employee=user.employee, work_date=DAY)
    assert [(r.version, r.is_current, r.end_minute) for r in versions] == [
        (2, True, 19 * 60),
        (1, False, 17 * 60),
    ]
    assert versions[0].supersedes_id == original.pk and versions[0].approved_by == boss
    assert not selectors.month_is_closed(year=2026, month=3)  # HR closes it again
    assert audit_verify().ok


def test_correction_that_overlaps_is_refused(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    ClockRecordFactory(
        employee=user.employee,
        work_date=DAY - dt.timedelta(days=1),
        start_minute=1320,
        end_minute=1920,
        break_minutes=0,
    )
    with pytest.raises(ValidationFailed) as caught:
        correction_submit(
            actor=user, work_date=DAY, start=420, end=1080, break_minutes=60, reason="x"
        )
    assert "start" in caught.value.errors
    assert not ClockCorrection.objects.exists() and ClockRecord.objects.count() == 1
    assert services.minute_text(1530) == "25:30"
