"""A fixed-window rate limit kept in the database, so every worker process counts the same hits.

`rate_limit_hit` counts one hit of a key (e.g. `visit-invite-ip:203.0.113.5`) and says whether
the window is still within its limit; the caller raises `core.errors.TooManyRequests`, which the
API and the pages answer with HTTP 429 (and `Retry-After` when given). The per-username login
lock-out is separate (`LoginThrottle`).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from urakata.core.errors import TooManyRequests
from urakata.core.models import RateWindow

__all__ = ["TooManyRequests", "rate_limit_hit", "window_seconds_left"]


def _window_start(now: dt.datetime, seconds: int) -> dt.datetime:
    epoch = int(now.timestamp()) // seconds * seconds
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC)


def rate_limit_hit(*, key: str, limit: int, seconds: int, now: dt.datetime | None = None) -> bool:
    """Count one hit of `key` in the current window; False once the window holds over `limit`."""
    now = now or timezone.now()
    start = _window_start(now, seconds)
    with transaction.atomic():
        row, created = RateWindow.objects.get_or_create(key=key[:150], window_start=start)
        RateWindow.objects.filter(pk=row.pk).update(hits=F("hits") + 1)
        hits = RateWindow.objects.values_list("hits", flat=True).get(pk=row.pk)
        if created:  # old windows go when a new one opens (no separate clean-up job needed)
            RateWindow.objects.filter(window_start__lt=now - dt.timedelta(days=1)).delete()
    return hits <= limit


def window_seconds_left(seconds: int, now: dt.datetime | None = None) -> int:
    """Seconds until the current window of `seconds` ends (for `Retry-After`)."""
    now = now or timezone.now()
    end = _window_start(now, seconds) + dt.timedelta(seconds=seconds)
    return max(1, int((end - now).total_seconds()))
