"""The audit chain under concurrent writers: no gaps, no duplicates, a valid chain."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection, connections

from urakata.core.audit import audit_record, audit_verify
from urakata.core.models import AuditEvent

THREADS = 8
EVENTS_EACH = 25


@pytest.mark.django_db(transaction=True)
def test_parallel_writers_produce_a_gapless_valid_chain() -> None:
    if connection.vendor == "sqlite":
        # The SQLite test database is in memory with a shared cache, whose table locks fail at
        # once instead of waiting; production SQLite (a WAL file, BEGIN IMMEDIATE) serialises
        # writers at BEGIN. The row lock that matters is PostgreSQL's SELECT … FOR UPDATE.
        pytest.skip("needs PostgreSQL (run with DATABASE_URL=postgres://…)")
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            barrier.wait(timeout=30)
            for i in range(EVENTS_EACH):
                audit_record(actor=None, action="test.parallel", changes={"thread": n, "i": i})
        except BaseException as error:  # reported to the main thread below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    close_old_connections()
    assert not errors, errors
    total = THREADS * EVENTS_EACH
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, total + 1))
    per_thread: dict[int, list[int]] = {}
    for changes in AuditEvent.objects.order_by("seq").values_list("changes", flat=True):
        per_thread.setdefault(changes["thread"], []).append(changes["i"])
    # Every event of every thread is there once, each thread's in its own order.
    assert per_thread == {n: list(range(EVENTS_EACH)) for n in range(THREADS)}
    result = audit_verify()
    assert result.ok and result.verified == total, result
