"""減価償却の計算 (no database): Japanese tax depreciation schedules for one asset.

Rules (法人税法施行令 第48条の2, 第58条, 第59条, 第133条, 第133条の2; 耐用年数省令 別表第八〜第十;
国税庁 タックスアンサー No.5404「減価償却のあらまし」, No.5403, No.5408):
- 定額法: 取得価額 × 定額法の償却率 (別表第八) each year.
- 定率法: 期首帳簿価額 × 定率法の償却率 (the 調整前償却額); from the first year it falls below the
  償却保証額 (取得価額 × 保証率), 改定取得価額 (that year's opening book value) × 改定償却率 each
  year. 200%定率法 (別表第十) for assets acquired from 2012-04-01, 250%定率法 (別表第九) for
  2007-04-01 … 2012-03-31; earlier acquisitions (旧定額法/旧定率法) are not supported.
- 月割: in the first fiscal year (and the year of disposal) the annual amount × months of use / 12,
  a started month counting as a whole month.
- 備忘価額: a tangible asset keeps 1 yen on the books; intangibles (ソフトウェア) depreciate to 0.
- 一括償却資産 (取得価額 20万円未満, 令第133条の2): 取得価額 × その事業年度の月数 / 36, three years,
  no 月割 for the acquisition month, no 備忘価額.
- 少額減価償却資産 (取得価額 10万円未満, 令第133条): expensed when put to use; 中小企業者等の特例
  (取得価額 30万円未満, 年合計 300万円まで, 租税特別措置法第67条の5) likewise.
Yen amounts are floored (a 償却限度額 is a ceiling: never claim more than the limit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from enum import StrEnum

from django.utils.translation import gettext as _

from urakata.core.errors import ValidationFailed
from urakata.facilities.rates import (
    DECLINING_200,
    DECLINING_250,
    MAX_LIFE,
    MIN_LIFE,
    STRAIGHT,
    DecliningRates,
)

SHIN_START = dt.date(2007, 4, 1)  # 平成19年4月1日: 新定額法・250%定率法
DECLINING_200_START = dt.date(2012, 4, 1)  # 平成24年4月1日: 200%定率法
STRAIGHT_ONLY_FIXTURES_START = dt.date(2016, 4, 1)  # 建物附属設備・構築物は定額法のみ
SMALL_ASSET_LIMIT = 100_000  # 少額減価償却資産 (令133条): 10万円未満
LUMP_SUM_LIMIT = 200_000  # 一括償却資産 (令133条の2): 20万円未満
SME_SMALL_ASSET_LIMIT = 300_000  # 中小企業者等の少額減価償却資産 (措法67条の5): 30万円未満
LUMP_SUM_MONTHS = 36


class Method(StrEnum):
    """償却方法."""

    STRAIGHT = "straight"  # 定額法
    DECLINING = "declining"  # 定率法
    LUMP_SUM = "lump_sum"  # 一括償却資産 (3年均等)
    IMMEDIATE = "immediate"  # 少額減価償却資産 (即時償却)


class Category(StrEnum):
    """資産の種類 (別表第一/第三 categories the register supports)."""

    BUILDING = "building"  # 建物
    BUILDING_FIXTURE = "building_fixture"  # 建物附属設備
    STRUCTURE = "structure"  # 構築物
    MACHINERY = "machinery"  # 機械装置
    VEHICLE = "vehicle"  # 車両運搬具
    EQUIPMENT = "equipment"  # 器具備品
    SOFTWARE = "software"  # ソフトウェア (無形固定資産)


INTANGIBLE = frozenset({Category.SOFTWARE})


@dataclass(frozen=True)
class YearRow:
    """One fiscal year of a schedule (減価償却明細の1行)."""

    fiscal_year: int
    months: int
    opening: int
    depreciation: int
    book_value_end: int
    revised: bool = False  # 改定償却率を適用した年

    def as_dict(self) -> dict[str, int | bool]:
        return {
            "fiscal_year": self.fiscal_year,
            "months": self.months,
            "opening": self.opening,
            "depreciation": self.depreciation,
            "book_value_end": self.book_value_end,
            "revised": self.revised,
        }


def floor_yen(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def fiscal_year_of(day: dt.date, start_month: int) -> int:
    """The fiscal year (labelled by its starting calendar year) containing `day`."""
    return day.year if day.month >= start_month else day.year - 1


def months_to_year_end(day: dt.date, start_month: int) -> int:
    """Months of use from `day`'s month to the end of its fiscal year (the month itself counts)."""
    return (start_month - 1 - day.month) % 12 + 1


def months_from_year_start(day: dt.date, start_month: int) -> int:
    """Months from the fiscal year's first month through `day`'s month."""
    return (day.month - start_month) % 12 + 1


def allowed_methods(category: str, acquired: dt.date) -> tuple[Method, ...]:
    """Methods the law allows for a category (令第48条の2): buildings, intangibles, and 建物附属設備
    / 構築物 acquired from 2016-04-01 must use 定額法; lump-sum/immediate depend on the cost."""
    if category in (Category.BUILDING, Category.SOFTWARE):
        return (Method.STRAIGHT,)
    if (
        category in (Category.BUILDING_FIXTURE, Category.STRUCTURE)
        and acquired >= STRAIGHT_ONLY_FIXTURES_START
    ):
        return (Method.STRAIGHT,)
    return (Method.STRAIGHT, Method.DECLINING)


def small_asset_treatment(*, cost: int, sme: bool = False) -> tuple[Method, ...]:
    """The cost-based options besides ordinary depreciation (令133条, 133条の2, 措法67条の5)."""
    options: list[Method] = []
    if cost < SMALL_ASSET_LIMIT or (sme and cost < SME_SMALL_ASSET_LIMIT):
        options.append(Method.IMMEDIATE)
    if cost < LUMP_SUM_LIMIT:
        options.append(Method.LUMP_SUM)
    return tuple(options)


def declining_rates(life: int, acquired: dt.date) -> DecliningRates:
    table = DECLINING_200 if acquired >= DECLINING_200_START else DECLINING_250
    return table[life]


def validate(
    *,
    cost: int,
    life: int,
    method: str,
    acquired: dt.date,
    category: str | None = None,
    sme: bool = False,
) -> None:
    """Refuse what the tables and rules do not allow, naming every problem."""
    errors: dict[str, list[str]] = {}
    if cost <= 0:
        errors.setdefault("cost", []).append(_("取得価額は1円以上にしてください。"))
    if category is not None and category not in Category.__members__.values():
        errors.setdefault("category", []).append(_("資産の種類が正しくありません。"))
        category = None
    if method not in Method.__members__.values():
        errors.setdefault("method", []).append(_("償却方法が正しくありません。"))
    elif method in (Method.STRAIGHT, Method.DECLINING):
        if not MIN_LIFE <= life <= MAX_LIFE:
            errors.setdefault("life", []).append(
                _("耐用年数 %(life)s 年は償却率表(%(min)s〜%(max)s年)にありません。")
                % {"life": life, "min": MIN_LIFE, "max": MAX_LIFE}
            )
        if acquired < SHIN_START:
            errors.setdefault("acquired_on", []).append(
                _("2007年3月31日以前の取得(旧定額法・旧定率法)には対応していません。")
            )
        if category is not None and method not in allowed_methods(category, acquired):
            errors.setdefault("method", []).append(
                _("この資産の種類と取得日では定額法しか選べません。")
            )
    elif cost > 0 and method not in small_asset_treatment(cost=cost, sme=sme):
        limit = LUMP_SUM_LIMIT if method == Method.LUMP_SUM else SMALL_ASSET_LIMIT
        if method == Method.IMMEDIATE and sme:
            limit = SME_SMALL_ASSET_LIMIT
        errors.setdefault("method", []).append(
            _("取得価額が%(limit)s円以上の資産には使えない償却方法です。") % {"limit": f"{limit:,}"}
        )
    if errors:
        raise ValidationFailed(_("減価償却の条件が正しくありません。"), errors=errors)


def schedule(
    *,
    cost: int,
    life: int,
    method: str,
    acquired: dt.date,
    fiscal_year_start: int = 4,
    category: str | None = None,
    disposed: dt.date | None = None,
    sme: bool = False,
) -> list[YearRow]:
    """The depreciation of every fiscal year from acquisition until the asset is written down
    (or disposed of), validated first."""
    validate(cost=cost, life=life, method=method, acquired=acquired, category=category, sme=sme)
    first_year = fiscal_year_of(acquired, fiscal_year_start)
    last_year = fiscal_year_of(disposed, fiscal_year_start) if disposed else None
    if method == Method.IMMEDIATE:
        return [YearRow(first_year, months_to_year_end(acquired, fiscal_year_start), cost, cost, 0)]
    if method == Method.LUMP_SUM:
        return _lump_sum(cost, first_year)
    floor = 0 if category in INTANGIBLE else 1  # 備忘価額
    rows: list[YearRow] = []
    book = cost
    revised_base: int | None = None
    year = first_year
    while book > floor:
        months = months_to_year_end(acquired, fiscal_year_start) if year == first_year else 12
        if last_year is not None and year == last_year:
            months = min(months, months_from_year_start(disposed, fiscal_year_start))  # type: ignore[arg-type]
        if method == Method.STRAIGHT:
            annual = cost * STRAIGHT[life]
        else:
            annual, revised_base = _declining_annual(cost, life, acquired, book, revised_base)
        amount = min(floor_yen(annual * months / 12), book - floor)
        rows.append(YearRow(year, months, book, amount, book - amount, revised_base is not None))
        book -= amount
        if last_year is not None and year >= last_year:
            break
        year += 1
    return rows


def _declining_annual(
    cost: int, life: int, acquired: dt.date, book: int, revised_base: int | None
) -> tuple[Decimal, int | None]:
    rates = declining_rates(life, acquired)
    if revised_base is None and rates.guarantee is not None:
        before_adjustment = book * rates.rate  # 調整前償却額
        if before_adjustment < cost * rates.guarantee:  # 償却保証額
            revised_base = book  # 改定取得価額
    if revised_base is not None and rates.revised is not None:
        return revised_base * rates.revised, revised_base
    return book * rates.rate, revised_base


def _lump_sum(cost: int, first_year: int) -> list[YearRow]:
    rows = []
    book = cost
    for index in range(3):
        amount = book if index == 2 else floor_yen(Decimal(cost) * 12 / LUMP_SUM_MONTHS)
        rows.append(YearRow(first_year + index, 12, book, amount, book - amount))
        book -= amount
    return rows


def monthly_amounts(row: YearRow) -> list[int]:
    """Split a year's depreciation over its months of use: equal floored parts, the remainder in
    the last month, so the months always add up to the register's yearly figure."""
    if row.months <= 0:
        return []
    part = row.depreciation // row.months
    amounts = [part] * row.months
    amounts[-1] += row.depreciation - part * row.months
    return amounts
