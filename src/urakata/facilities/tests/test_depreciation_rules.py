"""Depreciation schedules checked against hand-computed and official (国税庁) worked examples."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal

import pytest

from urakata.core.errors import ValidationFailed
from urakata.facilities import depreciation as dep
from urakata.facilities.rates import DECLINING_200, DECLINING_250, STRAIGHT


def _amounts(rows: list[dep.YearRow]) -> list[int]:
    return [row.depreciation for row in rows]


def test_rate_tables_follow_their_formulas() -> None:
    # 別表第八: 1/n rounded up to 3 places; 別表第九/第十: 2.5/n and 2/n rounded half up.
    for life in range(2, 51):
        third = Decimal("0.001")
        assert STRAIGHT[life] == (Decimal(1) / life).quantize(third, ROUND_CEILING)
        assert DECLINING_200[life].rate == min(
            Decimal(1), (Decimal(2) / life).quantize(third, ROUND_HALF_UP)
        )
        assert DECLINING_250[life].rate == min(
            Decimal(1), (Decimal("2.5") / life).quantize(third, ROUND_HALF_UP)
        )


def test_nta_example_declining_200_ten_years() -> None:
    # 国税庁 No.2106 計算例: 100万円, 耐用年数10年, 償却率0.200, 改定償却率0.250, 保証率0.06552.
    rows = dep.schedule(cost=1_000_000, life=10, method="declining", acquired=dt.date(2024, 4, 1))
    assert _amounts(rows) == [
        200_000,
        160_000,
        128_000,
        102_400,
        81_920,
        65_536,  # 調整前償却額 ≥ 償却保証額 65,520
        65_536,
        65_536,
        65_536,
        65_535,  # 7年目: 52,428 < 65,520 → 262,144 × 0.250
    ]
    assert [row.revised for row in rows] == [False] * 6 + [True] * 4
    assert rows[-1].book_value_end == 1


def test_nta_example_straight_ten_years() -> None:
    rows = dep.schedule(cost=1_000_000, life=10, method="straight", acquired=dt.date(2024, 4, 1))
    assert _amounts(rows) == [100_000] * 9 + [99_999]
    assert rows[-1].book_value_end == 1


def test_mid_year_acquisition_is_prorated_by_month() -> None:
    # 期首4月, 10月15日取得: 10月〜3月の6か月. 定率法 10年: 1,000,000 × 0.200 × 6/12.
    rows = dep.schedule(
        cost=1_000_000,
        life=10,
        method="declining",
        acquired=dt.date(2024, 10, 15),
        fiscal_year_start=4,
    )
    assert (rows[0].fiscal_year, rows[0].months, rows[0].depreciation) == (2024, 6, 100_000)
    assert rows[1].depreciation == 180_000  # 900,000 × 0.200
    # the switch: 294,912 × 0.200 = 58,982 < 65,520 → 294,912 × 0.250 = 73,728
    switch = next(row for row in rows if row.revised)
    assert (switch.fiscal_year, switch.opening, switch.depreciation) == (2030, 294_912, 73_728)
    assert rows[-1].book_value_end == 1
    assert sum(_amounts(rows)) == 999_999


def test_straight_line_prorated_with_calendar_fiscal_year() -> None:
    # 期首1月, 2025-03-20 取得, 定額法 5年 (0.200): 1年目 10か月 = 600,000 × 0.2 × 10/12.
    rows = dep.schedule(
        cost=600_000,
        life=5,
        method="straight",
        acquired=dt.date(2025, 3, 20),
        fiscal_year_start=1,
    )
    assert _amounts(rows) == [100_000, 120_000, 120_000, 120_000, 120_000, 19_999]
    assert rows[-1].book_value_end == 1


def test_switch_with_revised_rate_one_for_four_years() -> None:
    # 4年: 保証額 = 1,000,000 × 0.12499 = 124,990; 4年目の 125,000 × 0.5 = 62,500 は下回る
    # → 改定取得価額 125,000 × 改定償却率 1.000, 備忘価額 1円.
    rows = dep.schedule(cost=1_000_000, life=4, method="declining", acquired=dt.date(2024, 4, 1))
    assert _amounts(rows) == [500_000, 250_000, 125_000, 124_999]


def test_250_percent_table_for_2007_to_2012_acquisitions() -> None:
    rows = dep.schedule(cost=1_000_000, life=10, method="declining", acquired=dt.date(2010, 4, 1))
    assert rows[0].depreciation == 250_000  # 別表第九 0.250
    rows_2012 = dep.schedule(
        cost=1_000_000, life=10, method="declining", acquired=dt.date(2012, 4, 1)
    )
    assert rows_2012[0].depreciation == 200_000  # 別表第十 0.200


def test_software_has_no_memorandum_value() -> None:
    rows = dep.schedule(
        cost=500_000, life=5, method="straight", acquired=dt.date(2024, 4, 1), category="software"
    )
    assert _amounts(rows) == [100_000] * 5
    assert rows[-1].book_value_end == 0


def test_disposal_stops_the_schedule_in_its_month() -> None:
    # 定額法 10年, disposal on 2026-09-30 (期首4月): 6 months of the third year.
    rows = dep.schedule(
        cost=1_200_000,
        life=10,
        method="straight",
        acquired=dt.date(2024, 4, 1),
        disposed=dt.date(2026, 9, 30),
    )
    assert _amounts(rows) == [120_000, 120_000, 60_000]
    assert rows[-1].months == 6 and rows[-1].book_value_end == 900_000


def test_lump_sum_three_equal_years() -> None:
    # 一括償却資産 (令133条の2): 取得価額 × 12/36 each year, whatever the month of acquisition.
    rows = dep.schedule(cost=190_000, life=0, method="lump_sum", acquired=dt.date(2025, 2, 1))
    assert _amounts(rows) == [63_333, 63_333, 63_334]
    assert [row.fiscal_year for row in rows] == [2024, 2025, 2026]
    assert rows[-1].book_value_end == 0


def test_small_asset_rules_by_cost() -> None:
    assert dep.small_asset_treatment(cost=99_999) == ("immediate", "lump_sum")
    assert dep.small_asset_treatment(cost=100_000) == ("lump_sum",)
    assert dep.small_asset_treatment(cost=250_000) == ()
    assert dep.small_asset_treatment(cost=250_000, sme=True) == ("immediate",)
    rows = dep.schedule(cost=80_000, life=0, method="immediate", acquired=dt.date(2025, 6, 1))
    assert _amounts(rows) == [80_000]
    with pytest.raises(ValidationFailed) as failed:
        dep.schedule(cost=250_000, life=0, method="lump_sum", acquired=dt.date(2025, 6, 1))
    assert "method" in failed.value.errors


def test_straight_line_only_categories() -> None:
    assert dep.allowed_methods("building", dt.date(2010, 1, 1)) == ("straight",)
    assert dep.allowed_methods("building_fixture", dt.date(2016, 3, 31)) == (
        "straight",
        "declining",
    )
    assert dep.allowed_methods("building_fixture", dt.date(2016, 4, 1)) == ("straight",)
    with pytest.raises(ValidationFailed) as failed:
        dep.schedule(
            cost=1_000_000,
            life=15,
            method="declining",
            acquired=dt.date(2020, 4, 1),
            category="structure",
        )
    assert "method" in failed.value.errors


@pytest.mark.parametrize("life", [0, 1, 51, 99])
def test_life_not_in_the_table_is_refused(life: int) -> None:
    with pytest.raises(ValidationFailed) as failed:
        dep.schedule(cost=1_000_000, life=life, method="straight", acquired=dt.date(2024, 4, 1))
    assert "life" in failed.value.errors


def test_old_regime_acquisitions_are_refused() -> None:
    with pytest.raises(ValidationFailed) as failed:
        dep.schedule(cost=1_000_000, life=10, method="straight", acquired=dt.date(2007, 3, 31))
    assert "acquired_on" in failed.value.errors


@pytest.mark.parametrize("life", range(2, 51))
@pytest.mark.parametrize("method", ["straight", "declining"])
def test_every_life_writes_down_to_one_yen(life: int, method: str) -> None:
    rows = dep.schedule(cost=3_456_789, life=life, method=method, acquired=dt.date(2024, 7, 1))
    assert rows[-1].book_value_end == 1
    assert sum(_amounts(rows)) == 3_456_788
    assert all(row.depreciation >= 0 for row in rows)
    assert len(rows) <= life + 1  # a pro-rated first year adds at most one fiscal year


def test_monthly_split_adds_up_to_the_year() -> None:
    row = dep.YearRow(2024, 12, 1_000_000, 100_001, 899_999)
    amounts = dep.monthly_amounts(row)
    assert (
        len(amounts) == 12
        and sum(amounts) == 100_001
        and amounts[:11] == [8_333] * 11
        and amounts[-1] == 8_338
    )
