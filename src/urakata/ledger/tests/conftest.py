"""Ledger test fixtures: a fresh chart cache per test (ids may be reused after rollbacks)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from urakata.ledger.cache import chart_cache_clear


@pytest.fixture(autouse=True)
def _fresh_chart_cache() -> Iterator[None]:
    chart_cache_clear()
    yield
    chart_cache_clear()


@pytest.fixture
def accountant(make_user: Any) -> Any:
    from urakata.core.roles import Role

    return make_user(Role.ACCOUNTING)
