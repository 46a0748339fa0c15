"""Rows shared by the tests of one module, rolled back after them (Django's setUpTestData for pytest).

Seeding the demo company takes seconds; a module whose tests only read it seeds it once:

    @pytest.fixture(scope="module")
    def demo_company(django_db_setup, django_db_blocker):
        yield from data_for_module(django_db_blocker, lambda: seed_demo(...))

Each test still runs in its own savepoint (pytest-django's `db`), so what one test writes is gone
before the next. Not for `transaction=True` tests (they flush the database).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from django.db import transaction

T = TypeVar("T")


def data_for_module(django_db_blocker: Any, seed: Callable[[], T]) -> Iterator[T]:
    """Run `seed` in a transaction kept open for the module; yield its result; roll it back."""
    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
        try:
            result = seed()
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            raise
    try:
        yield result
    finally:
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
