"""Tax-exclusive amounts for the JP PINT export of an invoice (PINT amounts are always 税抜).

A tax-exclusive invoice is written as stored. For a tax-inclusive (税込) invoice the tax of each
rate is the legal one (Σ gross × r/(100+r), rounded once); its taxable amount is Σ gross − tax,
and each line's net amount is its gross less a share of that tax (largest remainder, so the lines
add up exactly). With 切捨て / 切上げ a few totals give a tax just outside the official check
aligned-ibrp-051-jp (tax between floor and ceiling of taxable × rate), e.g. ¥21 at 10 % → tax 1,
taxable 20: the taxable amount is then moved by a yen or two and the difference is declared as
the rounding amount (ibt-114), so the amount due (ibt-115) stays the invoice's total.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from urakata.invoicing.calc import RATES
from urakata.invoicing.models import Invoice

SHIFTS = (0, -1, 1, -2, 2, -3, 3)


@dataclass
class PintAmounts:
    """Line net amounts (by line pk), per-category taxable amounts and the rounding amount."""

    net: dict[int, int]
    taxable: dict[str, int]
    rounding: int
    allowances: dict[int, int]  # allowance / charge pk → its tax-exclusive amount (positive)


def fits(tax: int, taxable: int, rate: Decimal) -> bool:
    """aligned-ibrp-051-jp: floor(taxable × rate) ≤ tax ≤ ceiling(taxable × rate)."""
    exact = Decimal(taxable) * rate
    low = exact.to_integral_value(rounding=ROUND_FLOOR)
    high = exact.to_integral_value(rounding=ROUND_CEILING)
    return low <= tax <= high


def basis_shift(tax: int, taxable: int, rate: Decimal) -> int:
    """The smallest move of the taxable amount that makes the stated tax fit the rule."""
    return next((d for d in SHIFTS if fits(tax, taxable + d, rate)), 0)


def _allocate(grosses: list[tuple[int, int]], target: int) -> dict[int, int]:
    """Split `target` over lines in proportion to their gross amounts (largest remainder)."""
    total = sum(g for _pk, g in grosses)
    if total == 0:
        return {pk: 0 for pk, _g in grosses}
    shares = [(pk, g * target // total, (g * target) % total) for pk, g in grosses]
    out = {pk: base for pk, base, _rest in shares}
    left = target - sum(out.values())
    for pk, _base, _rest in sorted(shares, key=lambda s: (-s[2], s[0]))[:left]:
        out[pk] += 1
    return out


def pint_amounts(invoice: Invoice) -> PintAmounts:
    """The tax-exclusive figures the JP PINT export writes for an invoice."""
    lines = list(invoice.lines.all())
    extras = list(invoice.allowances.all())
    blocks = list(invoice.tax_totals.all())
    if not invoice.prices_include_tax:
        return PintAmounts(
            net={line.pk: line.amount for line in lines},
            taxable={b.tax_category: b.taxable for b in blocks},
            rounding=0,
            allowances={a.pk: a.amount for a in extras},
        )
    net: dict[int, int] = {}
    allowances: dict[int, int] = {}
    taxable: dict[str, int] = {}
    for block in blocks:
        category = block.tax_category
        shift = basis_shift(block.tax, block.taxable, RATES[category])
        taxable[category] = block.taxable + shift
        # lines by pk, allowances / charges by −pk (signed), shared out together
        grosses = [(x.pk, x.amount) for x in lines if x.tax_category == category]
        grosses += [(-a.pk, a.signed) for a in extras if a.tax_category == category]
        for key, value in _allocate(grosses, taxable[category]).items():
            if key > 0:
                net[key] = value
            else:
                allowances[-key] = abs(value)
    rounding = invoice.total - (sum(taxable.values()) + invoice.tax_total)
    return PintAmounts(net=net, taxable=taxable, rounding=rounding, allowances=allowances)
