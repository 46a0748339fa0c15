"""Invoice arithmetic: line amounts and the per-rate totals, rounded ONCE per rate per invoice.

facts.md §1.4 (消費税法施行令 70条の10, インボイス通達 3-12): the 消費税額等 of an invoice is
`round_mode(Σ net amounts at rate r × r)`, one rounding per rate; rounding each line and summing
is not allowed. Prices are tax-exclusive (税抜, as in JP PINT) or, when the invoice says so,
tax-inclusive (税込).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from urakata.ledger.tax import round_yen

RATES: dict[str, Decimal] = {
    "S": Decimal("0.10"),
    "AA": Decimal("0.08"),
    "G": Decimal("0"),
    "E": Decimal("0"),
}
# Order of the per-rate blocks on the PDF and in the XML: 10%, 8%, 0%, 非課税.
CATEGORY_ORDER = ("S", "AA", "G", "E")
# The ledger's sales tax code of each category (and of its returns for credit notes).
SALES_TAX_CODE = {"S": "S10", "AA": "S08", "G": "SEX", "E": "SNT"}
RETURN_TAX_CODE = {"S": "SR10", "AA": "SR08", "G": "SEX", "E": "SNT"}
PURCHASE_TAX_CODE = {"S": "P10", "AA": "P08", "G": "OUT", "E": "PNT"}


def line_amount(quantity: Decimal, unit_price: int) -> int:
    """Net amount of a line: quantity × unit price, to the yen (四捨五入)."""
    return int((quantity * unit_price).quantize(Decimal("1"), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class RateTotal:
    """One rate's block: category, rate, taxable total and its tax (rounded once)."""

    category: str
    rate: Decimal
    taxable: int
    tax: int

    @property
    def percent(self) -> int:
        return int(self.rate * 100)


def rate_totals(
    lines: Iterable[tuple[str, int]], rounding: str, *, inclusive: bool = False
) -> list[RateTotal]:
    """Per-rate totals of (category, amount) lines, the tax rounded once per rate.

    Tax-exclusive (税抜): tax = round(Σ net × r). Tax-inclusive (税込): tax = round(Σ gross ×
    r/(1+r)) and the taxable amount is Σ gross − tax (facts.md §1.4).
    """
    sums: dict[str, int] = {}
    for category, amount in lines:
        sums[category] = sums.get(category, 0) + amount
    out = []
    for c in CATEGORY_ORDER:
        if c not in sums:
            continue
        rate = RATES[c]
        if inclusive:
            tax = round_yen(Decimal(sums[c]) * rate / (1 + rate), rounding)
            out.append(RateTotal(c, rate, sums[c] - tax, tax))
        else:
            out.append(RateTotal(c, rate, sums[c], round_yen(Decimal(sums[c]) * rate, rounding)))
    return out


def totals(per_rate: Iterable[RateTotal]) -> tuple[int, int, int]:
    """(subtotal, tax, total) of the per-rate blocks."""
    blocks = list(per_rate)
    subtotal = sum(b.taxable for b in blocks)
    tax = sum(b.tax for b in blocks)
    return subtotal, tax, subtotal + tax
