"""Consumption tax arithmetic: rate by date, rounding rule, tax-inclusive/exclusive splitting."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Decimal

ROUNDING_MODES = {"floor": ROUND_FLOOR, "half_up": ROUND_HALF_UP, "ceiling": ROUND_CEILING}


def round_yen(value: Decimal, mode: str) -> int:
    """Round a yen amount to an integer with the configured rule (切捨て・四捨五入・切上げ)."""
    return int(value.quantize(Decimal("1"), rounding=ROUNDING_MODES[mode]))


def rate_on(rates: list[tuple[dt.date, Decimal, Decimal]], day: dt.date) -> tuple[Decimal, Decimal]:
    """(rate, deductible ratio) in force on `day`; rates are sorted by valid_from."""
    found = (Decimal("0"), Decimal("1"))
    for valid_from, rate, ratio in rates:
        if valid_from <= day:
            found = (rate, ratio)
        else:
            break
    return found


def tax_included(amount: int, rate: Decimal, mode: str) -> int:
    """The tax inside a tax-inclusive amount: amount × r / (1 + r), rounded."""
    if not rate:
        return 0
    return round_yen(Decimal(amount) * rate / (1 + rate), mode)


def tax_on(amount: int, rate: Decimal, mode: str) -> int:
    """The tax on a tax-exclusive amount: amount × r, rounded."""
    if not rate:
        return 0
    return round_yen(Decimal(amount) * rate, mode)


def deductible(tax: int, ratio: Decimal, mode: str) -> int:
    """The creditable part of an input tax (経過措置: 80% → 70% → 50% → 30%)."""
    if ratio == 1:
        return tax
    return round_yen(Decimal(tax) * ratio, mode)
