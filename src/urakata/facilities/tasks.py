"""Scheduled jobs of the facilities domain."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from urakata.core.permissions import SYSTEM
from urakata.facilities.visitors import visitors_erase_expired


@task()
def visitor_retention_task() -> dict[str, Any]:
    """Erase visitors' personal fields older than URAKATA_VISITOR_RETENTION_DAYS (daily)."""
    return {"erased": visitors_erase_expired(actor=SYSTEM)}
