"""Demo documents (filled in below)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any


def seed(*, actor: Any, today: dt.date, rng: random.Random) -> None:
    """Several hundred documents across types and departments, with versions."""
    from urakata.documents.demo_data import seed_documents

    seed_documents(actor=actor, today=today, rng=rng)
