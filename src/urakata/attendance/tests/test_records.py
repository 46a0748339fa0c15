"""Clock events and records: web clock-in/out and breaks, the time-recorder import, bad input."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from urakata.attendance import services
from urakata.attendance.imports import records_import
from urakata.attendance.models import ClockRecord
from urakata.attendance.tests.factories import ClockRecordFactory
from urakata.core.errors import Conflict, ValidationFailed
from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.core.tables import ImportRejected
from urakata.org.tests.factories import EmployeeFactory

pytestmark = pytest.mark.django_db
TOKYO = ZoneInfo("Asia/Tokyo")


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=TOKYO)


def test_clock_in_break_and_out_across_midnight(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    record = services.clock_in(actor=user, location_note="本社", now=at(4, 21, 30))
    with pytest.raises(Conflict):
        services.clock_in(actor=user, now=at(4, 21, 40))
    services.clock_break(actor=user, start=True, now=at(5, 2, 0))
    services.clock_break(actor=user, start=False, now=at(5, 2, 45))
    record = services.clock_out(actor=user, now=at(5, 6, 15))
    assert (record.work_date, record.start_minute, record.end_minute) == (
        dt.date(2026, 3, 4),
        21 * 60 + 30,
        30 * 60 + 15,
    )
    assert record.break_minutes == 45


def test_clock_out_without_clock_in_is_refused(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    with pytest.raises(ValidationFailed) as caught:
        services.clock_out(actor=user, now=at(4, 18))
    assert "出勤" in caught.value.message
    with pytest.raises(ValidationFailed):
        services.clock_break(actor=user, start=True, now=at(4, 12))
    assert not ClockRecord.objects.exists()


def test_user_without_employee_cannot_clock(make_user: Any) -> None:
    from urakata.core.errors import NotFound

    user = make_user(Role.EMPLOYEE)
    user.employee.delete()
    user.refresh_from_db()
    with pytest.raises(NotFound):
        services.clock_in(actor=user, now=at(4, 9))


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("recorder.csv", text.encode("utf-8"))


def test_import_overnight_and_errors_all_or_nothing() -> None:
    EmployeeFactory(code="A1")
    EmployeeFactory(code="A2")
    good = "employee_code,date,start,end,break_minutes\nA1,2026-03-02,09:00,18:00,60\n"
    good += "A2,2026-03-02,22:00,07:00,60\n"
    result = records_import(actor=SYSTEM, upload=_csv(good))
    assert result.created == 2
    night = ClockRecord.objects.get(employee__code="A2")
    assert (night.start_minute, night.end_minute) == (22 * 60, 31 * 60)
    bad = (
        "employee_code,date,start,end,break_minutes\n"
        "A1,2026-03-03,09:00,18:00,60\n"  # fine
        "A2,2026-03-03,06:00,08:00,0\n"  # overlaps the night shift that ends at 7:00
        "ZZ,2026-03-03,09:00,18:00,60\n"  # unknown employee
        "A1,2026-03-04,09:00,33:30,60\n"  # more than 24 h
        "A1,2026-03-05,9時,18:00,60\n"  # not a time
        "A1,2026-03-02,09:00,18:00,60\n"  # the day already has a record
        "A1,2026-03-06,09:00,10:00,90\n"  # break longer than the work
    )
    with pytest.raises(ImportRejected) as caught:
        records_import(actor=SYSTEM, upload=_csv(bad))
    rows = {problem.row for problem in caught.value.rows}
    assert rows == {3, 4, 5, 6, 7, 8}
    assert ClockRecord.objects.count() == 2  # nothing half-saved


def test_overlapping_record_is_refused_with_a_message() -> None:
    employee = EmployeeFactory()
    ClockRecordFactory(
        employee=employee,
        work_date=dt.date(2026, 3, 2),
        start_minute=1320,
        end_minute=1860,
        break_minutes=0,
    )
    with pytest.raises(ValidationFailed) as caught:
        services.record_add(
            actor=SYSTEM, employee=employee, work_date=dt.date(2026, 3, 3), start=360, end=600
        )
    assert "重なって" in " ".join(caught.value.errors["start"])
