"""Background tasks (django-tasks): the daily 36協定 alert run."""

from __future__ import annotations

from django_tasks import task

from urakata.attendance.agreement import alerts_notify
from urakata.attendance.leave import obligation_remind
from urakata.attendance.selectors import local_today
from urakata.core.permissions import SYSTEM


@task()
def alerts_task() -> dict[str, int]:
    """Send the new 36協定 alerts of the current month and the monthly reminders of the 5-day
    leave obligation (ScheduledJob `attendance.alerts`)."""
    today = local_today()
    sent = alerts_notify(actor=SYSTEM, year=today.year, month=today.month)
    reminded = obligation_remind(actor=SYSTEM, on=today)
    return {"sent": len(sent), "reminded": len(reminded)}
