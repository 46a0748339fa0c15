"""audit_record_many: a batch of events joins the same verifiable chain as single events."""

from __future__ import annotations

from typing import Any

import pytest

from urakata.core.audit import audit_record, audit_record_many, audit_verify
from urakata.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_batch_events_continue_the_chain(make_user: Any) -> None:
    actor = make_user()
    audit_record(actor=actor, action="test.single", changes={"n": 0})
    targets = [make_user(employee=False) for _ in range(5)]
    count = audit_record_many(
        actor=actor,
        entries=[("test.batch", t, {"n": i}) for i, t in enumerate(targets, start=1)],
        batch_size=2,
    )
    audit_record(actor=actor, action="test.single", changes={"n": 6})
    assert count == 5
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events][-7:] == list(range(events[-1].seq - 6, events[-1].seq + 1))
    batch = [e for e in events if e.action == "test.batch"]
    assert [e.target_id for e in batch] == [str(t.pk) for t in targets]
    assert all(e.actor_label == actor.get_username() for e in batch)
    assert audit_verify().ok
    assert audit_record_many(actor=actor, entries=[]) == 0
    assert audit_verify().ok


def test_tampering_with_a_batch_event_is_detected(make_user: Any) -> None:
    actor = make_user()
    audit_record_many(
        actor=actor, entries=[("test.batch", make_user(employee=False), {"n": i}) for i in range(3)]
    )
    victim = AuditEvent.objects.filter(action="test.batch").order_by("seq")[1]
    AuditEvent.objects.filter(pk=victim.pk).update(changes={"n": 99})
    result = audit_verify()
    assert not result.ok and result.broken_seq == victim.seq
