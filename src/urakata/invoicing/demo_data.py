"""Demo data for invoicing (filled in later)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any


def seed_invoices(*, actor: Any, today: dt.date, rng: random.Random) -> None:
    return None
