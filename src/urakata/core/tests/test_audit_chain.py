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
        "head_hash": AuditEvent.objects.get(seq=2).hash,
    }
    AuditEvent.objects.filter(seq=1).update(action="tampered")
    with pytest.raises(SystemExit) as exit_info:
        call_command("audit", "verify", "--json", stdout=StringIO())
    assert exit_info.value.code == 1


def test_row_inserted_by_hand_with_made_up_hash_is_caught() -> None:
    _append(3)
    last = AuditEvent.objects.get(seq=3)
    AuditEvent.objects.create(  # what someone with database access might slip in
        seq=4,
        at=last.at,
        actor_label="system",
        action="ledger.journal_entry.post",
        target_type="ledger.journalentry",
        target_id="42",
        changes={"amount": 1_000_000},
        prev_hash=last.hash,
        hash="f" * 64,
    )
    result = audit_verify()
    assert not result.ok and result.broken_seq == 4 and result.verified == 3
    assert result.reason == "content does not match its hash"


def test_row_inserted_in_the_middle_is_caught() -> None:
    """Renumbering to make room and inserting a forged row breaks the link after it."""
    _append(3)
    AuditEvent.objects.filter(seq=3).update(seq=4)
    second = AuditEvent.objects.get(seq=2)
    forged_hash = "e" * 64
    AuditEvent.objects.create(
        seq=3,
        at=second.at,
        actor_label="system",
        action="test.forged",
        prev_hash=second.hash,
        hash=forged_hash,
    )
    result = audit_verify()
    assert not result.ok and result.broken_seq == 3


def test_forged_row_with_a_correct_hash_is_caught_by_the_head() -> None:
    """Even a row whose hash was computed correctly is found: the chain head counts events."""
    from urakata.core.audit import event_hash

    _append(2)
    last = AuditEvent.objects.get(seq=2)
    fields = {
        "seq": 3,
        "at": last.at,
        "actor_id": None,
        "action": "test.forged",
        "target_type": "",
        "target_id": "",
        "changes": {},
        "prev_hash": last.hash,
    }
    digest = event_hash(**fields, actor_label="system")
    AuditEvent.objects.create(**fields, actor_label="system", hash=digest)
    result = audit_verify()
    assert not result.ok and result.broken_seq == 3
    assert "chain head says 2 events" in result.reason


@pytest.mark.parametrize(
    ("column", "value"),
    [("actor_label", "someone-else"), ("target_repr", "別の対象"), ("ip_address", "198.51.100.1")],
)
def test_every_displayed_column_is_covered_by_the_hash(column: str, value: str) -> None:
    _append(2)
    AuditEvent.objects.filter(seq=1).update(**{column: value})
    assert audit_verify().broken_seq == 1


def test_command_names_the_broken_seq() -> None:
    from django.core.management.base import CommandError

    _append(3)
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "3 events verified" in out.getvalue()
    AuditEvent.objects.filter(seq=2).update(target_repr="tampered")
    with pytest.raises(CommandError) as error:
        call_command("audit", "verify", stdout=StringIO())
    assert error.value.returncode == 1
    assert "seq 2" in str(error.value) and "1 verified" in str(error.value)
