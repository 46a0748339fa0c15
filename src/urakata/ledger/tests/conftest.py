"""Ledger test fixtures: a fresh chart cache per test (ids may be reused after rollbacks)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from urakata.ledger.cache import chart_cache_clear
from urakata.ledger.chart import chart_ensure_seeded


@pytest.fixture(autouse=True)
def _fresh_chart_cache(request: pytest.FixtureRequest) -> Iterator[None]:
    chart_cache_clear()
    if request.node.get_closest_marker("django_db") is not None:
        # A transactional test elsewhere flushes the tables the data migration seeded.
        request.getfixturevalue("_django_db_helper")
        chart_ensure_seeded()
    yield
    chart_cache_clear()


@pytest.fixture
def accountant(make_user: Any) -> Any:
    from urakata.core.roles import Role

    return make_user(Role.ACCOUNTING)
