"""The company calendar: 法定休日, 所定休日 (weekly days off, national holidays, company days off)."""

from __future__ import annotations

import datetime as dt
from functools import cache

import jpholiday

from urakata.attendance.compute import LEGAL_HOLIDAY, SCHEDULED_HOLIDAY, WORKDAY, RuleSpec
from urakata.attendance.models import CompanyDay, WorkRule


def minutes_of(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def rule_spec(rule: WorkRule) -> RuleSpec:
    """The computation's view of a work rule."""
    return RuleSpec(
        kind=rule.kind,
        start=minutes_of(rule.start_time),
        end=minutes_of(rule.end_time),
        break_start=minutes_of(rule.break_start),
        break_minutes=rule.break_minutes,
        week_start=rule.week_start,
        supervisor=rule.is_supervisor,
    )


@cache
def national_holidays(year: int) -> frozenset[dt.date]:
    """国民の祝日・休日 of a year (jpholiday), cached per process."""
    return frozenset(day for day, _name in jpholiday.year_holidays(year))


def company_days(first: dt.date, last: dt.date) -> dict[dt.date, bool]:
    """Company calendar exceptions in a range: date → is a day off."""
    return dict(
        CompanyDay.objects.filter(date__gte=first, date__lte=last).values_list("date", "is_day_off")
    )


def day_kinds(
    rule: WorkRule, first: dt.date, last: dt.date, exceptions: dict[dt.date, bool] | None = None
) -> dict[dt.date, str]:
    """Each date's kind under the rule: 労働日, 所定休日 or 法定休日 (the weekly legal day off)."""
    if exceptions is None:
        exceptions = company_days(first, last)
    workdays = {int(c) for c in rule.workdays if c.isdigit()}
    kinds: dict[dt.date, str] = {}
    day = first
    while day <= last:
        if day.weekday() == rule.legal_holiday_weekday:
            kind = LEGAL_HOLIDAY
        elif day in exceptions:
            kind = SCHEDULED_HOLIDAY if exceptions[day] else WORKDAY
        elif rule.national_holidays_off and day in national_holidays(day.year):
            kind = SCHEDULED_HOLIDAY
        elif day.weekday() in workdays:
            kind = WORKDAY
        else:
            kind = SCHEDULED_HOLIDAY
        kinds[day] = kind
        day += dt.timedelta(days=1)
    return kinds
