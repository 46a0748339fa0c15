"""core.ratelimit: a fixed window counted in the database (shared by every worker)."""

from __future__ import annotations

import datetime as dt

import pytest

from urakata.core.models import RateWindow
from urakata.core.ratelimit import rate_limit_hit, window_seconds_left

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 12, 4, 10, 0, 0, tzinfo=dt.UTC)


def test_limit_per_key_and_window() -> None:
    hits = [rate_limit_hit(key="ip:1", limit=3, seconds=60, now=T0) for _ in range(4)]
    assert hits == [True, True, True, False]
    assert rate_limit_hit(key="ip:2", limit=3, seconds=60, now=T0)  # another key
    later = T0 + dt.timedelta(seconds=60)  # the next window starts afresh
    assert rate_limit_hit(key="ip:1", limit=3, seconds=60, now=later)
    assert RateWindow.objects.get(key="ip:1", window_start=T0).hits == 4


def test_old_windows_are_removed_when_a_new_one_opens() -> None:
    rate_limit_hit(key="ip:1", limit=3, seconds=60, now=T0)
    rate_limit_hit(key="ip:1", limit=3, seconds=60, now=T0 + dt.timedelta(days=2))
    assert RateWindow.objects.count() == 1


def test_seconds_left_in_the_window() -> None:
    assert window_seconds_left(60, now=T0 + dt.timedelta(seconds=15)) == 45
    assert window_seconds_left(60, now=T0) == 60
