"""Hand-computed social-insurance cases: grade boundaries, rate months, 介護 by birthday, rounding."""

from __future__ import annotations

import datetime as dt

import pytest

from urakata.core.errors import ValidationFailed
from urakata.payroll import social_insurance as si

TOKYO, NIIGATA = 13, 15
APRIL = dt.date(2026, 4, 1)


@pytest.mark.parametrize(
    ("remuneration", "health", "pension"),
    [
        (0, 58_000, 88_000),
        (62_999, 58_000, 88_000),
        (63_000, 68_000, 88_000),
        (82_999, 78_000, 88_000),
        (83_000, 88_000, 88_000),
        (92_999, 88_000, 88_000),
        (93_000, 98_000, 98_000),
        (369_999, 360_000, 360_000),
        (370_000, 380_000, 380_000),
        (394_999, 380_000, 380_000),
        (395_000, 410_000, 410_000),
        (634_999, 620_000, 620_000),
        (635_000, 650_000, 650_000),
        (664_999, 650_000, 650_000),
        (665_000, 680_000, 650_000),
        (1_354_999, 1_330_000, 650_000),
        (1_355_000, 1_390_000, 650_000),
        (9_999_999, 1_390_000, 650_000),
    ],
)
def test_grade_boundaries(remuneration: int, health: int, pension: int) -> None:
    assert si.health_grade(remuneration)[1] == health
    assert si.pension_grade(remuneration)[1] == pension


def test_grade_numbers() -> None:
    assert si.health_grade(300_000) == (22, 300_000)
    assert si.pension_grade(300_000) == (19, 300_000)
    assert si.pension_grade(50_000) == (1, 88_000)
    assert si.pension_grade(2_000_000) == (32, 650_000)
    assert si.health_grade(2_000_000) == (50, 1_390_000)


def test_tokyo_worked_example_after_april_2026() -> None:
    young = si.monthly_premiums(remuneration=300_000, age=30, prefecture=TOKYO, month=APRIL)
    assert young.as_dict() == {
        "standard_remuneration_health": 300_000,
        "standard_remuneration_pension": 300_000,
        "health": 14_775,
        "care": 0,
        "child_support": 345,
        "pension": 27_450,
    }
    older = si.monthly_premiums(remuneration=300_000, age=45, prefecture=TOKYO, month=APRIL)
    assert older.health + older.care == 17_205  # 11.47% combined, rounded once
    employer = si.employer_premiums(employee=young, prefecture=TOKYO, month=APRIL, care=False)
    assert employer == {
        "health": 14_775,
        "child_support": 345,
        "pension": 27_450,
        "child_contribution": 1_080,
    }


def test_rates_change_with_the_march_premium_and_support_starts_in_april() -> None:
    feb = si.monthly_premiums(
        remuneration=300_000, age=45, prefecture=TOKYO, month=dt.date(2026, 2, 1)
    )
    assert (feb.health, feb.care, feb.child_support) == (14_865, 2_385, 0)  # 9.91%, 11.50%
    march = si.monthly_premiums(
        remuneration=300_000, age=45, prefecture=TOKYO, month=dt.date(2026, 3, 1)
    )
    assert (march.health, march.care, march.child_support) == (14_775, 2_430, 0)
    april = si.monthly_premiums(remuneration=300_000, age=45, prefecture=TOKYO, month=APRIL)
    assert april.child_support == 345
    with pytest.raises(ValidationFailed):
        si.monthly_premiums(
            remuneration=300_000, age=45, prefecture=TOKYO, month=dt.date(2025, 2, 1)
        )


def test_fifty_sen_rounding_on_exact_decimals() -> None:
    # 110,000 × 9.21% / 2 = 5,065.50 → 50銭以下切捨て (binary floats would give 5,065.5000…1).
    p = si.monthly_premiums(remuneration=110_000, age=30, prefecture=NIIGATA, month=APRIL)
    assert p.health == 5_065
    assert p.child_support == 126  # 126.5 → 126
    assert (
        si.monthly_premiums(
            remuneration=58_000, age=30, prefecture=TOKYO, month=APRIL
        ).child_support
        == 67
    )  # 66.7 → 67
    assert si.employment_premium(123_500, month=APRIL) == 617  # 617.5 → 617
    assert si.employment_premium(123_701, month=APRIL) == 619  # 618.505 → 619
    assert si.employment_premium(300_000, month=APRIL) == 1_500
    assert si.employment_premium(300_000, month=dt.date(2026, 3, 1)) == 1_650  # R7 5.5/1000
    assert si.employment_premium(300_000, kind="construction", month=APRIL) == 1_800


@pytest.mark.parametrize(
    ("birth", "month", "insured"),
    [
        (dt.date(1986, 5, 1), dt.date(2026, 3, 1), False),
        (dt.date(1986, 5, 1), dt.date(2026, 4, 1), True),  # day before 40th: 2026-04-30
        (dt.date(1986, 5, 2), dt.date(2026, 4, 1), False),  # day before: 2026-05-01
        (dt.date(1986, 5, 2), dt.date(2026, 5, 1), True),
        (dt.date(1961, 5, 1), dt.date(2026, 3, 1), True),
        (dt.date(1961, 5, 1), dt.date(2026, 4, 1), False),  # 65: lost in the month of 04-30
        (dt.date(1961, 5, 2), dt.date(2026, 4, 1), True),
        (dt.date(1961, 5, 2), dt.date(2026, 5, 1), False),
        (dt.date(1988, 2, 29), dt.date(2028, 2, 1), True),  # day before 2028-02-29
    ],
)
def test_care_follows_the_day_before_the_birthday(
    birth: dt.date, month: dt.date, insured: bool
) -> None:
    assert si.is_care_insured(birth, month) is insured


def test_bonus_standards_and_caps_across_a_fiscal_year() -> None:
    assert si.standard_bonus(1_234_567) == 1_234_000
    assert si.bonus_standards(2_000_999, health_fiscal_year_so_far=0) == (2_000_000, 1_500_000)
    assert si.bonus_standards(1_234_567, health_fiscal_year_so_far=5_000_000) == (
        730_000,
        1_234_000,
    )
    assert si.bonus_standards(800_000, health_fiscal_year_so_far=5_730_000) == (0, 800_000)


def test_bad_prefecture_is_a_validation_error() -> None:
    with pytest.raises(ValidationFailed) as exc:
        si.monthly_premiums(remuneration=1, age=1, prefecture=48, month=APRIL)
    assert "prefecture" in exc.value.errors
