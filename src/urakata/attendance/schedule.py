"""Shift calendars of 1か月単位の変形労働時間制 (労基法32条の2): saved per period, checked, loaded.

The rule's calendar applies to everyone on the rule; an employee with a calendar of their own
for a period follows it instead for that whole period. The computation is in `variable.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from urakata.attendance.compute import LEGAL_HOLIDAY, SCHEDULED_HOLIDAY, WORKDAY
from urakata.attendance.models import ScheduledDay, WorkRule
from urakata.attendance.variable import PlannedDay, legal_frame, period_of, schedule_problems
from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import require
from urakata.org.models import Employee

Plans = dict[dt.date, PlannedDay]
Variable = tuple[list[tuple[dt.date, dt.date]], Plans]


def _messages(problems: dict[str, list[str]], frame: str) -> dict[str, list[str]]:
    text = {
        "range": _("変形期間の外の日付です。"),
        "times": _("始業・終業時刻が正しくありません(終業は始業の後、24時間以内)。"),
        "break": _("休憩が勤務時間以上です。"),
        "legal_holiday": _("法定休日に所定労働日は置けません。"),
        "frame": _("所定労働時間の合計が法定労働時間の総枠(%(frame)s)を超えています。")
        % {"frame": frame},
    }
    return {
        key: [text[p] if key == "total" else f"{key}: {text[p]}" for p in codes]
        for key, codes in problems.items()
    }


def frame_label(first: dt.date, last: dt.date) -> str:
    """The 総枠 as hours and minutes, e.g. '177時間8分' (31 days; 10,628 4/7 min, shown truncated)."""
    minutes = int(legal_frame(first, last))
    return _("%(h)d時間%(m)d分") % {"h": minutes // 60, "m": minutes % 60}


def variable_schedule_save(
    *,
    actor: Any,
    rule: WorkRule,
    period_start: dt.date,
    days: dict[dt.date, PlannedDay],
    employee: Employee | None = None,
) -> list[ScheduledDay]:
    """Replace the shift calendar of one period (the rule's, or one employee's): 総枠 checked."""
    require(actor, "attendance.manage")
    errors: dict[str, list[str]] = {}
    if rule.kind != WorkRule.Kind.VARIABLE:
        errors["rule"] = [_("1か月単位の変形労働時間制の就業規則ではありません。")]
    first, last = period_of(period_start, rule.period_start_day)
    if period_start != first:
        errors["period_start"] = [
            _("変形期間の起算日(毎月%(day)d日)を指定してください。")
            % {"day": rule.period_start_day}
        ]
    problems = schedule_problems(first, last, days, rule.legal_holiday_weekday)
    errors.update(_messages(problems, frame_label(first, last)))
    if errors:
        raise ValidationFailed(_("シフト表を保存できません。"), errors=errors)
    owner: dict[str, Any] = {"employee": employee} if employee else {"rule": rule}
    with transaction.atomic():
        old = ScheduledDay.objects.select_for_update().filter(
            date__gte=first, date__lte=last, **owner
        )
        before = sum(max(0, d.end_minute - d.start_minute - d.break_minutes) for d in old)
        old.delete()
        rows = ScheduledDay.objects.bulk_create(
            ScheduledDay(
                date=day,
                start_minute=p.start,
                end_minute=p.end,
                break_minutes=p.break_minutes,
                **owner,
            )
            for day, p in sorted(days.items())
        )
        audit_record(
            actor=actor,
            action="attendance.schedule.save",
            target=employee or rule,
            changes={
                "rule": rule.code,
                "period": [first, last],
                "scheduled_minutes": [before, sum(p.minutes for p in days.values())],
                "days": len(days),
            },
        )
    return rows


def periods_between(rule: WorkRule, first: dt.date, last: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The rule's periods (変形期間) overlapping [first, last]."""
    periods = [period_of(first, rule.period_start_day)]
    while periods[-1][1] < last:
        periods.append(period_of(periods[-1][1] + dt.timedelta(days=1), rule.period_start_day))
    return periods


def variable_plans(
    rule: WorkRule, employee_ids: Iterable[int], first: dt.date, last: dt.date
) -> dict[int, Variable]:
    """Each employee's periods over [first, last] and shift calendar (own per period, else the
    rule's), in two queries."""
    periods = periods_between(rule, first, last)
    lo, hi = periods[0][0], periods[-1][1]
    ids = list(employee_ids)
    shared: Plans = {}
    for row in ScheduledDay.objects.filter(rule=rule, date__gte=lo, date__lte=hi):
        shared[row.date] = PlannedDay(row.start_minute, row.end_minute, row.break_minutes)
    own: dict[int, Plans] = {}
    for row in ScheduledDay.objects.filter(employee_id__in=ids, date__gte=lo, date__lte=hi):
        own.setdefault(row.employee_id or 0, {})[row.date] = PlannedDay(
            row.start_minute, row.end_minute, row.break_minutes
        )
    out: dict[int, Variable] = {}
    for emp in ids:
        plans: Plans = {}
        for p_first, p_last in periods:
            mine = {d: p for d, p in own.get(emp, {}).items() if p_first <= d <= p_last}
            source = mine or shared
            plans.update({d: p for d, p in source.items() if p_first <= d <= p_last})
        out[emp] = (periods, plans)
    return out


def variable_day_kinds(
    kinds: dict[dt.date, str], periods: list[tuple[dt.date, dt.date]], plans: Plans
) -> dict[dt.date, str]:
    """Day kinds inside the periods follow the shift calendar: a day on it is a working day,
    the 法定休日 stays, every other day is a 所定休日."""
    out = dict(kinds)
    for p_first, p_last in periods:
        day = p_first
        while day <= p_last:
            if out.get(day) != LEGAL_HOLIDAY:
                out[day] = WORKDAY if day in plans else SCHEDULED_HOLIDAY
            day += dt.timedelta(days=1)
    return out


def _hhmm(text: str) -> int | None:
    hours, sep, minutes = text.strip().partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit() or int(minutes) > 59:
        return None
    return int(hours) * 60 + int(minutes)


def schedule_parse(text: str) -> dict[dt.date, PlannedDay]:
    """Lines `YYYY-MM-DD,HH:MM,HH:MM[,break_minutes]` (an end before the start is the next day;
    `#` comments and blank lines skipped) → the calendar; every bad line reported."""
    days: dict[dt.date, PlannedDay] = {}
    errors: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        cells = [c.strip() for c in line.split("#", 1)[0].split(",")]
        if cells == [""]:
            continue
        try:
            day = dt.date.fromisoformat(cells[0])
            start, end = _hhmm(cells[1]), _hhmm(cells[2])
            pause = int(cells[3]) if len(cells) > 3 and cells[3] else 0
        except (ValueError, IndexError):
            start = end = None
        if start is None or end is None or len(cells) > 4 or pause < 0:
            errors.setdefault("text", []).append(
                _("%(n)d行目: 「日付,始業,終業,休憩(分)」の形式で書いてください。") % {"n": number}
            )
            continue
        if day in days:
            errors.setdefault("text", []).append(
                _("%(n)d行目: 日付が重複しています。") % {"n": number}
            )
        days[day] = PlannedDay(start, end if end > start else end + 1440, pause)
    if errors:
        raise ValidationFailed(_("シフト表を読み取れません。"), errors=errors)
    return days


def schedule_employee(code: str) -> Employee | None:
    """The employee of an individual shift calendar by code ('' → the rule's calendar)."""
    if not code:
        return None
    employee = Employee.objects.filter(code=code).first()
    if employee is None:
        message = _("社員が見つかりません。")
        raise ValidationFailed(message, errors={"employee_code": [message]})
    return employee
