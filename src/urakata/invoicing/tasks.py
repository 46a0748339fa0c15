"""Background tasks (django-tasks): recurring invoices and dunning reminders."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from urakata.core.permissions import SYSTEM


@task()
def recurring_task() -> int:
    """Issue the recurring invoices that are due (ScheduledJob `invoicing.recurring`)."""
    from urakata.invoicing.recurring import recurring_run

    return len(recurring_run(actor=SYSTEM, today=timezone.localdate()))


@task()
def dunning_task() -> int:
    """Remind customers of overdue invoices (ScheduledJob `invoicing.dunning`)."""
    from urakata.invoicing.recurring import dunning_send

    return len(dunning_send(actor=SYSTEM, today=timezone.localdate()))
