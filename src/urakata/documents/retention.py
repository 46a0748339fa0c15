"""保存期間 (retention): 7 years from the day after the 確定申告書 filing deadline, 10 years for
documents of a business year with a 欠損金 beginning on or after 2018-04-01 (facts.md §2.3)."""

from __future__ import annotations

import calendar
import datetime as dt

from urakata.ledger.cache import fiscal_year_bounds, fiscal_year_of

YEARS = 7
LOSS_YEARS = 10
LOSS_RULE_START = dt.date(2018, 4, 1)  # 欠損金 years beginning on/after this date: 10 years
FILING_MONTHS = 2  # 法人税法74条: the 確定申告書 is due two months after the year end


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _add_months(year: int, month: int, months: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + months
    return index // 12, index % 12 + 1


def _add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def fiscal_year_start(fiscal_year: int) -> dt.date:
    first, _last = fiscal_year_bounds(fiscal_year)
    return dt.date(first // 100, first % 100, 1)


def filing_deadline(fiscal_year: int) -> dt.date:
    """The 確定申告書 deadline of a fiscal year: the end of the second month after its end."""
    _first, last = fiscal_year_bounds(fiscal_year)
    year, month = _add_months(last // 100, last % 100, FILING_MONTHS)
    return _month_end(year, month)


def retain_until(day: dt.date, *, loss_years: frozenset[int] = frozenset()) -> dt.date:
    """The last day a document of `day` (取引年月日, else its filing date) must be kept."""
    fiscal_year = fiscal_year_of(day)
    years = YEARS
    if fiscal_year in loss_years and fiscal_year_start(fiscal_year) >= LOSS_RULE_START:
        years = LOSS_YEARS
    return _add_years(filing_deadline(fiscal_year), years)
