"""Goods receipt of capitalised items: each unit becomes a fixed asset, and the acquisition is
posted at once (検収基準): 固定資産 (tax-exclusive cost) and 仮払消費税等 / 未払金 to the vendor.
What was posted is kept per rate (`ReceiptBooking`) so that the vendor's invoice, when invoicing
approves it, books only the difference (matching.received_invoice_booking).

The ledger splits the tax (tax_entry "exclusive", purchase codes P10 / P08): it picks the
経過措置 code for a vendor without a 登録番号 and leaves the non-creditable part in the asset
account. The tax of each rate is rounded once for the receipt and spread over its lines (each
line within the ledger's ±1 yen of its own tax).
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from django.utils.translation import gettext as _

from urakata.core.errors import ValidationFailed
from urakata.facilities.models import (
    FixedAsset,
    PurchaseOrder,
    PurchaseOrderLine,
    ReceiptBooking,
)

PAYABLE = "3150"  # 未払金
TAX_CODES = {Decimal("0.10"): "P10", Decimal("0.08"): "P08"}


def _floor(value: Decimal) -> int:
    return int(value.to_integral_value(rounding=ROUND_FLOOR))


def _debit_lines(
    order: PurchaseOrder, groups: list[tuple[PurchaseOrderLine, list[FixedAsset]]]
) -> tuple[list[dict[str, Any]], dict[Decimal, tuple[int, int]]]:
    """One debit per order line (net, with its tax), and the receipt's (net, tax) per rate."""
    from urakata.facilities.assets import asset_account

    per_rate: dict[Decimal, list[tuple[dict[str, Any], int]]] = {}
    lines: list[dict[str, Any]] = []
    untaxed = 0
    for line, assets in groups:
        net = sum(a.cost for a in assets)
        debit: dict[str, Any] = {
            "account": asset_account(assets[0]),
            "debit": net,
            "counterparty_id": order.vendor_id,
            "memo": f"{order.number} {', '.join(a.number for a in assets)}"[:200],
        }
        code = TAX_CODES.get(line.tax_rate.normalize().quantize(Decimal("0.01")))
        if code:
            debit["tax_code"] = code
            per_rate.setdefault(line.tax_rate, []).append((debit, net))
        else:
            untaxed += net
        lines.append(debit)
    booked: dict[Decimal, tuple[int, int]] = {Decimal(0): (untaxed, 0)} if untaxed else {}
    for rate, members in per_rate.items():
        rate_net = sum(net for _d, net in members)
        tax = _floor(rate_net * rate)  # once per rate (令70条の10)
        booked[rate] = (rate_net, tax)
        given = 0
        for index, (debit, net) in enumerate(members):
            share = tax - given if index == len(members) - 1 else _floor(net * rate)
            debit["tax_amount"] = share
            given += share
    return lines, booked


def _remember(order: PurchaseOrder, entry_id: int, booked: dict[Decimal, tuple[int, int]]) -> None:
    """What this receipt posted, per rate, for the vendor's invoice to take over later."""
    ReceiptBooking.objects.bulk_create(
        [
            ReceiptBooking(order=order, entry_id=entry_id, tax_rate=rate, net=n, tax=t)
            for rate, (n, t) in booked.items()
        ]
    )


def capitalise_receipt(
    *,
    actor: Any,
    order: PurchaseOrder,
    receipts: list[tuple[PurchaseOrderLine, Decimal]],
    received_on: dt.date,
) -> list[str]:
    """Each unit received of a capitalised item becomes a fixed asset (statutory method: 定率法
    where the category allows it, else 定額法) at the order's unit price; one acquisition entry
    for the receipt. Returns the new asset numbers."""
    from urakata.facilities import assets as asset_services
    from urakata.facilities import depreciation as dep

    groups: list[tuple[PurchaseOrderLine, list[FixedAsset]]] = []
    for line, quantity in receipts:
        item = line.item
        if not item.asset_category:
            continue
        if quantity != quantity.to_integral_value():
            raise ValidationFailed(
                _("資産計上する品目は整数で入荷してください。"),
                errors={f"lines.{line.pk}.quantity": [_("整数で入力してください。")]},
            )
        method = dep.allowed_methods(item.asset_category, received_on)[-1]
        created = [
            asset_services.asset_register(
                actor=actor,
                name=item.name,
                category=item.asset_category,
                life=item.asset_life,
                method=method,
                acquired_on=received_on,
                cost=line.unit_price,
                location=order.delivery_address[:200],
            )
            for _unit in range(int(quantity))
        ]
        if created:
            groups.append((line, created))
    if not groups:
        return []
    debits, booked = _debit_lines(order, groups)
    net = sum(d["debit"] for d in debits)
    tax = sum(t for _n, t in booked.values())
    entry = asset_services.post_entry(
        date=received_on,
        description=_("固定資産の取得(検収) %(number)s %(vendor)s")
        % {"number": order.number, "vendor": order.vendor.name[:80]},
        lines=[
            *debits,
            {"account": PAYABLE, "credit": net + tax, "counterparty_id": order.vendor_id},
        ],
        ref=f"order:{order.pk}:receipt:{received_on:%Y%m%d}:{groups[0][1][0].pk}",
        tax_entry="exclusive",
    )
    numbers = [a.number for _line, created in groups for a in created]
    FixedAsset.objects.filter(number__in=numbers).update(acquisition_entry_id=entry.pk)
    _remember(order, entry.pk, booked)
    return numbers
