"""1か月単位の変形労働時間制 (労基法32条の2): the period's 総枠 and 時間外 in three steps.

Pure functions, no database. A shift calendar fixes each working day's hours (some days over
8 h, some weeks over 40 h) as long as the period averages 40 h a week or less:
総枠 = 40 h × 暦日数 ÷ 7 (for 31 days 177 1/7 h = 10,628 4/7 minutes). 時間外 is, per the 通達
(昭63.1.1 基発1号, 平6.3.31 基発181号):

1. day — on a day scheduled over 8 h, the minutes over the scheduled hours; on any other day,
   the minutes over 8 h;
2. week — in a week scheduled over 40 h, the minutes over the scheduled weekly hours; in any
   other week, over 40 h — minutes already counted in step 1 excluded;
3. period — the minutes over the 総枠, minutes counted in steps 1 and 2 excluded.

The 総枠 is compared exactly (a `Fraction`); minutes are whole, so a minute that passes the 総枠
even in part is 時間外 — no rounding of the 総枠 (177.1 h and the like are not used). Weeks
follow the rule's week start; a week cut by the period's first or last day is judged on its days
inside the period (against 40 h, or its scheduled hours when more), and whatever it leaves over
is caught by the period step. The schedule itself fits the 総枠, so the step-3 minutes are
minutes worked outside the schedule (法定内残業 until then): the period's latest such minutes.
Sources: 労基法32条の2; the 通達 as quoted at https://sr-memorandum.hatenablog.com/entry/2019/06/03/214526
(労働基準法解釈総覧); https://o-mochizuki.jp/work/item/08/1117-001.html (the three steps, 総枠 table);
https://ka-forestry.or.jp/roudoukijyun/roudou_43_29.html (総枠 = 40 × 暦日数 ÷ 7).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from fractions import Fraction

from urakata.attendance.compute import (
    DAILY_LIMIT,
    DAY,
    LEGAL_HOLIDAY,
    SCHEDULED_HOLIDAY,
    SIXTY_HOURS,
    WEEKLY_LIMIT,
    RuleSpec,
    Shift,
    Totals,
    night_minutes,
    scheduled_window,
    split_by_day,
    week_start_of,
    worked_intervals,
)


@dataclass(frozen=True)
class PlannedDay:
    """A working day of the shift calendar: start and end (minutes from 0:00) and the break."""

    start: int
    end: int
    break_minutes: int = 0

    @property
    def minutes(self) -> int:
        return max(0, self.end - self.start - self.break_minutes)


def legal_frame(first: dt.date, last: dt.date) -> Fraction:
    """法定労働時間の総枠 of a period in minutes, exact: 40 h × 暦日数 ÷ 7."""
    return Fraction(WEEKLY_LIMIT * ((last - first).days + 1), 7)


def period_of(day: dt.date, start_day: int) -> tuple[dt.date, dt.date]:
    """The 1-month period holding `day` when periods start on day `start_day` (起算日) of a month."""
    if day.day >= start_day:
        begin = day.replace(day=start_day)
    else:
        year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
        begin = dt.date(year, month, start_day)
    year, month = (begin.year, begin.month + 1) if begin.month < 12 else (begin.year + 1, 1)
    return begin, dt.date(year, month, start_day) - dt.timedelta(days=1)


def schedule_problems(
    first: dt.date,
    last: dt.date,
    days: Mapping[dt.date, PlannedDay],
    legal_weekday: int,
) -> dict[str, list[str]]:
    """Problems of a period's shift calendar (every one, keyed by date or "total"), in English
    keys for the caller to translate: "range", "times", "break", "legal_holiday", "frame"."""
    problems: dict[str, list[str]] = {}
    for day, plan in sorted(days.items()):
        key = day.isoformat()
        if not first <= day <= last:
            problems.setdefault(key, []).append("range")
        if not 0 <= plan.start < plan.end <= 2 * DAY or plan.end - plan.start > DAY:
            problems.setdefault(key, []).append("times")
        elif not 0 <= plan.break_minutes < plan.end - plan.start:
            problems.setdefault(key, []).append("break")
        if day.weekday() == legal_weekday:
            problems.setdefault(key, []).append("legal_holiday")
    total = sum(plan.minutes for plan in days.values())
    if total > legal_frame(first, last):
        problems["total"] = ["frame"]
    return problems


def _week_limits(
    first: dt.date, last: dt.date, week_start: int, days: Mapping[dt.date, PlannedDay]
) -> dict[dt.date, int]:
    """Each week's limit (key: the week's first day inside the period): 40 h or the scheduled."""
    scheduled: dict[dt.date, int] = {}
    day = first
    while day <= last:
        key = max(first, week_start_of(day, week_start))
        plan = days.get(day)
        scheduled[key] = scheduled.get(key, 0) + (plan.minutes if plan else 0)
        day += dt.timedelta(days=1)
    return {key: max(WEEKLY_LIMIT, minutes) for key, minutes in scheduled.items()}


def _steps_1_and_2(
    totals: Totals,
    rule: RuleSpec,
    day_kinds: Mapping[dt.date, str],
    by_day: Mapping[dt.date, list[Shift]],
    report: tuple[dt.date, dt.date],
    period: tuple[dt.date, dt.date],
    plans: Mapping[dt.date, PlannedDay],
) -> dict[dt.date, tuple[int, int]]:
    """Steps 1 and 2 for one period; per day (within the limits, of which outside the schedule)."""
    legal = frozenset(d.toordinal() for d, k in day_kinds.items() if k == LEGAL_HOLIDAY)
    weeks = _week_limits(period[0], period[1], rule.week_start, plans)
    weekly: dict[dt.date, int] = {}
    extra: dict[dt.date, tuple[int, int]] = {}
    for day in sorted(d for d in by_day if period[0] <= d <= period[1]):
        plan = plans.get(day)
        week = max(period[0], week_start_of(day, rule.week_start))
        day_limit = max(DAILY_LIMIT, plan.minutes if plan else 0)
        inside = report[0] <= day <= report[1]
        spec = rule
        if plan:
            spec = replace(rule, start=plan.start, end=plan.end, break_minutes=plan.break_minutes)
        windows = scheduled_window(day, spec) if plan else []
        daily = within_day = outside_day = 0
        for shift in sorted(by_day[day], key=lambda s: s.start):
            intervals = worked_intervals(shift, spec)
            if inside:
                totals.worked_minutes += sum(b - a for a, b in intervals)
                totals.late_night_minutes += night_minutes(intervals)
            for a, b in [p for a0, b0 in intervals for p in split_by_day(a0, b0)]:
                length = b - a
                if a // DAY in legal:
                    totals.legal_holiday_minutes += length if inside else 0
                    continue
                if inside and day_kinds.get(day) == SCHEDULED_HOLIDAY:
                    totals.scheduled_holiday_minutes += length
                w_day = max(0, min(length, day_limit - daily))  # step 1
                within = max(0, min(w_day, weeks[week] - weekly.get(week, 0)))  # step 2
                daily += w_day
                weekly[week] = weekly.get(week, 0) + within
                scheduled = sum(max(0, min(a + within, wb) - max(a, wa)) for wa, wb in windows)
                within_day += within
                outside_day += within - scheduled
                if inside:
                    totals.scheduled_minutes += scheduled
                    totals.within_statutory_overtime_minutes += within - scheduled
                    if length - within:
                        totals.legal_overtime_minutes += length - within
                        totals.daily_legal_overtime[day] = (
                            totals.daily_legal_overtime.get(day, 0) + length - within
                        )
        extra[day] = (within_day, outside_day)
    return extra


def compute_variable(
    totals: Totals,
    rule: RuleSpec,
    day_kinds: Mapping[dt.date, str],
    by_day: Mapping[dt.date, list[Shift]],
    report: tuple[dt.date, dt.date],
    periods: list[tuple[dt.date, dt.date]],
    plans: Mapping[dt.date, PlannedDay],
) -> None:
    """Add to `totals` the shifts of the days in `report`, judged within their `periods`."""
    for p_first, p_last in periods:
        extra = _steps_1_and_2(totals, rule, day_kinds, by_day, report, (p_first, p_last), plans)
        # Step 3: what steps 1 and 2 left exceeds the exact 総枠 by `over` minutes (a minute
        # past it even in part counts). The schedule fits the 総枠, so these are minutes worked
        # outside the schedule: the latest such minutes become 時間外 instead of 法定内残業.
        worked = sum(within for within, _outside in extra.values())
        over = max(0, math.ceil(worked - legal_frame(p_first, p_last)))
        for day in sorted(extra, reverse=True):
            take = min(over, extra[day][1])
            over -= take
            if take and report[0] <= day <= report[1]:
                totals.within_statutory_overtime_minutes -= take
                totals.legal_overtime_minutes += take
                totals.daily_legal_overtime[day] = totals.daily_legal_overtime.get(day, 0) + take
    totals.overtime_over_60h_minutes = max(0, totals.legal_overtime_minutes - SIXTY_HOURS)
