"""Concurrent posting and closing: numbers stay gapless, balances exact, closed months closed.

Runs real threads with their own connections on PostgreSQL, where posts and closes serialise on
the fiscal year's counter row.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.db.models import Sum

from urakata.core.audit import audit_verify
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import SYSTEM
from urakata.ledger import services
from urakata.ledger.integrity import ledger_verify
from urakata.ledger.models import Balance, JournalEntry

pytestmark = pytest.mark.django_db(transaction=True)


def _skip_on_sqlite() -> None:
    # The SQLite test database is in-memory with a shared cache, whose table locks do not wait
    # (a file database queues writers with BEGIN IMMEDIATE); the race is checked on PostgreSQL.
    if connection.vendor == "sqlite":
        pytest.skip("needs PostgreSQL (DATABASE_URL)")


def _post(amount: int, day: dt.date, results: list[object]) -> None:
    try:
        entry = services.journal_entry_post(
            actor=SYSTEM,
            date=day,
            description="並行",
            lines=[{"account": "7290", "debit": amount}, {"account": "1140", "credit": amount}],
            tax_entry="none",
        )
        results.append(entry.number)
    except ValidationFailed as error:
        results.append(error)
    finally:
        connections.close_all()


def test_concurrent_posts_get_gapless_numbers_and_exact_balances() -> None:
    _skip_on_sqlite()
    results: list[object] = []
    threads = [
        threading.Thread(target=_post, args=(100 + i, dt.date(2025, 5, 1 + i % 28), results))
        for i in range(16)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(n for n in results if isinstance(n, int)) == list(range(1, 17))
    total = sum(100 + i for i in range(16))
    balance = Balance.objects.filter(account__code="7290").aggregate(d=Sum("debit"))["d"]
    assert balance == total
    assert JournalEntry.objects.count() == 16
    assert ledger_verify() == [] and audit_verify().ok


def test_close_racing_posts_never_lets_a_post_into_a_closed_month() -> None:
    _skip_on_sqlite()
    results: list[object] = []
    threads = [
        threading.Thread(target=_post, args=(10, dt.date(2025, 6, 2), results)) for _ in range(8)
    ]
    closer = threading.Thread(
        target=lambda: (services.period_close(actor=SYSTEM, period=202506), connections.close_all())
    )
    for thread in threads[:4]:
        thread.start()
    closer.start()
    for thread in threads[4:]:
        thread.start()
    for thread in [*threads, closer]:
        thread.join()
    posted = [n for n in results if isinstance(n, int)]
    refused = [r for r in results if isinstance(r, ValidationFailed)]
    assert len(posted) + len(refused) == 8
    assert sorted(posted) == list(range(1, len(posted) + 1))  # gapless despite refusals
    closed_at = services.Period.objects.get(period=202506).changed_at
    assert not JournalEntry.objects.filter(period=202506, posted_at__gt=closed_at).exists()
