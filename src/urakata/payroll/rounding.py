"""Yen rounding rules of payroll, on exact decimals (never floats)."""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_HALF_UP, Decimal


def deduct_round(amount: Decimal) -> int:
    """社会保険料・雇用保険料 deducted from pay: 50銭以下切捨て、50銭超切上げ (facts §4.2)."""
    whole = amount.to_integral_value(rounding=ROUND_DOWN)
    return int(whole) + (1 if amount - whole > Decimal("0.5") else 0)


def floor_yen(amount: Decimal) -> int:
    """1円未満切捨て."""
    return int(amount.to_integral_value(rounding=ROUND_DOWN))


def ceil_yen(amount: Decimal) -> int:
    """1円未満切上げ."""
    return int(amount.to_integral_value(rounding=ROUND_CEILING))


def half_up_yen(amount: Decimal) -> int:
    """50銭未満切捨て、50銭以上切上げ (割増賃金, 労基法通達 昭63.3.14 基発150号)."""
    return int(amount.to_integral_value(rounding=ROUND_HALF_UP))


def half_up_ten_yen(amount: Decimal) -> int:
    """10円未満四捨五入 (電算機計算の特例の税額)."""
    return int((amount / 10).to_integral_value(rounding=ROUND_HALF_UP)) * 10
