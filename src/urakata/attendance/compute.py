"""The working-time computation (労基法32条・35条・37条), exact to the minute, without the database.

A shift belongs to the day it starts on (継続勤務は始業日の勤務); minutes that fall on a
法定休日 calendar day (0:00–24:00) are 法定休日労働 whatever day the shift started. Every other
minute is, in time order, 所定内 (inside the day's schedule), 法定内残業 (outside it but within
8 h a day and 40 h a week) or 法定外 (時間外): over 8 h that day, else over 40 h that week,
counted once. 所定休日 minutes are 法定内残業 or 法定外 the same way and also reported on their
own. 深夜 is every minute between 22:00 and 5:00, holidays included (it is paid on top).
Sources: facts.md §5.1.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

DAY = 1440
DAILY_LIMIT = 8 * 60
WEEKLY_LIMIT = 40 * 60
SIXTY_HOURS = 60 * 60
NIGHT_START = 22 * 60
NIGHT_END = 5 * 60

WORKDAY = "work"
SCHEDULED_HOLIDAY = "scheduled_holiday"
LEGAL_HOLIDAY = "legal_holiday"

Interval = tuple[int, int]  # absolute minutes [start, end)


@dataclass(frozen=True)
class RuleSpec:
    """What the computation needs from a work rule (minutes from 0:00)."""

    kind: str = "fixed"
    start: int = 9 * 60
    end: int = 18 * 60
    break_start: int = 12 * 60
    break_minutes: int = 60
    week_start: int = 6  # Python weekday; 6 = Sunday
    supervisor: bool = False

    @property
    def scheduled_day_minutes(self) -> int:
        return max(0, self.end - self.start - self.break_minutes)


@dataclass(frozen=True)
class Shift:
    """One clock record: minutes from the work date's 0:00 (end may pass 24:00)."""

    work_date: dt.date
    start: int
    end: int
    break_minutes: int = 0


@dataclass
class Totals:
    """Minute totals of a period; see the module docstring for the kinds."""

    worked_minutes: int = 0
    scheduled_minutes: int = 0
    within_statutory_overtime_minutes: int = 0
    legal_overtime_minutes: int = 0
    overtime_over_60h_minutes: int = 0
    late_night_minutes: int = 0
    legal_holiday_minutes: int = 0
    scheduled_holiday_minutes: int = 0
    absence_days: int = 0
    paid_leave_days: Decimal = Decimal("0")
    worked_days: int = 0
    scheduled_days: int = 0
    late_minutes: int = 0
    early_leave_minutes: int = 0
    daily_legal_overtime: dict[dt.date, int] = field(default_factory=dict)


def _ordinal(day: dt.date) -> int:
    return day.toordinal() * DAY


def week_start_of(day: dt.date, week_start: int) -> dt.date:
    """The first day of the week (起算日) holding `day`."""
    return day - dt.timedelta(days=(day.weekday() - week_start) % 7)


def worked_intervals(shift: Shift, rule: RuleSpec) -> list[Interval]:
    """The shift's worked minutes as absolute intervals, the break taken out.

    The break sits at the rule's break time when the shift covers it, else in the middle of the
    shift (only its length is recorded).
    """
    base = _ordinal(shift.work_date)
    start, end, pause = shift.start, shift.end, min(shift.break_minutes, shift.end - shift.start)
    if pause <= 0:
        return [(base + start, base + end)]
    if start <= rule.break_start and rule.break_start + pause <= end:
        b0 = rule.break_start
    else:
        b0 = start + (end - start - pause) // 2
    parts = [(base + start, base + b0), (base + b0 + pause, base + end)]
    return [(a, b) for a, b in parts if b > a]


def overlap(intervals: Iterable[Interval], windows: Iterable[Interval]) -> int:
    """Minutes the intervals share with the windows (both lists of disjoint intervals)."""
    windows = list(windows)
    return sum(max(0, min(b, wb) - max(a, wa)) for a, b in intervals for wa, wb in windows)


def night_minutes(intervals: list[Interval]) -> int:
    """Minutes between 22:00 and 5:00 (深夜)."""
    total = 0
    for a, b in intervals:
        if a // DAY == (b - 1) // DAY and a % DAY >= NIGHT_END and (b - 1) % DAY < NIGHT_START:
            continue  # inside 5:00–22:00 of one day
        for day in range(a // DAY - 1, b // DAY + 1):
            total += max(0, min(b, day * DAY + DAY + NIGHT_END) - max(a, day * DAY + NIGHT_START))
    return total


def split_by_day(a: int, b: int) -> list[Interval]:
    if a // DAY == (b - 1) // DAY:
        return [(a, b)]
    out = []
    while a < b:
        cut = min(b, (a // DAY + 1) * DAY)
        out.append((a, cut))
        a = cut
    return out


def scheduled_window(day: dt.date, rule: RuleSpec) -> list[Interval]:
    base = _ordinal(day)
    pause = rule.break_minutes
    windows = [
        (base + rule.start, base + rule.break_start),
        (base + rule.break_start + pause, base + rule.end),
    ]
    if not (rule.start <= rule.break_start <= rule.end - pause):
        windows = [(base + rule.start, base + rule.end - pause)]
    return [(a, b) for a, b in windows if b > a]


def compute_period(
    *,
    rule: RuleSpec,
    day_kinds: Mapping[dt.date, str],
    shifts: Iterable[Shift],
    first: dt.date,
    last: dt.date,
    leave_days: Mapping[dt.date, Decimal] | None = None,
    excused: frozenset[dt.date] | set[dt.date] = frozenset(),
    until: dt.date | None = None,
    since: dt.date | None = None,
    variable: tuple[list[tuple[dt.date, dt.date]], Mapping[dt.date, Any]] | None = None,
) -> Totals:
    """Totals of the shifts whose work date is in [first, last].

    `day_kinds` must cover the weeks around the period (from the start of the week holding
    `first`); shifts before `first` in that week count toward the weekly 40 h only. `leave_days`
    are paid-leave days (0.5 for a half day); absence is counted for scheduled days up to `until`
    without a shift, paid leave or another excused leave (`excused`), from `since` (hire date).
    `variable` (1か月単位の変形労働時間制): the periods overlapping [first, last] and the shift
    calendar (date → `variable.PlannedDay`); see `variable.py`.
    """
    leave_days = leave_days or {}
    by_day: dict[dt.date, list[Shift]] = {}
    for shift in shifts:
        by_day.setdefault(shift.work_date, []).append(shift)
    totals = Totals()
    plans: Mapping[dt.date, Any] = {}
    if rule.kind == "flex":
        _flex(totals, rule, day_kinds, by_day, first, last)
    elif variable is not None and not rule.supervisor:
        from urakata.attendance.variable import compute_variable

        periods, plans = variable
        compute_variable(totals, rule, day_kinds, by_day, (first, last), periods, plans)
    else:
        _fixed(totals, rule, day_kinds, by_day, first, last)
    _days(
        totals, rule, day_kinds, by_day, (first, last), leave_days, excused, (since, until), plans
    )
    return totals


def _legal_days(day_kinds: Mapping[dt.date, str]) -> frozenset[int]:
    """Ordinals of the 法定休日 calendar days (compared with `minute // DAY`)."""
    return frozenset(d.toordinal() for d, k in day_kinds.items() if k == LEGAL_HOLIDAY)


def _fixed(
    totals: Totals,
    rule: RuleSpec,
    day_kinds: Mapping[dt.date, str],
    by_day: dict[dt.date, list[Shift]],
    first: dt.date,
    last: dt.date,
) -> None:
    # Only days with shifts matter; the weekly counter restarts with each week (起算日).
    legal = frozenset() if rule.supervisor else _legal_days(day_kinds)
    begin = week_start_of(first, rule.week_start)
    week = None
    weekly = 0
    for day in sorted(d for d in by_day if begin <= d <= last):
        this_week = week_start_of(day, rule.week_start)
        if this_week != week:
            week, weekly = this_week, 0
        inside = day >= first
        kind = day_kinds.get(day, WORKDAY)
        windows = scheduled_window(day, rule) if kind == WORKDAY else []
        daily = 0
        for shift in sorted(by_day[day], key=lambda s: s.start):
            intervals = worked_intervals(shift, rule)
            if inside:
                totals.worked_minutes += sum(b - a for a, b in intervals)
                totals.late_night_minutes += night_minutes(intervals)
            for a0, b0 in intervals:
                for a, b in split_by_day(a0, b0):
                    length = b - a
                    if a // DAY in legal:
                        if inside:
                            totals.legal_holiday_minutes += length
                        continue
                    if inside and kind == SCHEDULED_HOLIDAY:
                        totals.scheduled_holiday_minutes += length
                    if rule.supervisor:
                        if inside:
                            totals.scheduled_minutes += length
                        continue
                    within_day = max(0, min(length, DAILY_LIMIT - daily))
                    within = max(0, min(within_day, WEEKLY_LIMIT - weekly))
                    daily += within_day
                    weekly += within
                    if not inside:
                        continue
                    scheduled = 0
                    for wa, wb in windows:
                        scheduled += max(0, min(a + within, wb) - max(a, wa))
                    totals.scheduled_minutes += scheduled
                    totals.within_statutory_overtime_minutes += within - scheduled
                    over = length - within
                    if over:
                        totals.legal_overtime_minutes += over
                        totals.daily_legal_overtime[day] = (
                            totals.daily_legal_overtime.get(day, 0) + over
                        )
    totals.overtime_over_60h_minutes = max(0, totals.legal_overtime_minutes - SIXTY_HOURS)


def flex_legal_limit(first: dt.date, last: dt.date) -> int:
    """法定労働時間の総枠 of a 清算期間: 40 h × days ÷ 7, in whole minutes (truncated)."""
    days = (last - first).days + 1
    return WEEKLY_LIMIT * days // 7


def _flex(
    totals: Totals,
    rule: RuleSpec,
    day_kinds: Mapping[dt.date, str],
    by_day: dict[dt.date, list[Shift]],
    first: dt.date,
    last: dt.date,
) -> None:
    """フレックスタイム制 (清算期間 1 month): overtime is what passes the period's totals."""
    ordinary = 0
    day = first
    while day <= last:
        kind = day_kinds.get(day, WORKDAY)
        for shift in by_day.get(day, []):
            intervals = worked_intervals(shift, rule)
            totals.worked_minutes += sum(b - a for a, b in intervals)
            totals.late_night_minutes += night_minutes(intervals)
            for a0, b0 in intervals:
                for a, b in split_by_day(a0, b0):
                    cal = dt.date.fromordinal(a // DAY)
                    if day_kinds.get(cal, WORKDAY) == LEGAL_HOLIDAY:
                        totals.legal_holiday_minutes += b - a
                        continue
                    ordinary += b - a
                    if kind == SCHEDULED_HOLIDAY:
                        totals.scheduled_holiday_minutes += b - a
        day += dt.timedelta(days=1)
    workdays = sum(
        1
        for offset in range((last - first).days + 1)
        if day_kinds.get(first + dt.timedelta(days=offset), WORKDAY) == WORKDAY
    )
    scheduled_total = rule.scheduled_day_minutes * workdays  # 清算期間の総労働時間
    legal_total = flex_legal_limit(first, last)
    totals.scheduled_minutes = min(ordinary, scheduled_total)
    totals.within_statutory_overtime_minutes = max(0, min(ordinary, legal_total) - scheduled_total)
    totals.legal_overtime_minutes = max(0, ordinary - max(legal_total, scheduled_total))
    totals.overtime_over_60h_minutes = max(0, totals.legal_overtime_minutes - SIXTY_HOURS)


def _days(
    totals: Totals,
    rule: RuleSpec,
    day_kinds: Mapping[dt.date, str],
    by_day: dict[dt.date, list[Shift]],
    period: tuple[dt.date, dt.date],
    leave_days: Mapping[dt.date, Decimal],
    excused: frozenset[dt.date] | set[dt.date],
    employed: tuple[dt.date | None, dt.date | None],
    plans: Mapping[dt.date, Any],
) -> None:
    """Worked days, scheduled days, absence, paid leave, late arrival and early leave."""
    first, last = period
    since, until = employed
    lo = max(first, since) if since else first
    hi = min(last, until) if until else last
    totals.paid_leave_days += sum(
        (v for d, v in leave_days.items() if first <= d <= last), Decimal("0")
    )
    totals.worked_days = sum(1 for d in by_day if first <= d <= last)
    timed = rule.kind in ("fixed", "variable") and not rule.supervisor
    for day, kind in day_kinds.items():
        if kind != WORKDAY or not first <= day <= last:
            continue
        totals.scheduled_days += 1
        shifts = by_day.get(day)
        leave = day in leave_days or day in excused
        if not shifts:
            if not leave and lo <= day <= hi:
                totals.absence_days += 1
        elif timed and not leave:
            start = min(s.start for s in shifts)
            end = max(s.end for s in shifts)
            plan = plans.get(day)
            s0, e0 = (plan.start, plan.end) if plan else (rule.start, rule.end)
            totals.late_minutes += max(0, min(start, e0) - s0)
            totals.early_leave_minutes += max(0, e0 - max(end, s0))
