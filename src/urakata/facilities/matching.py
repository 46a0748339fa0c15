"""Three-way match: order ↔ receipt ↔ the vendor's invoice.

invoicing (a sibling domain) calls the hook `invoicing.received_invoice_recorded` when it records
a received invoice; facilities registers `received_invoice_recorded` for it in its manifest and
never imports invoicing. The invoice is tied to an order of the same vendor (取引先): by the order
number it carries (JP PINT OrderReference, ibt-013; or a PO-YYYYMM-NNNN in its number or
description), else by amount (its net total equals one open order's net total or what has
arrived of it — only when exactly one order fits).

A received invoice carries per-rate totals, not lines, so the comparison is on net totals:
matched (= what arrived), quantity difference (= what was ordered, more than arrived), price
difference (neither), not received (nothing arrived yet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_FLOOR
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.facilities.models import (
    InvoiceMatch,
    PurchaseOrder,
    PurchaseOrderLine,
    ReceiptBooking,
)

ORDER_NUMBER = re.compile(r"PO-\d{6}-\d{4}")
# UBL: <cac:OrderReference><cbc:ID>…</cbc:ID></cac:OrderReference> (ibt-013)
ORDER_REFERENCE = re.compile(
    r"<cac:OrderReference>\s*<cbc:ID[^>]*>([^<]{1,60})</cbc:ID>", re.IGNORECASE
)


def order_reference(data: dict[str, Any]) -> str:
    """The order number an invoice carries, if any."""
    found = ORDER_REFERENCE.search(str(data.get("source_xml") or ""))
    if found:
        return found.group(1).strip()
    for field in ("number", "description"):
        hit = ORDER_NUMBER.search(str(data.get(field) or ""))
        if hit:
            return hit.group(0)
    return ""


def received_net(lines: list[PurchaseOrderLine]) -> int:
    """The net value of what has arrived (received quantity × unit price, floored per line)."""
    return sum(
        int((line.received_quantity * line.unit_price).to_integral_value(rounding=ROUND_FLOOR))
        for line in lines
    )


def _by_amount(vendor_id: int, subtotal: int) -> PurchaseOrder | None:
    candidates = (
        PurchaseOrder.objects.filter(vendor_id=vendor_id, invoice_matches__isnull=True)
        .exclude(status=PurchaseOrder.Status.CANCELLED)
        .prefetch_related("lines")
        .order_by("ordered_on", "pk")[:200]
    )
    fits = [o for o in candidates if subtotal in (o.total, received_net(list(o.lines.all())))]
    return fits[0] if len(fits) == 1 else None


def received_invoice_recorded(*, actor: Any, received_invoice_data: dict[str, Any]) -> None:
    """Hook `invoicing.received_invoice_recorded`: match the invoice to an order, if one fits.

    `received_invoice_data`: id, counterparty_id, number, issue_date, description, subtotal,
    tax_total, total, source_xml. Runs in invoicing's transaction; never refuses the invoice.
    """
    data = received_invoice_data
    vendor_id = data.get("counterparty_id")
    if not vendor_id or InvoiceMatch.objects.filter(received_invoice_id=data["id"]).exists():
        return
    reference = order_reference(data)
    order = None
    if reference:
        order = PurchaseOrder.objects.filter(number=reference, vendor_id=vendor_id).first()
    by = InvoiceMatch.By.ORDER_NUMBER
    if order is None:
        order, by = _by_amount(vendor_id, int(data.get("subtotal") or 0)), InvoiceMatch.By.AMOUNT
    if order is None:
        return
    with transaction.atomic():
        match = InvoiceMatch.objects.create(
            order=order,
            received_invoice_id=data["id"],
            invoice_number=str(data.get("number") or "")[:60],
            issue_date=data.get("issue_date") or timezone.localdate(),
            subtotal=int(data.get("subtotal") or 0),
            tax_total=int(data.get("tax_total") or 0),
            total=int(data.get("total") or 0),
            matched_by=by,
        )
        audit_record(
            actor=actor,
            action="facilities.order.invoice_match",
            target=order,
            changes={
                "received_invoice": [None, match.received_invoice_id],
                "matched_by": by,
                "subtotal": match.subtotal,
            },
        )


def received_invoice_booking(*, actor: Any, received_invoice_id: int) -> dict[str, Any] | None:
    """Hook `invoicing.received_invoice_booking`, called when invoicing approves a received
    invoice: what the goods receipts of its matched order already posted, so that invoicing books
    only the difference and the purchase is counted once.

    Takes over (claims) every receipt booking of that order not yet claimed by another invoice,
    and returns {"order": number, "entry_ids": [...], "booked": {"0.10": [net, tax], ...}} —
    or None when the invoice matches no order or nothing was posted at receipt.
    """
    match = (
        InvoiceMatch.objects.select_related("order")
        .filter(received_invoice_id=received_invoice_id)
        .first()
    )
    if match is None:
        return None
    bookings = list(
        ReceiptBooking.objects.select_for_update().filter(order=match.order, claimed_by=None)
    )
    if not bookings:
        return None
    booked: dict[str, list[int]] = {}
    for booking in bookings:
        pair = booked.setdefault(f"{booking.tax_rate:.2f}", [0, 0])
        pair[0] += booking.net
        pair[1] += booking.tax
    ReceiptBooking.objects.filter(pk__in=[b.pk for b in bookings]).update(
        claimed_by=received_invoice_id
    )
    entry_ids = sorted({b.entry_id for b in bookings})
    audit_record(
        actor=actor,
        action="facilities.order.booking_claimed",
        target=match.order,
        changes={"received_invoice": received_invoice_id, "entries": entry_ids, "booked": booked},
    )
    return {"order": match.order.number, "entry_ids": entry_ids, "booked": booked}


@dataclass(frozen=True)
class MatchState:
    """How an invoice compares with its order and what has arrived."""

    match: InvoiceMatch
    status: str  # matched / quantity_difference / price_difference / not_received
    label: str
    ordered: int
    received: int
    difference: int  # invoice net − what arrived


def order_matches(order: PurchaseOrder) -> list[MatchState]:
    """The invoices matched to an order, each with its three-way status."""
    lines = list(order.lines.all())
    received = received_net(lines)
    states = []
    for match in order.invoice_matches.all():
        if received == 0:
            status, label = "not_received", _("未入荷(請求のみ)")
        elif match.subtotal == received:
            status, label = "matched", _("一致")
        elif match.subtotal == order.total:
            status, label = "quantity_difference", _("数量差異(発注数で請求・入荷不足)")
        else:
            status, label = "price_difference", _("金額差異")
        states.append(
            MatchState(match, status, label, order.total, received, match.subtotal - received)
        )
    return states
