"""Periodic jobs (定期実行): cron expressions that enqueue background tasks.

`scheduler_tick(now=...)` runs inside every `urakata worker`. Due jobs are locked with
`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, so when several workers tick at once each due job
is enqueued exactly once; SQLite serialises writers (BEGIN IMMEDIATE), which gives the same result.
Enqueueing and advancing `next_run_at` happen in one transaction: both or neither.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from croniter import croniter
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks.base import Task

from urakata.core.audit import audit_record, diff
from urakata.core.domains import default_jobs
from urakata.core.errors import Conflict, ValidationFailed
from urakata.core.models import ScheduledJob

logger = logging.getLogger(__name__)


def cron_validate(cron: str) -> list[str]:
    """Problems with a five-field cron expression (minute hour day month weekday); [] if valid."""
    fields = cron.split()
    if len(fields) != 5:
        return [
            _(
                "cron 式は「分 時 日 月 曜日」の5項目で指定してください(例: 30 2 * * * は毎日2時30分)。"
                "指定された項目数: %(count)d"
            )
            % {"count": len(fields)}
        ]
    if not croniter.is_valid(" ".join(fields)):
        return [
            _(
                "cron 式「%(cron)s」を解釈できません。範囲外の値や誤った記号がないか確認してください。"
            )
            % {"cron": cron}
        ]
    return []


def cron_next(cron: str, *, after: datetime) -> datetime:
    """The first time strictly after `after` that matches `cron`, read in the local time zone."""
    local = timezone.localtime(after)
    result: datetime = croniter(cron, local).get_next(datetime)
    return result


def _task_problems(task_path: str) -> list[str]:
    try:
        target = import_string(task_path)
    except ImportError:
        return [_("タスク「%(path)s」を読み込めません。") % {"path": task_path}]
    if not isinstance(target, Task):
        return [_("「%(path)s」は @task で定義されたタスクではありません。") % {"path": task_path}]
    return []


def scheduled_job_save(
    *,
    actor: Any,
    name: str,
    task_path: str,
    cron: str,
    enabled: bool = True,
    now: datetime | None = None,
    only_create: bool = False,
) -> ScheduledJob:
    """Create or update a periodic job by name; validates cron and task, records an audit event.

    With `only_create`, an existing job of that name is left alone and Conflict is raised.
    """
    name, task_path, cron = name.strip(), task_path.strip(), " ".join(cron.split())
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("必須です。")]
    if problems := cron_validate(cron):
        errors["cron"] = problems
    if problems := _task_problems(task_path):
        errors["task_path"] = problems
    if errors:
        raise ValidationFailed(_("定期ジョブの設定に誤りがあります。"), errors=errors)
    now = now or timezone.now()
    with transaction.atomic():
        job = ScheduledJob.objects.select_for_update().filter(name=name).first()
        values = {"task_path": task_path, "cron": cron, "enabled": enabled}
        if job is None:
            job = ScheduledJob.objects.create(
                name=name, next_run_at=cron_next(cron, after=now), **values
            )
            changes: dict[str, Any] = {key: [None, value] for key, value in values.items()}
            action = "core.scheduled_job.create"
        elif only_create:
            raise Conflict(_("定期ジョブ「%(name)s」は既にあります。") % {"name": name})
        else:
            changes = diff(job, list(values), values)
            if not changes:
                return job
            for key, value in values.items():
                setattr(job, key, value)
            if "cron" in changes or ("enabled" in changes and enabled):
                job.next_run_at = cron_next(cron, after=now)
            job.save(update_fields=[*values, "next_run_at"])
            action = "core.scheduled_job.update"
        audit_record(actor=actor, action=action, target=job, changes=changes)
    return job


def _registered_names() -> set[str]:
    return set(ScheduledJob.objects.values_list("name", flat=True))


def scheduled_jobs_ensure_defaults(*, now: datetime | None = None) -> list[ScheduledJob]:
    """Create the manifests' default jobs that do not exist yet; an operator's changes stay."""
    existing = _registered_names()
    created = []
    for job in default_jobs():
        if job.name in existing:
            continue
        try:
            created.append(
                scheduled_job_save(
                    actor=None,
                    name=job.name,
                    task_path=job.task_path,
                    cron=job.cron,
                    now=now,
                    only_create=True,
                )
            )
        except (Conflict, IntegrityError):
            # Another worker starting at the same moment registered it first.
            logger.info("default job %s was registered by another worker", job.name)
    return created


@dataclass
class TickResult:
    """What one scheduler tick did: the jobs it enqueued, and when the next one is due."""

    enqueued: list[str]
    failed: list[str]
    next_due: datetime | None


def _advance(job: ScheduledJob, *, now: datetime) -> bool:
    """Enqueue one due job and move it to its next slot; False when it could not be enqueued."""
    if problems := cron_validate(job.cron):
        # Edited by hand into something invalid: park it until someone fixes the expression.
        logger.error("scheduled job %s has an invalid cron %r: %s", job.name, job.cron, problems)
        job.next_run_at = None
        job.save(update_fields=["next_run_at"])
        return False
    ok = True
    try:
        with transaction.atomic():
            import_string(job.task_path).enqueue()
        job.last_run_at = now
    except Exception:
        logger.exception("scheduled job %s could not be enqueued", job.name)
        ok = False
    job.next_run_at = cron_next(job.cron, after=now)
    job.save(update_fields=["last_run_at", "next_run_at"])
    return ok


def scheduler_tick(*, now: datetime) -> TickResult:
    """Enqueue every enabled job whose next_run_at has come, once, and move it to its next time.

    A run missed while no worker was up is enqueued once at the next tick (not once per missed
    slot). A job whose task cannot be enqueued is logged and moved to its next slot, so one broken
    job never blocks the others.
    """
    result = TickResult(enqueued=[], failed=[], next_due=None)
    with transaction.atomic():
        due = (
            ScheduledJob.objects.select_for_update(skip_locked=True)
            .filter(enabled=True, next_run_at__lte=now)
            .order_by("next_run_at", "pk")
        )
        for job in due:
            (result.enqueued if _advance(job, now=now) else result.failed).append(job.name)
        # A job created without next_run_at (by hand in the admin) gets one now.
        for job in ScheduledJob.objects.select_for_update(skip_locked=True).filter(
            enabled=True, next_run_at__isnull=True
        ):
            if not cron_validate(job.cron):
                job.next_run_at = cron_next(job.cron, after=now)
                job.save(update_fields=["next_run_at"])
    result.next_due = (
        ScheduledJob.objects.filter(enabled=True, next_run_at__isnull=False)
        .order_by("next_run_at")
        .values_list("next_run_at", flat=True)
        .first()
    )
    return result
