"""源泉所得税 on salaries and bonuses (令和8年分): the 月額表, the 電算機計算の特例, the 賞与 rates.

Pure functions on integer yen. Sources: facts.md §3 (the tables ship as data in `payroll/data/`).
"""

from __future__ import annotations

import bisect
import datetime as dt
from decimal import Decimal
from typing import Literal

from urakata.core.errors import ValidationFailed
from urakata.payroll.rounding import ceil_yen, floor_yen, half_up_ten_yen
from urakata.payroll.tables import Segment, withholding_tables

Column = Literal["kou", "otsu"]
Method = Literal["table", "formula"]

DEPENDANT_DEDUCTION = 31_667  # 別表第二: 配偶者(特別)控除・扶養控除 per person (=380,000/12)

# 別表第四 (rates include 復興特別所得税): (upper bound of B inclusive, rate, subtraction)
_FORMULA_BRACKETS: tuple[tuple[int | None, Decimal, int], ...] = (
    (162_500, Decimal("0.05105"), 0),
    (275_000, Decimal("0.1021"), 8_296),
    (579_166, Decimal("0.2042"), 36_374),
    (750_000, Decimal("0.23483"), 54_113),
    (1_500_000, Decimal("0.33693"), 130_688),
    (3_333_333, Decimal("0.4084"), 237_893),
    (None, Decimal("0.45945"), 408_061),
)


def check_tax_date(on: dt.date) -> None:
    """Only the 令和8年分 tables ship; other years are refused rather than guessed."""
    tables = withholding_tables()
    if not (tables.valid_from <= on.isoformat() <= tables.valid_to):
        raise ValidationFailed(
            "no withholding table for this date",
            errors={
                "date": [
                    f"{on.isoformat()} の源泉徴収税額表は収録していません"
                    f"(収録: {tables.valid_from}〜{tables.valid_to}、令和8年分)。"
                ]
            },
        )


def _check_inputs(taxable: int, dependents: int) -> None:
    errors: dict[str, list[str]] = {}
    if taxable < 0:
        errors["taxable"] = ["社会保険料等控除後の給与等の金額は0以上で指定してください。"]
    if dependents < 0:
        errors["dependents"] = ["扶養親族等の数は0以上で指定してください。"]
    if errors:
        raise ValidationFailed("invalid input", errors=errors)


def _segment_tax(segments: tuple[Segment, ...], amount: int, index: int) -> int | None:
    for seg in reversed(segments):
        if amount >= seg.start:
            return seg.base[index] + floor_yen((amount - seg.start) * seg.rate)
    return None


def monthly_tax_table(taxable: int, *, dependents: int = 0, column: Column = "kou") -> int:
    """Tax from the 月額表 for `taxable` = その月の社会保険料等控除後の給与等の金額."""
    _check_inputs(taxable, dependents)
    t = withholding_tables()
    if column == "otsu":
        above = _segment_tax(t.otsu_segments, taxable, 0)
        if above is not None:
            return above
        if taxable < t.rows[0].low:
            return floor_yen(taxable * t.otsu_low_rate)
        return t.rows[bisect.bisect_right(t.lows, taxable) - 1].otsu
    if taxable < t.kou_below:
        return 0
    col = min(dependents, 7)
    tax = _segment_tax(t.kou_segments, taxable, col)
    if tax is None:
        tax = t.rows[bisect.bisect_right(t.lows, taxable) - 1].kou[col]
    if dependents > 7:
        tax -= t.over7_deduction * (dependents - 7)
    return max(tax, 0)


def employment_income_deduction(taxable: int) -> int:
    """別表第一 (令和8年分): 給与所得控除の額, 1円未満切上げ."""
    if taxable <= 158_333:
        return 54_167
    if taxable <= 299_999:
        return ceil_yen(taxable * Decimal("0.3") + 6_667)
    if taxable <= 549_999:
        return ceil_yen(taxable * Decimal("0.2") + 36_667)
    if taxable <= 708_330:
        return ceil_yen(taxable * Decimal("0.1") + 91_667)
    return 162_500


def basic_deduction(taxable: int) -> int:
    """別表第三 (令和8年分): 基礎控除の額."""
    if taxable <= 2_120_833:
        return 48_334
    if taxable <= 2_162_499:
        return 40_000
    if taxable <= 2_204_166:
        return 26_667
    if taxable <= 2_245_833:
        return 13_334
    return 0


def monthly_tax_formula(taxable: int, *, dependents: int = 0) -> int:
    """電算機計算の特例 (甲欄, 令和8年分): B = A − 給与所得控除 − 31,667n − 基礎控除, 10円未満四捨五入."""
    _check_inputs(taxable, dependents)
    base = (
        taxable
        - employment_income_deduction(taxable)
        - DEPENDANT_DEDUCTION * dependents
        - basic_deduction(taxable)
    )
    if base <= 0:
        return 0
    for upper, rate, sub in _FORMULA_BRACKETS:
        if upper is None or base <= upper:
            return max(half_up_ten_yen(base * rate - sub), 0)
    raise AssertionError("unreachable")


OTSU_SECONDARY_DEDUCTION = 1_610  # 乙欄: per 扶養親族等 on a 従たる給与についての扶養控除等申告書


def otsu_with_secondary_declaration(tax: int, secondary_dependents: int) -> int:
    """乙欄 tax less 1,610 yen per 扶養親族等 declared on a 従たる給与についての扶養控除等申告書
    (the note of the 令和8年分 月額表 on 乙欄), never below zero."""
    return max(tax - OTSU_SECONDARY_DEDUCTION * secondary_dependents, 0)


def monthly_tax(
    taxable: int,
    *,
    dependents: int = 0,
    column: Column = "kou",
    method: Method = "table",
    on: dt.date | None = None,
    secondary_dependents: int = 0,
) -> int:
    """源泉所得税 on one month's salary by the table or (甲欄 only) the 電算機計算の特例; 乙欄 with
    `secondary_dependents` from a 従たる給与についての扶養控除等申告書."""
    if on is not None:
        check_tax_date(on)
    if method == "formula":
        if column == "otsu":
            raise ValidationFailed(
                "formula for otsu not supported",
                errors={
                    "method": [
                        "乙欄の電算機計算の特例は未対応です。月額表(table)を使ってください。"
                    ]
                },
            )
        return monthly_tax_formula(taxable, dependents=dependents)
    tax = monthly_tax_table(taxable, dependents=dependents, column=column)
    if column == "otsu" and secondary_dependents:
        return otsu_with_secondary_declaration(tax, secondary_dependents)
    return tax


def bonus_rate(previous_pay: int, *, dependents: int = 0, column: Column = "kou") -> Decimal:
    """賞与に対する源泉徴収税額の算出率 by 前月の社会保険料等控除後の給与等の金額 (yen)."""
    _check_inputs(previous_pay, dependents)
    thousands = Decimal(previous_pay) / 1000
    col = min(dependents, 7)
    for row in withholding_tables().bonus_rates:
        bounds = row["otsu"] if column == "otsu" else row["kou"][col]
        if bounds is None:
            continue
        low, high = bounds
        if (low is None or thousands >= low) and (high is None or thousands < high):
            return Decimal(row["rate"])
    raise AssertionError("the bonus table covers every amount")


def bonus_tax(
    bonus_after_insurance: int,
    *,
    previous_pay: int,
    dependents: int = 0,
    column: Column = "kou",
    period_months: int = 6,
) -> int:
    """源泉所得税 on a bonus (社会保険料控除後の賞与).

    `previous_pay` is 前月の社会保険料等控除後の給与等の金額. When it is 0 (no salary last month)
    or the bonus exceeds ten times it, the 月額表 method applies instead of the rate table:
    (tax(prev + bonus/6) − tax(prev)) × 6 — /12 and ×12 when the bonus covers more than six months.
    """
    _check_inputs(bonus_after_insurance, dependents)
    if bonus_after_insurance == 0:
        return 0
    if previous_pay == 0 or bonus_after_insurance > 10 * previous_pay:
        divisor = 12 if period_months > 6 else 6
        share = bonus_after_insurance // divisor
        with_bonus = monthly_tax_table(previous_pay + share, dependents=dependents, column=column)
        without = monthly_tax_table(previous_pay, dependents=dependents, column=column)
        return max(with_bonus - without, 0) * divisor
    rate = bonus_rate(previous_pay, dependents=dependents, column=column)
    return floor_yen(bonus_after_insurance * rate)
