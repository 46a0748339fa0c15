"""Hand-computed 源泉所得税 cases at every boundary (facts.md §3)."""

from __future__ import annotations

import datetime as dt

import pytest

from urakata.core.errors import ValidationFailed
from urakata.payroll.withholding import (
    bonus_rate,
    bonus_tax,
    employment_income_deduction,
    monthly_tax,
    monthly_tax_formula,
    monthly_tax_table,
)


@pytest.mark.parametrize(
    ("taxable", "dependents", "expected"),
    [
        (0, 0, 0),
        (104_999, 0, 0),  # 甲欄: below 105,000 no tax (2026)
        (105_000, 0, 170),  # first row; the formula would give 180 (facts §3.4)
        (106_999, 0, 170),
        (107_000, 0, 280),
        (137_000, 1, 190),
        (175_000, 1, 1_870),
        (175_000, 2, 250),  # the 月額表 column of the NTA example 1
        (299_000, 0, 7_930),
        (248_000, 1, 4_490),
        (739_999, 0, 71_380),
        (740_000, 0, 71_680),
        (789_999, 0, 71_680 + 10_209),  # 49,999 × 20.42% = 10,209.79 → 切捨て
        (790_000, 0, 81_890),
        (800_000, 0, 84_238),  # 81,890 + 10,000 × 23.483%
        (775_200, 3, 59_477),  # NTA example 3 by the table (facts §3.3)
        (3_500_000, 7, 1_080_000),
        (600_000, 7, 9_950),
        (600_000, 8, 9_950 - 1_610),  # more than 7: 1,610 per extra person
        (600_000, 9, 9_950 - 3_220),
        (400_000, 8, 0),  # 660 − 1,610 floors at 0
        (800_000, 9, 36_620 + 2_348 - 3_220),
    ],
)
def test_kou_column(taxable: int, dependents: int, expected: int) -> None:
    assert monthly_tax_table(taxable, dependents=dependents) == expected


@pytest.mark.parametrize(
    ("taxable", "expected"),
    [
        (0, 0),
        (104_999, 3_216),  # × 3.063% = 3,216.119… → 切捨て
        (105_000, 3_800),
        (739_999, 257_700),
        (740_000, 259_200),
        (1_000_000, 365_384),  # 259,200 + 260,000 × 40.84%
        (1_710_000, 655_400),
    ],
)
def test_otsu_column(taxable: int, expected: int) -> None:
    assert monthly_tax_table(taxable, dependents=3, column="otsu") == expected


@pytest.mark.parametrize(
    ("taxable", "dependents", "expected"),
    [
        # facts.md §3.3: the NTA worked examples (first three) and two computed ones.
        (175_000, 2, 210),
        (446_000, 8, 940),
        (775_200, 3, 59_470),
        (300_000, 0, 7_910),
        (250_000, 1, 4_510),
        (106_000, 0, 180),  # facts §3.4: mid-point of row 105k–107k, where the table has 170
        (50_000, 0, 0),
    ],
)
def test_formula_reproduces_the_worked_examples(
    taxable: int, dependents: int, expected: int
) -> None:
    assert monthly_tax_formula(taxable, dependents=dependents) == expected
    assert monthly_tax(taxable, dependents=dependents, method="formula") == expected


def test_employment_income_deduction_brackets_round_up() -> None:
    assert employment_income_deduction(158_333) == 54_167
    assert employment_income_deduction(158_334) == 54_168  # 47,500.2 + 6,667 → 切上げ
    assert employment_income_deduction(300_000) == 96_667
    assert employment_income_deduction(708_331) == 162_500


def test_dates_outside_the_shipped_year_and_bad_input_are_refused() -> None:
    assert monthly_tax(300_000, on=dt.date(2026, 12, 25)) == 7_930
    with pytest.raises(ValidationFailed) as exc:
        monthly_tax(300_000, on=dt.date(2027, 1, 25))
    assert "date" in exc.value.errors
    with pytest.raises(ValidationFailed):
        monthly_tax(-1)
    with pytest.raises(ValidationFailed):
        monthly_tax(300_000, column="otsu", method="formula")


@pytest.mark.parametrize(
    ("previous", "dependents", "column", "rate"),
    [
        (81_999, 0, "kou", "0"),
        (82_000, 0, "kou", "0.02042"),
        (308_999, 0, "kou", "0.06126"),
        (309_000, 0, "kou", "0.08168"),
        (300_000, 2, "kou", "0.04084"),
        (3_717_000, 9, "kou", "0.45945"),  # 7人以上 column
        (223_999, 0, "otsu", "0.10210"),
        (224_000, 0, "otsu", "0.20420"),
        (1_118_000, 0, "otsu", "0.45945"),
    ],
)
def test_bonus_rate_boundaries(previous: int, dependents: int, column: str, rate: str) -> None:
    from decimal import Decimal

    assert bonus_rate(previous, dependents=dependents, column=column) == Decimal(rate)  # type: ignore[arg-type]


def test_bonus_tax_by_rate_and_by_the_monthly_table_rule() -> None:
    assert bonus_tax(500_000, previous_pay=300_000) == 30_630  # × 6.126%
    assert bonus_tax(123_457, previous_pay=300_000) == 7_562  # 7,562.97… → 切捨て
    # No salary last month: (tax(bonus/6) − tax(0)) × 6 by the 月額表.
    assert bonus_tax(900_000, previous_pay=0) == 2_420 * 6
    assert bonus_tax(600_000, previous_pay=0) == 0
    # Bonus over ten times last month's pay: the same rule on top of last month's pay.
    assert bonus_tax(600_000, previous_pay=50_000) == 2_420 * 6
    # Bonus for more than six months: /12 and ×12.
    assert bonus_tax(1_800_000, previous_pay=0, period_months=12) == 2_420 * 12
