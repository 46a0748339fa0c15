"""Demo documents: filled in later in this branch."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any


def seed_documents(*, actor: Any, today: dt.date, rng: random.Random) -> None:
    """Placeholder until the demo set lands (no documents yet)."""
    return None
