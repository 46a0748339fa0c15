"""Tasks survive a crash: orphaned tasks are taken over after the lease; effects happen once."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from urakata.core import health
from urakata.core.models import AuditEvent, TaskEffect, WorkerHeartbeat
from urakata.core.task_recovery import (
    WORKER_LOST,
    orphaned_tasks,
    task_effect_once,
    task_health,
    tasks_recover,
    worker_heartbeat,
)
from urakata.core.tasks import audit_verify_task

pytestmark = pytest.mark.django_db(transaction=True)


def _claimed(worker_id: str, *, started_ago: float = 120) -> DBTaskResult:
    """A task claimed by `worker_id` some seconds ago (what db_worker leaves behind)."""
    result = audit_verify_task.enqueue()
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim(worker_id)
    row.started_at = timezone.now() - dt.timedelta(seconds=started_ago)
    row.save(update_fields=["started_at"])
    return row


@override_settings(URAKATA_TASK_LEASE_SECONDS=30)
def test_task_of_a_live_worker_is_left_alone() -> None:
    worker_heartbeat(worker_id="alive")
    row = _claimed("alive")
    assert orphaned_tasks() == []
    assert tasks_recover().requeued == []
    row.refresh_from_db()
    assert row.status == "RUNNING"


@override_settings(URAKATA_TASK_LEASE_SECONDS=30)
def test_task_of_a_dead_worker_is_requeued_and_audited() -> None:
    worker_heartbeat(worker_id="dead", now=timezone.now() - dt.timedelta(seconds=31))
    row = _claimed("dead")
    fresh = _claimed("no-heartbeat-yet", started_ago=1)  # just claimed: within the lease
    result = tasks_recover()
    assert result.requeued == [str(row.pk)] and result.failed == []
    row.refresh_from_db()
    fresh.refresh_from_db()
    assert row.status == "READY" and row.started_at is None and row.worker_ids == ["dead"]
    assert fresh.status == "RUNNING"
    event = AuditEvent.objects.get(action="core.task.requeue")
    assert event.changes["task"] == str(row.pk) and event.changes["worker"] == "dead"
    # a second sweep finds nothing more to do
    assert tasks_recover().requeued == []


@override_settings(URAKATA_TASK_LEASE_SECONDS=30, URAKATA_TASK_MAX_ATTEMPTS=2)
def test_task_whose_workers_keep_dying_fails_after_max_attempts() -> None:
    row = _claimed("w1")
    row.claim("w2")  # second attempt, also died
    DBTaskResult.objects.filter(pk=row.pk).update(
        started_at=timezone.now() - dt.timedelta(minutes=5)
    )
    result = tasks_recover()
    assert result.failed == [str(row.pk)]
    row.refresh_from_db()
    assert row.status == "FAILED" and row.exception_class_path == WORKER_LOST
    assert "2 attempts" in row.traceback
    assert AuditEvent.objects.filter(action="core.task.fail").count() == 1


def test_task_effect_once_needs_a_transaction_and_claims_once() -> None:
    with pytest.raises(RuntimeError):
        task_effect_once("k")
    with transaction.atomic():
        assert task_effect_once("k") is True
    with transaction.atomic():
        assert task_effect_once("k") is False
    # a rolled-back effect leaves the key free
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        assert task_effect_once("rolled-back") is True
        1 / 0  # noqa: B018
    assert not TaskEffect.objects.filter(key="rolled-back").exists()


def test_audit_verify_task_rerun_records_once() -> None:
    result = audit_verify_task.enqueue()
    row = DBTaskResult.objects.get(pk=result.id)
    for _attempt in range(2):  # the same task run twice (a re-run after a crash)
        DBTaskResult.objects.filter(pk=row.pk).update(status="READY")
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    assert AuditEvent.objects.filter(action="core.audit.verify").count() == 1


@override_settings(URAKATA_TASK_LEASE_SECONDS=30, URAKATA_TASK_STUCK_MINUTES=10)
def test_check_and_healthz_report_orphaned_stuck_and_failed() -> None:
    worker_heartbeat(worker_id="alive")
    _claimed("alive", started_ago=11 * 60)  # stuck: running 11 minutes on a live worker
    _claimed("gone")  # orphaned
    failed = _claimed("alive2", started_ago=1)
    failed.set_failed(ValueError("boom"))
    health_now = task_health()
    assert (health_now.orphaned, health_now.stuck, health_now.failed_recently) == (1, 1, 1)
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("urakata_check", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "1 orphaned" in text and "1 running longer than 10 minutes" in text
    assert "1 failed in the last 24 hours" in text
    health.reset_cache()
    body = Client().get("/healthz").json()
    assert body["tasks"] == {"orphaned": 1, "stuck": 1, "failed_24h": 1, "workers": 1}
    assert WorkerHeartbeat.objects.count() == 1
