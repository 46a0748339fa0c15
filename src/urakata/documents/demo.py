"""Demo documents (filled in below)."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any


def seed(*, actor: Any, today: dt.date, rng: random.Random) -> dict[str, int]:
    """Several hundred documents across types and departments, with versions."""
    from urakata.documents.demo_data import seed_documents

    result = seed_documents(actor=actor, today=today, rng=rng)
    from urakata.documents.demo_contracts import seed_contracts

    drafter, signer = _demo_users()
    result["contracts"] = seed_contracts(
        actor=actor, drafter=drafter, signer=signer, today=today, rng=rng
    )
    return result


def _demo_users() -> tuple[Any, Any]:
    """A 総務 user who drafts and an executive who signs (the demo company's logins)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(is_active=True)
    drafter = users.filter(groups__name="general_affairs").order_by("pk").first()
    signer = users.filter(groups__name="executive").order_by("pk").first()
    return drafter, signer
