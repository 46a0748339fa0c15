"""factory_boy factories for attendance (tests, demo and benchmarks share them)."""

from __future__ import annotations

import datetime as dt

import factory

from urakata.attendance.models import ClockRecord, LeaveGrant, WorkRule
from urakata.org.tests.factories import EmployeeFactory


class WorkRuleFactory(factory.django.DjangoModelFactory[WorkRule]):
    class Meta:
        model = WorkRule
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"R{n:03d}")
    name = factory.Sequence(lambda n: f"就業規則{n}")


class ClockRecordFactory(factory.django.DjangoModelFactory[ClockRecord]):
    class Meta:
        model = ClockRecord

    employee = factory.SubFactory(EmployeeFactory)
    work_date = dt.date(2026, 3, 2)
    start_minute = 9 * 60
    end_minute = 18 * 60
    break_minutes = 60
    source = ClockRecord.Source.IMPORT


class LeaveGrantFactory(factory.django.DjangoModelFactory[LeaveGrant]):
    class Meta:
        model = LeaveGrant

    employee = factory.SubFactory(EmployeeFactory)
    granted_on = dt.date(2025, 10, 1)
    expires_on = factory.LazyAttribute(
        lambda g: g.granted_on.replace(year=g.granted_on.year + 2) - dt.timedelta(days=1)
    )
    days = 10
