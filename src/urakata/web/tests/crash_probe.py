"""A task for the crash tests: commits one effect, then waits while a hold file exists."""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.db import transaction
from django_tasks import TaskContext, task

from urakata.core.audit import audit_record
from urakata.core.models import AuditEvent
from urakata.core.task_recovery import task_effect_once


@task(takes_context=True)
def crash_probe_task(context: TaskContext, *, hold_file: str) -> int:
    """Record `test.crash_probe` once per task, note each run's pid, then hold."""
    with transaction.atomic():
        if task_effect_once(f"{context.task_result.id}:test.crash_probe"):
            audit_record(actor=None, action="test.crash_probe", changes={"pid": os.getpid()})
    with Path(f"{hold_file}.runs").open("a") as runs:
        runs.write(f"{os.getpid()}\n")
    deadline = time.monotonic() + 120
    while Path(hold_file).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    return AuditEvent.objects.filter(action="test.crash_probe").count()
