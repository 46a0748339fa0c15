"""When paid leave is granted: 基準日 per hire date, or a company-wide date (斉一的付与).

By default each employee's 基準日 is 6 months after hiring, then every year (労基法39条).
With a company-wide grant date (e.g. 4/1) the grants are brought forward, as the 通達
平6.1.4 基発1号 allows on three conditions, all kept here:
- the first grant is on the latest company date after hiring and no later than the legal date
  (hire + 6 months), else on the legal date itself — never later;
- 8割出勤: the shortened part of a period counts as attended (短縮期間は出勤したものとみなす);
- the next grant comes no later than one year after the first (and so on), so every later grant
  is brought forward at least as much: the company date after each grant (always within a year).
The n-th grant gives the table's n-th column (0.5 y, 1.5 y, …), so by each legal date the
employee has at least what the law requires.
Sources: https://www.mhlw.go.jp/mobile/m/job/0112.html (39条, the table); the 通達 as summarised
at https://www.hanshin-syaroushi.com/zue-solution/annual-paid-leave/ (facts.md §5.3).
"""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from dataclasses import dataclass


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it has fewer days)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, pycalendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class GrantDate:
    """One grant: its date, the 継続勤務 it counts as (months), the 8割 period and until when
    that period is deemed attended (the shortened part, empty when not brought forward)."""

    on: dt.date
    tenure_months: int
    period_start: dt.date
    deemed_until: dt.date  # the period would have ended the day before this date


def _company_date(year: int, uniform: tuple[int, int]) -> dt.date:
    month, day = uniform
    return dt.date(year, month, min(day, pycalendar.monthrange(year, month)[1]))


def _next_company_date(after: dt.date, uniform: tuple[int, int]) -> dt.date:
    """The first company grant date strictly after `after`."""
    day = _company_date(after.year, uniform)
    return day if day > after else _company_date(after.year + 1, uniform)


def grant_dates(
    hire_date: dt.date, until: dt.date, uniform: tuple[int, int] | None = None
) -> list[GrantDate]:
    """Every grant up to `until`: per hire date, or with a company date (month, day)."""
    out: list[GrantDate] = []
    legal = add_months(hire_date, 6)
    if uniform is None:
        n = 0
        while (day := add_months(hire_date, 6 + 12 * n)) <= until:
            start = hire_date if n == 0 else add_months(hire_date, 6 + 12 * (n - 1))
            out.append(GrantDate(day, 6 + 12 * n, start, day))
            n += 1
        return out
    candidate = _next_company_date(hire_date, uniform)
    first = candidate if candidate <= legal else legal
    day, start, full_end, n = first, hire_date, legal, 0
    while day <= until:
        out.append(GrantDate(day, 6 + 12 * n, start, max(day, full_end)))
        start, full_end, n = day, add_months(day, 12), n + 1
        day = _next_company_date(day, uniform)
    return out
