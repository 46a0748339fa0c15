"""Scheduled jobs of the facilities domain."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any

from django.utils import timezone
from django_tasks import task

from urakata.core.errors import DomainError
from urakata.core.permissions import SYSTEM
from urakata.facilities.visitors import visitors_erase_expired

log = logging.getLogger(__name__)


@task()
def visitor_retention_task() -> dict[str, Any]:
    """Erase visitors' personal fields older than URAKATA_VISITOR_RETENTION_DAYS (daily)."""
    return {"erased": visitors_erase_expired(actor=SYSTEM)}


def depreciation_month_post(today: dt.date | None = None) -> dict[str, Any]:
    """Book last month's depreciation (the job runs early each month). Idempotent: assets already
    booked for the month are skipped, so a re-run or a manual posting first books nothing twice.
    A closed month is reported, not raised (accounting books it by hand or reopens the month)."""
    from urakata.facilities.assets import depreciation_post

    first = (today or timezone.localdate()).replace(day=1)
    last_month = first - dt.timedelta(days=1)
    try:
        run = depreciation_post(actor=SYSTEM, year=last_month.year, month=last_month.month)
    except DomainError as error:
        log.warning("monthly depreciation %s not posted: %s", f"{last_month:%Y-%m}", error)
        return {"period": f"{last_month:%Y-%m}", "error": error.message}
    return {
        "period": f"{last_month:%Y-%m}",
        "entry": run.entry_id,
        "total": run.total,
        "assets": run.assets,
    }


@task()
def depreciation_monthly_task() -> dict[str, Any]:
    """The month's depreciation journal (月次償却), on the 1st for the month before."""
    return depreciation_month_post()
