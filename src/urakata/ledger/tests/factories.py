"""Ledger test helpers: post simple entries through the real service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from urakata.core.permissions import SYSTEM
from urakata.ledger import services
from urakata.ledger.models import JournalEntry


def post_simple(
    *,
    actor: Any = SYSTEM,
    day: dt.date = dt.date(2025, 5, 10),
    debit: str = "7290",
    credit: str = "1140",
    amount: int = 1000,
    description: str = "テスト仕訳",
    department_id: int | None = None,
    **kwargs: Any,
) -> JournalEntry:
    """A two-line entry with no tax split."""
    return services.journal_entry_post(
        actor=actor,
        date=day,
        description=description,
        lines=[
            {"account": debit, "debit": amount, "department_id": department_id},
            {"account": credit, "credit": amount, "department_id": department_id},
        ],
        tax_entry="none",
        **kwargs,
    )
