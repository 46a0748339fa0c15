"""Demo data for the DX loop (filled in below)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any


def seed(*, actor: Any, today: dt.date, rng: random.Random) -> dict[str, Any]:
    return {}
