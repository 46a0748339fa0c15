"""Demo invoices: a year of sales invoices, payments and received invoices (`demo_data`)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any


def seed(*, actor: Any, today: dt.date, rng: random.Random) -> dict[str, int]:
    """A year of invoices to the demo customers (see demo_data); counts for the demo output."""
    from urakata.invoicing.demo_data import seed_invoices
    from urakata.invoicing.models import Invoice, ReceivedInvoice

    seed_invoices(actor=actor, today=today, rng=rng)
    return {"invoices": Invoice.objects.count(), "received": ReceivedInvoice.objects.count()}


def vendor_invoice_for_order(*, actor: Any, order: dict[str, Any]) -> None:
    """Hook `facilities.demo_order_received`: the vendor's invoice for a demo order that facilities
    received (a capitalised server), recorded and approved here — it matches the order (一致) and,
    the receipt having posted the acquisition already, books nothing twice; the payment is
    scheduled as for any supplier."""
    from urakata.invoicing import received
    from urakata.ledger import cache
    from urakata.ledger.services import period_is_closed
    from urakata.org.models import Counterparty

    vendor = Counterparty.objects.filter(pk=order["vendor_id"]).first()
    day: dt.date = order["received_on"]
    if vendor is None or period_is_closed(cache.period_of(day)):
        return
    item = received.received_create(
        actor=actor,
        data={
            "counterparty": vendor,
            "issuer_name": vendor.name,
            "registration_number": vendor.registration_number,
            "number": f"S-{day:%Y%m}-{order['number'][-4:]}",
            "issue_date": day,
            "due_date": day + dt.timedelta(days=30),
            "description": f"{order['name']} ご注文 {order['number']}"[:200],
            "taxable_10": order["subtotal"],
            "tax_10": order["tax"],
        },
    )
    received.received_approve(actor=actor, received=item)
