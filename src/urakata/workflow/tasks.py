"""Background tasks (django-tasks): the periodic reminder/escalation run."""

from __future__ import annotations

from django_tasks import task

from urakata.workflow.reminders import workflow_remind


@task()
def workflow_remind_task() -> dict[str, int]:
    """Send 督促 and escalate overdue approvals; enqueue hourly (ScheduledJob `workflow.remind`)."""
    return workflow_remind()
