"""Periodic jobs: cron validation, one enqueue per due slot, next run computed in local time."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation
from django_tasks_db.models import DBTaskResult

from urakata.core.audit import audit_verify
from urakata.core.domains import default_jobs
from urakata.core.errors import ValidationFailed
from urakata.core.models import AuditEvent, ScheduledJob
from urakata.core.scheduler import (
    cron_validate,
    scheduled_job_save,
    scheduled_jobs_ensure_defaults,
    scheduler_tick,
)

pytestmark = pytest.mark.django_db

JST = ZoneInfo("Asia/Tokyo")
VERIFY = "urakata.core.tasks.audit_verify_task"


def _at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=JST)


def test_save_creates_job_with_next_run_in_local_time_and_audits() -> None:
    job = scheduled_job_save(
        actor=None, name="verify", task_path=VERIFY, cron="30 2 * * *", now=_at(24, 1)
    )
    assert job.next_run_at == _at(24, 2, 30)
    event = AuditEvent.objects.get(action="core.scheduled_job.create")
    assert event.changes["cron"] == [None, "30 2 * * *"]
    # After 02:30 today the next run is tomorrow.
    job = scheduled_job_save(
        actor=None, name="late", task_path=VERIFY, cron="30 2 * * *", now=_at(24, 3)
    )
    assert job.next_run_at == _at(25, 2, 30)


def test_update_records_old_and_new_and_recomputes_next_run() -> None:
    scheduled_job_save(
        actor=None, name="verify", task_path=VERIFY, cron="30 2 * * *", now=_at(24, 1)
    )
    job = scheduled_job_save(
        actor=None, name="verify", task_path=VERIFY, cron="0 */6 * * *", now=_at(24, 1)
    )
    assert job.next_run_at == _at(24, 6)
    event = AuditEvent.objects.get(action="core.scheduled_job.update")
    assert event.changes == {"cron": ["30 2 * * *", "0 */6 * * *"]}
    # Saving the same values again changes nothing and records nothing.
    scheduled_job_save(actor=None, name="verify", task_path=VERIFY, cron="0 */6 * * *")
    assert AuditEvent.objects.filter(action="core.scheduled_job.update").count() == 1
    assert audit_verify().ok


@pytest.mark.parametrize(
    ("cron", "expected"),
    [
        ("* * * *", "5項目"),
        ("0 0 * * * *", "5項目"),
        ("61 * * * *", "解釈できません"),
        ("0 25 * * *", "解釈できません"),
        ("every day", "5項目"),
        ("a b c d e", "解釈できません"),
    ],
)
def test_bad_cron_gives_a_clear_error(cron: str, expected: str) -> None:
    with translation.override("ja"):
        assert expected in cron_validate(cron)[0]
        with pytest.raises(ValidationFailed) as caught:
            scheduled_job_save(actor=None, name="bad", task_path=VERIFY, cron=cron)
    assert expected in caught.value.errors["cron"][0]
    assert not ScheduledJob.objects.exists()
    assert not AuditEvent.objects.exists()


def test_all_problems_are_reported_together() -> None:
    with pytest.raises(ValidationFailed) as caught:
        scheduled_job_save(actor=None, name=" ", task_path="urakata.core.nope", cron="x")
    assert set(caught.value.errors) == {"name", "cron", "task_path"}


def test_task_path_must_be_a_task() -> None:
    with pytest.raises(ValidationFailed) as caught:
        scheduled_job_save(
            actor=None, name="x", task_path="urakata.core.audit.audit_verify", cron="0 0 * * *"
        )
    assert "@task" in caught.value.errors["task_path"][0]


def test_tick_enqueues_due_jobs_once_and_moves_them_on() -> None:
    scheduled_job_save(
        actor=None, name="verify", task_path=VERIFY, cron="30 2 * * *", now=_at(24, 1)
    )
    scheduled_job_save(
        actor=None, name="weekly", task_path=VERIFY, cron="0 3 * * 0", now=_at(24, 1)
    )
    assert scheduler_tick(now=_at(24, 2, 29)).enqueued == []
    assert DBTaskResult.objects.count() == 0

    result = scheduler_tick(now=_at(24, 2, 30))
    assert result.enqueued == ["verify"]
    assert result.next_due == _at(25, 2, 30)  # the weekly job is on Sunday the 29th
    queued = DBTaskResult.objects.get()
    assert queued.task_path == VERIFY and queued.status == "READY"
    job = ScheduledJob.objects.get(name="verify")
    assert job.last_run_at == _at(24, 2, 30)
    assert job.next_run_at == _at(25, 2, 30)

    # A second worker ticking a moment later finds nothing due: no duplicate.
    assert scheduler_tick(now=_at(24, 2, 31)).enqueued == []
    assert DBTaskResult.objects.count() == 1


def test_missed_slots_are_enqueued_once() -> None:
    scheduled_job_save(
        actor=None, name="hourly", task_path=VERIFY, cron="0 * * * *", now=_at(24, 0, 30)
    )
    # The workers were down for five hours.
    assert scheduler_tick(now=_at(24, 6, 10)).enqueued == ["hourly"]
    assert DBTaskResult.objects.count() == 1
    assert ScheduledJob.objects.get().next_run_at == _at(24, 7)


def test_disabled_job_is_not_enqueued() -> None:
    scheduled_job_save(
        actor=None, name="off", task_path=VERIFY, cron="0 * * * *", enabled=False, now=_at(24, 0)
    )
    assert scheduler_tick(now=_at(24, 5)).enqueued == []
    assert DBTaskResult.objects.count() == 0


def test_broken_job_does_not_block_the_others() -> None:
    scheduled_job_save(actor=None, name="good", task_path=VERIFY, cron="0 * * * *", now=_at(24, 0))
    ScheduledJob.objects.create(
        name="gone",
        task_path="urakata.core.tasks.removed_task",
        cron="0 * * * *",
        next_run_at=_at(24, 0, 30),
    )
    ScheduledJob.objects.create(
        name="bad-cron", task_path=VERIFY, cron="0 99 * * *", next_run_at=_at(24, 0, 30)
    )
    result = scheduler_tick(now=_at(24, 1))
    assert result.enqueued == ["good"]
    assert sorted(result.failed) == ["bad-cron", "gone"]
    assert ScheduledJob.objects.get(name="gone").next_run_at == _at(24, 2)
    assert ScheduledJob.objects.get(name="bad-cron").next_run_at is None
    assert DBTaskResult.objects.count() == 1


def test_defaults_are_registered_once_and_operator_changes_survive() -> None:
    created = scheduled_jobs_ensure_defaults(now=_at(24, 1))
    assert {job.name for job in created} == {job.name for job in default_jobs()}
    verify = ScheduledJob.objects.get(name="core.audit_verify")
    assert verify.task_path == VERIFY and verify.next_run_at == _at(24, 2, 30)
    scheduled_job_save(actor=None, name="core.audit_verify", task_path=VERIFY, cron="0 4 * * *")
    assert scheduled_jobs_ensure_defaults(now=_at(24, 1)) == []
    assert ScheduledJob.objects.get(name="core.audit_verify").cron == "0 4 * * *"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_job_locked_by_another_worker_is_skipped_not_waited_for() -> None:
    import threading

    from django.db import connection, connections, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SKIP LOCKED needs PostgreSQL; SQLite serialises writers instead")
    scheduled_job_save(
        actor=None, name="verify", task_path=VERIFY, cron="30 2 * * *", now=_at(24, 1)
    )
    locked, release = threading.Event(), threading.Event()

    def other_worker() -> None:
        # Another worker is in the middle of its tick: it holds the job's row lock.
        try:
            with transaction.atomic():
                ScheduledJob.objects.select_for_update().get(name="verify")
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(10)
        assert scheduler_tick(now=_at(24, 2, 30)).enqueued == []  # skipped, no blocking
    finally:
        release.set()
        thread.join()
    assert DBTaskResult.objects.count() == 0
    assert scheduler_tick(now=_at(24, 2, 30)).enqueued == ["verify"]


def test_two_workers_registering_defaults_at_once_do_not_fail(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    scheduled_jobs_ensure_defaults(now=_at(24, 1))
    # The second worker read the job names before the first one committed its inserts.
    monkeypatch.setattr("urakata.core.scheduler._registered_names", set)
    assert scheduled_jobs_ensure_defaults(now=_at(24, 1)) == []
    assert ScheduledJob.objects.count() == len(default_jobs())
