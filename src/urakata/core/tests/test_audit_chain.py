"""The audit chain: appended in the writer's transaction, verified link by link."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection, transaction

from urakata.core.audit import GENESIS_HASH, audit_record, audit_verify
from urakata.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _append(n: int) -> None:
    target = User.objects.create(username=f"target{User.objects.count()}")
    for i in range(n):
        audit_record(actor=None, action="test.event", target=target, changes={"i": [i, i + 1]})


def test_events_form_a_chain() -> None:
    _append(3)
    events = list(AuditEvent.objects.order_by("seq"))
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[0].prev_hash == GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    result = audit_verify()
    assert result.ok and result.verified == 3


def test_rolled_back_write_leaves_no_event() -> None:
    _append(1)
    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(actor=None, action="test.rolled_back")
        raise RuntimeError
    assert AuditEvent.objects.count() == 1
    assert audit_verify().ok


def test_altered_event_is_named() -> None:
    _append(4)
    with connection.cursor() as cursor:  # a hand edit behind the application's back
        cursor.execute(
            "UPDATE core_auditevent SET changes = %s WHERE seq = 3", [json.dumps({"i": [0, 99]})]
        )
    result = audit_verify()
    assert not result.ok and result.broken_seq == 3 and result.verified == 2


def test_deleted_event_is_named() -> None:
    _append(4)
    AuditEvent.objects.filter(seq=2).delete()
    result = audit_verify()
    assert not result.ok and result.broken_seq == 2


def test_deleted_last_event_is_caught_by_the_head() -> None:
    _append(3)
    AuditEvent.objects.filter(seq=3).delete()
    result = audit_verify()
    assert not result.ok and result.broken_seq == 3


def test_reordered_events_are_caught() -> None:
    _append(3)
    first, second = AuditEvent.objects.filter(seq__in=[1, 2]).order_by("seq")
    AuditEvent.objects.filter(pk=first.pk).update(seq=100)
    AuditEvent.objects.filter(pk=second.pk).update(seq=1)
    AuditEvent.objects.filter(pk=first.pk).update(seq=2)
    assert audit_verify().broken_seq == 1


def test_command_exit_status_and_json() -> None:
    _append(2)
    out = StringIO()
    call_command("audit", "verify", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "ok": True,
        "verified": 2,
        "broken_seq": None,
        "reason": "",
    }
    AuditEvent.objects.filter(seq=1).update(action="tampered")
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify", "--json", stdout=StringIO())
    assert exit_info.value.code == 1
