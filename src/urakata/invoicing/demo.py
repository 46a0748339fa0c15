"""Demo invoices: filled in below."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any


def seed(*, actor: Any, today: dt.date, rng: random.Random) -> None:
    """A year of invoices to the demo customers (see demo_data)."""
    from urakata.invoicing.demo_data import seed_invoices

    seed_invoices(actor=actor, today=today, rng=rng)
