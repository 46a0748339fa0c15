"""Hand-computed cases of the working-time computation (労基法32条・35条・37条, facts.md §5.1).

Rule: 9:00–18:00 with a 12:00–13:00 break (所定 8 h), Mon–Fri working days, Saturday 所定休日,
Sunday 法定休日 and the first day of the week.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from urakata.attendance.compute import (
    LEGAL_HOLIDAY,
    SCHEDULED_HOLIDAY,
    WORKDAY,
    RuleSpec,
    Shift,
    Totals,
    compute_period,
    flex_legal_limit,
    night_minutes,
    worked_intervals,
)

RULE = RuleSpec()
D = dt.date


def hm(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def kinds(first: dt.date, last: dt.date) -> dict[dt.date, str]:
    out = {}
    day = first - dt.timedelta(days=7)
    while day <= last + dt.timedelta(days=7):
        out[day] = {5: SCHEDULED_HOLIDAY, 6: LEGAL_HOLIDAY}.get(day.weekday(), WORKDAY)
        day += dt.timedelta(days=1)
    return out


def shift(day: dt.date, start: str, end: str, pause: int = 60) -> Shift:
    s, e = hm(start), hm(end)
    return Shift(day, s, e if e > s else e + 1440, pause)


def run(first: dt.date, last: dt.date, shifts: list[Shift], rule: RuleSpec = RULE) -> Totals:
    return compute_period(
        rule=rule, day_kinds=kinds(first, last), shifts=shifts, first=first, last=last
    )


def test_break_sits_at_noon_or_in_the_middle() -> None:
    day = D(2026, 3, 4)
    base = day.toordinal() * 1440
    assert worked_intervals(shift(day, "9:00", "18:00"), RULE) == [
        (base + hm("9:00"), base + hm("12:00")),
        (base + hm("13:00"), base + hm("18:00")),
    ]
    # 22:00–7:00 (9 h): the 60-minute break falls in the middle, 2:00–3:00 next day.
    night = worked_intervals(shift(day, "22:00", "7:00"), RULE)
    assert night == [
        (base + hm("22:00"), base + hm("26:00")),
        (base + hm("27:00"), base + hm("31:00")),
    ]
    assert night_minutes(night) == 240 + 120


def test_week_of_forty_hours_with_a_saturday() -> None:
    # Mon 2 – Fri 6 March 2026, 9:00–19:00 (9 h each: 8 h + 1 h over the day), Sat 7 9:00–14:00.
    days = [D(2026, 3, d) for d in range(2, 7)]
    shifts = [shift(d, "9:00", "19:00") for d in days] + [shift(D(2026, 3, 7), "9:00", "14:00", 0)]
    totals = run(D(2026, 3, 1), D(2026, 3, 7), shifts)
    assert totals.worked_minutes == 5 * 540 + 300
    assert totals.scheduled_minutes == 5 * 480
    # 1 h a day over 8 h, and all 5 Saturday hours over 40 h that week — each counted once.
    assert totals.legal_overtime_minutes == 5 * 60 + 300
    assert totals.within_statutory_overtime_minutes == 0
    assert totals.scheduled_holiday_minutes == 300
    assert totals.legal_holiday_minutes == 0
    assert totals.late_night_minutes == 0


def test_short_days_leave_room_for_saturday_within_forty_hours() -> None:
    # Mon–Fri 9:00–17:00 (7 h, leaving 1 h early), Sat 9:00–15:00 without a break (6 h).
    shifts = [shift(D(2026, 3, d), "9:00", "17:00") for d in range(2, 7)]
    shifts.append(shift(D(2026, 3, 7), "9:00", "15:00", 0))
    totals = run(D(2026, 3, 1), D(2026, 3, 7), shifts)
    assert totals.scheduled_minutes == 5 * 420
    assert totals.early_leave_minutes == 5 * 60
    assert totals.within_statutory_overtime_minutes == 300  # 35 h + 5 h = 40 h
    assert totals.legal_overtime_minutes == 60  # the 41st hour
    assert totals.scheduled_holiday_minutes == 360


def test_night_shift_across_midnight() -> None:
    # Wed 4 March 22:00 – Thu 5 March 7:00, 60 min break (2:00–3:00): 8 h worked, 6 h 深夜.
    totals = run(D(2026, 3, 4), D(2026, 3, 4), [shift(D(2026, 3, 4), "22:00", "7:00")])
    assert totals.worked_minutes == 480
    assert totals.late_night_minutes == 360
    assert totals.scheduled_minutes == 0  # outside 9:00–18:00
    assert totals.within_statutory_overtime_minutes == 480
    assert totals.legal_overtime_minutes == 0
    assert totals.late_minutes == hm("18:00") - hm("9:00")  # not there for the schedule


def test_night_shift_into_the_legal_holiday() -> None:
    # Sat 7 March 20:00 – Sun 8 March 2:00 (no break): 4 h 所定休日, 2 h 法定休日 (calendar day).
    # Sun 8 March 9:00–18:00: 8 h 法定休日.
    shifts = [shift(D(2026, 3, 7), "20:00", "2:00", 0), shift(D(2026, 3, 8), "9:00", "18:00")]
    totals = run(D(2026, 3, 1), D(2026, 3, 8), shifts)
    assert totals.worked_minutes == 360 + 480
    assert totals.scheduled_holiday_minutes == 240
    assert totals.legal_holiday_minutes == 120 + 480
    assert totals.within_statutory_overtime_minutes == 240
    assert totals.legal_overtime_minutes == 0
    assert totals.late_night_minutes == 240  # 22:00–2:00


def test_sixty_hours_are_crossed_mid_month() -> None:
    # Every weekday of March 2026 (22), 9:00–22:00 with 1 h break: 12 h, 4 h over 8 h a day.
    days = [D(2026, 3, d) for d in range(1, 32) if D(2026, 3, d).weekday() < 5]
    assert len(days) == 22
    totals = run(D(2026, 3, 1), D(2026, 3, 31), [shift(d, "9:00", "22:00") for d in days])
    assert totals.legal_overtime_minutes == 22 * 240
    # 60 h are reached at the end of the 15th day (Fri 20 March); the rest is over 60 h.
    assert totals.overtime_over_60h_minutes == 22 * 240 - 3600 == 7 * 240
    assert totals.scheduled_minutes == 22 * 480
    assert totals.late_night_minutes == 0
    assert totals.absence_days == 0 and totals.worked_days == 22 and totals.scheduled_days == 22


def test_week_crossing_months_counts_the_previous_month_days() -> None:
    # Week Sun 29 March – Sat 4 April 2026. Mon 30 and Tue 31 March: 9:00–20:00 (10 h);
    # Wed 1 – Fri 3 April: 9:00–18:00 (8 h); Sat 4 April 9:00–13:00 (4 h).
    shifts = [shift(D(2026, 3, d), "9:00", "20:00") for d in (30, 31)]
    shifts += [shift(D(2026, 4, d), "9:00", "18:00") for d in (1, 2, 3)]
    shifts.append(shift(D(2026, 4, 4), "9:00", "13:00", 0))
    april = run(D(2026, 4, 1), D(2026, 4, 30), shifts)
    # March's 16 h within the day limits count toward the week: 16 + 24 = 40 by Friday.
    assert april.worked_minutes == 3 * 480 + 240
    assert april.scheduled_minutes == 3 * 480
    assert april.legal_overtime_minutes == 240  # Saturday, over 40 h that week
    assert april.scheduled_holiday_minutes == 240
    assert april.absence_days == 22 - 3  # until=None: every other working day of April
    march = run(D(2026, 3, 1), D(2026, 3, 31), shifts)
    assert march.worked_minutes == 2 * 600
    assert march.legal_overtime_minutes == 2 * 120  # over 8 h a day; April stays in April


def test_flex_month() -> None:
    # May 2026: 31 days, 21 weekdays. 総枠 = 40 h × 31 / 7 = 10,628 min; 所定 21 × 8 h = 10,080.
    flex = RuleSpec(kind="flex")
    days = [D(2026, 5, d) for d in range(1, 32) if D(2026, 5, d).weekday() < 5]
    assert len(days) == 21
    shifts = [shift(d, "9:00", "19:00") for d in days]  # 9 h each: 11,340
    shifts.append(shift(D(2026, 5, 9), "9:00", "13:00", 0))  # Saturday, 240
    shifts.append(shift(D(2026, 5, 10), "9:00", "12:00", 0))  # Sunday (法定休日), 180
    assert flex_legal_limit(D(2026, 5, 1), D(2026, 5, 31)) == 10628
    totals = run(D(2026, 5, 1), D(2026, 5, 31), shifts, rule=flex)
    assert totals.worked_minutes == 11340 + 240 + 180
    assert totals.scheduled_minutes == 10080
    assert totals.within_statutory_overtime_minutes == 10628 - 10080
    assert totals.legal_overtime_minutes == 11340 + 240 - 10628
    assert totals.legal_holiday_minutes == 180
    assert totals.scheduled_holiday_minutes == 240
    assert totals.late_minutes == 0  # no fixed start under flex


def test_supervisor_gets_only_late_night() -> None:
    boss = RuleSpec(supervisor=True)
    shifts = [shift(D(2026, 3, 8), "9:00", "23:00", 60)]  # a Sunday, 13 h
    totals = run(D(2026, 3, 8), D(2026, 3, 8), shifts, rule=boss)
    assert totals.worked_minutes == 780
    assert totals.late_night_minutes == 60
    assert totals.legal_holiday_minutes == 0 and totals.legal_overtime_minutes == 0


def test_partition_of_worked_minutes() -> None:
    shifts = [shift(D(2026, 3, d), "8:30", "21:15", 45) for d in range(1, 32)]
    totals = run(D(2026, 3, 1), D(2026, 3, 31), shifts)
    assert totals.worked_minutes == (
        totals.scheduled_minutes
        + totals.within_statutory_overtime_minutes
        + totals.legal_overtime_minutes
        + totals.legal_holiday_minutes
    )


def test_paid_leave_and_absence() -> None:
    leave = {D(2026, 3, 2): Decimal("1"), D(2026, 3, 3): Decimal("0.5")}
    totals = compute_period(
        rule=RULE,
        day_kinds=kinds(D(2026, 3, 1), D(2026, 3, 6)),
        shifts=[shift(D(2026, 3, 3), "13:00", "18:00", 0)],
        first=D(2026, 3, 1),
        last=D(2026, 3, 6),
        leave_days=leave,
        excused={D(2026, 3, 4)},
        until=D(2026, 3, 5),
    )
    assert totals.paid_leave_days == Decimal("1.5")
    assert totals.absence_days == 1  # Thu 5 (Fri 6 is after `until`, Wed 4 特別休暇)
    assert totals.late_minutes == 0  # a half day off is not lateness
