"""Background tasks on the database queue: committed with their data, never for rolled-back data."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from urakata.core.audit import audit_record
from urakata.core.models import AuditEvent, ScheduledJob
from urakata.core.tasks import audit_verify_task, task_results_prune_task


def _run_worker() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_task_enqueued_in_a_rolled_back_transaction_never_runs() -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_verify_task.enqueue()
        raise RuntimeError("the business write failed")
    assert DBTaskResult.objects.count() == 0
    _run_worker()
    assert not AuditEvent.objects.filter(action="core.audit.verify").exists()

    with transaction.atomic():
        audit_record(actor=None, action="test.event")
        result = audit_verify_task.enqueue()
    _run_worker()
    event = AuditEvent.objects.get(action="core.audit.verify")
    assert {k: event.changes[k] for k in ("ok", "verified", "broken_seq", "reason")} == {
        "ok": True,
        "verified": 1,
        "broken_seq": None,
        "reason": "",
    }
    assert len(event.changes["head_hash"]) == 64
    assert DBTaskResult.objects.get(pk=result.id).status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_audit_verify_task_records_a_broken_chain() -> None:
    for i in range(3):
        audit_record(actor=None, action="test.event", changes={"i": i})
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'tampered' WHERE seq = 2")
    audit_verify_task.enqueue()
    _run_worker()
    event = AuditEvent.objects.get(action="core.audit.verify")
    assert event.changes["ok"] is False and event.changes["broken_seq"] == 2


@pytest.mark.django_db(transaction=True)
def test_worker_batch_registers_defaults_ticks_and_runs() -> None:
    ScheduledJob.objects.all().delete()
    out = StringIO()
    call_command("worker", "--batch", stdout=out)
    assert "registered periodic job core.audit_verify" in out.getvalue()
    assert ScheduledJob.objects.filter(name="core.audit_verify", enabled=True).exists()
    # Make the nightly job due now; the next batch run enqueues and runs it.
    ScheduledJob.objects.filter(name="core.audit_verify").update(next_run_at="2000-01-01T00:00Z")
    out = StringIO()
    call_command("worker", "--batch", stdout=out)
    assert "scheduled job core.audit_verify enqueued" in out.getvalue()
    assert AuditEvent.objects.filter(action="core.audit.verify").count() == 1
    assert DBTaskResult.objects.successful().count() == 1
    assert ScheduledJob.objects.get(name="core.audit_verify").last_run_at is not None


@pytest.mark.django_db
def test_prune_deletes_only_old_finished_results() -> None:
    old = audit_verify_task.enqueue()
    fresh = audit_verify_task.enqueue()
    waiting = audit_verify_task.enqueue()
    long_ago = timezone.now() - dt.timedelta(days=40)
    DBTaskResult.objects.filter(pk=old.id).update(status="SUCCESSFUL", finished_at=long_ago)
    DBTaskResult.objects.filter(pk=fresh.id).update(status="FAILED", finished_at=timezone.now())
    assert task_results_prune_task.call(min_age_days=30) == 1
    remaining = {str(pk) for pk in DBTaskResult.objects.values_list("pk", flat=True)}
    assert remaining == {str(fresh.id), str(waiting.id)}
