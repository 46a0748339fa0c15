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
