"""1か月単位の変形労働時間制: the 総枠 and the three steps of the 通達, hand-computed.

Period 2026-03-01 (Sunday, 起算日) – 03-31: 31 days, 総枠 = 40 h × 31 ÷ 7 = 10,628 4/7 min.
Sunday is the 法定休日 and the first day of the week. The shift calendar:
week 1 (3/2–3/7): Mon, Tue 8:00–19:00 (10 h), Wed–Fri 9:00–18:00 (8 h), Sat 9:00–13:00 (4 h)
= 48 h; week 2 (3/9–3/13): 9:00–16:00 (6 h) = 30 h; weeks 3 and 4: 9:00–18:00 (8 h) = 40 h;
3/30–3/31: 8 h = 16 h. Total 174 h = 10,440 min ≤ 総枠. Breaks 60 min at 12:00 (none on Sat).
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from urakata.attendance.compute import (
    LEGAL_HOLIDAY,
    SCHEDULED_HOLIDAY,
    WORKDAY,
    RuleSpec,
    Shift,
    Totals,
    compute_period,
)
from urakata.attendance.variable import PlannedDay, legal_frame, period_of, schedule_problems

D = dt.date
FIRST, LAST = D(2026, 3, 1), D(2026, 3, 31)
RULE = RuleSpec(kind="variable")
H = 60


def plan() -> dict[dt.date, PlannedDay]:
    days: dict[dt.date, PlannedDay] = {}
    day = FIRST
    while day <= LAST:
        if day.weekday() < 5:
            if day <= D(2026, 3, 3):
                days[day] = PlannedDay(8 * H, 19 * H, 60)
            elif D(2026, 3, 9) <= day <= D(2026, 3, 13):
                days[day] = PlannedDay(9 * H, 16 * H, 60)
            else:
                days[day] = PlannedDay(9 * H, 18 * H, 60)
        elif day == D(2026, 3, 7):
            days[day] = PlannedDay(9 * H, 13 * H, 0)
        day += dt.timedelta(days=1)
    return days


PLAN = plan()


def kinds() -> dict[dt.date, str]:
    out = {}
    day = FIRST - dt.timedelta(days=7)
    while day <= LAST:
        out[day] = (
            LEGAL_HOLIDAY if day.weekday() == 6 else WORKDAY if day in PLAN else SCHEDULED_HOLIDAY
        )
        day += dt.timedelta(days=1)
    return out


def run(shifts: list[Shift]) -> Totals:
    return compute_period(
        rule=RULE,
        day_kinds=kinds(),
        shifts=shifts,
        first=FIRST,
        last=LAST,
        variable=([(FIRST, LAST)], PLAN),
    )


def as_planned(day: dt.date) -> Shift:
    p = PLAN[day]
    return Shift(day, p.start, p.end, p.break_minutes)


def test_the_frame_is_exact_and_the_schedule_is_checked_when_saved() -> None:
    assert legal_frame(FIRST, LAST) == Fraction(40 * 60 * 31, 7)  # 177 1/7 h
    assert legal_frame(D(2026, 4, 1), D(2026, 4, 30)) == Fraction(72000, 7)  # 171 3/7 h
    assert legal_frame(D(2026, 2, 1), D(2026, 2, 28)) == 160 * 60
    assert sum(p.minutes for p in PLAN.values()) == 174 * 60
    assert schedule_problems(FIRST, LAST, PLAN, legal_weekday=6) == {}
    # 21 days of 8 h and one of 9 h 8 min = 10,628 min ≤ 10,628 4/7; one minute more is over.
    days = [D(2026, 3, d) for d in range(2, 32) if D(2026, 3, d).weekday() != 6][:22]
    fits = {d: PlannedDay(9 * H, 17 * H) for d in days[:21]} | {days[21]: PlannedDay(0, 548)}
    assert schedule_problems(FIRST, LAST, fits, legal_weekday=6) == {}
    over = fits | {days[21]: PlannedDay(0, 549)}
    assert schedule_problems(FIRST, LAST, over, legal_weekday=6) == {"total": ["frame"]}
    bad = {D(2026, 3, 1): PlannedDay(9 * H, 8 * H), D(2026, 4, 1): PlannedDay(9 * H, 10 * H, 60)}
    assert schedule_problems(FIRST, LAST, bad, legal_weekday=6) == {
        "2026-03-01": ["times", "legal_holiday"],
        "2026-04-01": ["range", "break"],
    }


def test_periods_from_the_start_day() -> None:
    assert period_of(D(2026, 3, 15), 1) == (FIRST, LAST)
    assert period_of(D(2026, 3, 15), 16) == (D(2026, 2, 16), D(2026, 3, 15))
    assert period_of(D(2026, 1, 10), 16) == (D(2025, 12, 16), D(2026, 1, 15))
    assert period_of(D(2026, 12, 20), 16) == (D(2026, 12, 16), D(2027, 1, 15))


def test_step_1_day_over_the_scheduled_hours_or_over_8_hours() -> None:
    # Mon 3/2 scheduled 10 h, worked 8:00–20:00 (11 h): 1 h over the schedule; the 9th and
    # 10th hours are 所定内, not overtime. Thu 3/12 scheduled 6 h, worked 9:00–19:00 (9 h):
    # 2 h 法定内残業 (16–18), 1 h over 8 h.
    totals = run(
        [Shift(D(2026, 3, 2), 8 * H, 20 * H, 60), Shift(D(2026, 3, 12), 9 * H, 19 * H, 60)]
    )
    assert totals.worked_minutes == 20 * H
    assert totals.scheduled_minutes == 16 * H
    assert totals.within_statutory_overtime_minutes == 2 * H
    assert totals.legal_overtime_minutes == 2 * H
    assert totals.daily_legal_overtime == {D(2026, 3, 2): 60, D(2026, 3, 12): 60}


def test_step_2_week_over_the_scheduled_week_or_over_40_hours() -> None:
    # Week 1 (scheduled 48 h): as planned, but Mon until 20:00 (+1 h, step 1), Wed until 19:00
    # (+1 h over 8 h, step 1) and Sat 9:00–15:00 (6 h, under 8 h). Not counted in step 1:
    # 11+10+9+8+8+6 = 52 h worked; not counted in step 1: 10+10+8+8+8+6 = 50 h > 48 h → 2 h (Sat 13–15) in step 2. Total 4 h.
    week1 = [as_planned(D(2026, 3, d)) for d in (3, 5, 6)] + [
        Shift(D(2026, 3, 2), 8 * H, 20 * H, 60),
        Shift(D(2026, 3, 4), 9 * H, 19 * H, 60),
        Shift(D(2026, 3, 7), 9 * H, 15 * H, 0),
    ]
    # Week 2 (scheduled 30 h, so 40 h applies): Mon–Fri 9:00–18:00 (8 h: 2 h 法定内 each) and
    # the Saturday 所定休日 9:00–13:00: 44 h → 4 h (Saturday's) in step 2.
    week2 = [Shift(D(2026, 3, d), 9 * H, 18 * H, 60) for d in range(9, 14)]
    week2.append(Shift(D(2026, 3, 14), 9 * H, 13 * H, 0))
    totals = run(week1 + week2)
    assert totals.worked_minutes == (52 + 44) * H
    assert totals.legal_overtime_minutes == 8 * H
    assert totals.daily_legal_overtime == {
        D(2026, 3, 2): 60,
        D(2026, 3, 4): 60,
        D(2026, 3, 7): 120,
        D(2026, 3, 14): 240,
    }
    assert totals.scheduled_minutes == 48 * H + 30 * H
    assert totals.within_statutory_overtime_minutes == 10 * H
    assert totals.scheduled_holiday_minutes == 4 * H


def test_step_3_period_over_the_frame_counted_once() -> None:
    # Every day as planned (174 h), but week 2 at 8 h a day (+10 h: within 8 h and 40 h, so
    # 法定内 at steps 1 and 2). 184 h = 11,040 min > 10,628 4/7: 411 3/7 min over, so 412 whole
    # minutes are 時間外 — taken from the latest minutes outside the schedule: 3/13 16:00–18:00
    # (120), 3/12 (120), 3/11 (120), 3/10 16:00–16:52 (52). One more Saturday hour (3/21, 9–10)
    # is within steps 1 and 2 and only adds to step 3 (and is the latest then).
    shifts = [as_planned(d) for d in PLAN if not D(2026, 3, 9) <= d <= D(2026, 3, 13)]
    shifts += [Shift(D(2026, 3, d), 9 * H, 18 * H, 60) for d in range(9, 14)]
    totals = run(shifts)
    assert totals.worked_minutes == 11040
    assert totals.legal_overtime_minutes == 412
    assert totals.daily_legal_overtime == {
        D(2026, 3, 13): 120,
        D(2026, 3, 12): 120,
        D(2026, 3, 11): 120,
        D(2026, 3, 10): 52,
    }
    assert totals.scheduled_minutes == 174 * H
    assert totals.within_statutory_overtime_minutes == 10 * H - 412
    more = run([*shifts, Shift(D(2026, 3, 21), 9 * H, 10 * H, 0)])
    assert more.legal_overtime_minutes == 412 + 60
    assert more.daily_legal_overtime[D(2026, 3, 21)] == 60


def test_holidays_night_and_sixty_hours() -> None:
    # Sunday 3/8 (法定休日) 9:00–18:00: 8 h 法定休日, nothing else. A night shift Tue 3/17
    # 22:00–翌7:00 with a 60 min break: 8 h, 深夜 22–5 minus the 60 min break placed mid-shift
    # (1:30–2:30) = 6 h. Scheduled 9–18 that day, so all 8 h are outside it, within 8 h:
    # 法定内残業 (the week of 3/15 is otherwise empty).
    totals = run(
        [Shift(D(2026, 3, 8), 9 * H, 18 * H, 60), Shift(D(2026, 3, 17), 22 * H, 31 * H, 60)]
    )
    assert totals.legal_holiday_minutes == 8 * H
    assert totals.late_night_minutes == 6 * H
    assert totals.within_statutory_overtime_minutes == 8 * H
    assert totals.legal_overtime_minutes == 0
    assert (
        totals.worked_minutes
        == totals.scheduled_minutes
        + totals.within_statutory_overtime_minutes
        + totals.legal_overtime_minutes
        + totals.legal_holiday_minutes
    )


def test_periods_from_the_16th_cross_the_month_and_stay_apart() -> None:
    # 起算日 16: periods 2/16–3/15 and 3/16–4/15, no calendar (every day a 所定休日: 8 h and 40 h
    # apply). March reports its own days only: 2/20 (10 h, 2 h over 8 h) is February's. Mon
    # 3/9 – Sat 3/14 at 8 h = 48 h in the week of 3/8: 8 h over 40 h, on 3/14. Mon 3/16 starts
    # the next period and a new (cut) week: 8 h within.
    periods = [(D(2026, 2, 16), D(2026, 3, 15)), (D(2026, 3, 16), D(2026, 4, 15))]
    assert [period_of(p[0], 16) for p in periods] == periods
    shifts = [Shift(D(2026, 2, 20), 8 * H, 19 * H, 60)]
    shifts += [Shift(D(2026, 3, d), 9 * H, 18 * H, 60) for d in (9, 10, 11, 12, 13, 14, 16)]
    day_kinds = {}
    day = D(2026, 2, 1)
    while day <= D(2026, 4, 30):
        day_kinds[day] = LEGAL_HOLIDAY if day.weekday() == 6 else SCHEDULED_HOLIDAY
        day += dt.timedelta(days=1)
    totals = compute_period(
        rule=RULE,
        day_kinds=day_kinds,
        shifts=shifts,
        first=FIRST,
        last=LAST,
        variable=(periods, {}),
    )
    assert totals.worked_minutes == 7 * 8 * H
    assert totals.legal_overtime_minutes == 8 * H
    assert totals.daily_legal_overtime == {D(2026, 3, 14): 8 * H}
    assert totals.within_statutory_overtime_minutes == 6 * 8 * H
