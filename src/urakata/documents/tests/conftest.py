"""Documents test fixtures: no cached search statistics leak from one test to the next."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from urakata.documents.index import stats_clear


@pytest.fixture(autouse=True)
def _fresh_search_stats() -> Iterator[None]:
    stats_clear()
    yield
    stats_clear()
