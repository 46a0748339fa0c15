"""Background tasks (django-tasks): the daily 36協定 alert run."""

from __future__ import annotations

from django_tasks import task

from urakata.attendance.agreement import alerts_notify
from urakata.attendance.selectors import local_today
from urakata.core.permissions import SYSTEM


@task()
def alerts_task() -> dict[str, int]:
    """Send the new 36協定 alerts of the current month (ScheduledJob `attendance.alerts`)."""
    today = local_today()
    sent = alerts_notify(actor=SYSTEM, year=today.year, month=today.month)
    return {"sent": len(sent)}
