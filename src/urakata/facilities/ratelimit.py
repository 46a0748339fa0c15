"""A fixed-window rate limit kept in the database, so every worker process counts the same hits.

core has only the per-username login lock-out (`LoginThrottle`); the public visitor pages need
counts per IP address and per link, so this small counter lives here.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from urakata.core.errors import DomainError
from urakata.facilities.models import RateWindow


class TooManyRequests(DomainError):
    """Too many attempts from one address or on one link: try again later (HTTP 429)."""

    code = "too_many_requests"
    status = 429


def rate_limit_hit(*, key: str, limit: int, seconds: int, now: dt.datetime | None = None) -> bool:
    """Count one hit of `key` in the current window; False once the window holds over `limit`."""
    now = now or timezone.now()
    epoch = int(now.timestamp()) // seconds * seconds
    start = dt.datetime.fromtimestamp(epoch, tz=dt.UTC)
    with transaction.atomic():
        row, created = RateWindow.objects.get_or_create(key=key[:150], window_start=start)
        RateWindow.objects.filter(pk=row.pk).update(hits=F("hits") + 1)
        hits = RateWindow.objects.values_list("hits", flat=True).get(pk=row.pk)
        if created:  # old windows go when a new one opens (no separate clean-up job needed)
            RateWindow.objects.filter(window_start__lt=now - dt.timedelta(days=1)).delete()
    return hits <= limit
