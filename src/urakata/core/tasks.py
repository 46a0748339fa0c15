"""Background tasks of the shared kernel, run by `urakata worker` (django-tasks database queue)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django_tasks import TaskContext, task
from django_tasks_db.models import DBTaskResult

from urakata.core.audit import audit_record, audit_verify
from urakata.core.task_recovery import task_effect_once

logger = logging.getLogger(__name__)


@task(takes_context=True)
def audit_verify_task(context: TaskContext) -> dict[str, Any]:
    """Walk the audit chain and append the outcome to it, so auditors see every nightly check.

    Re-run after a crash, it records its outcome once (the effect key is the task's id).
    """
    result = audit_verify().as_dict()
    if result["ok"]:
        logger.info("audit chain verified: %s events", result["verified"])
    else:
        logger.error("audit chain BROKEN at seq %s: %s", result["broken_seq"], result["reason"])
    with transaction.atomic():
        if task_effect_once(f"{context.task_result.id}:core.audit.verify"):
            audit_record(
                actor=None, actor_label="scheduler", action="core.audit.verify", changes=result
            )
    return result


@task()
def task_results_prune_task(*, min_age_days: int = 30) -> int:
    """Delete finished task results older than `min_age_days` (the queue table stays small)."""
    cutoff = timezone.now() - timedelta(days=min_age_days)
    deleted, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    logger.info("pruned %s finished task results older than %s days", deleted, min_age_days)
    return deleted
