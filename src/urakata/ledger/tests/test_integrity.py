"""Tamper evidence: a JournalLine edited in the database is caught by `urakata audit verify`."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from urakata.ledger.integrity import ledger_verify
from urakata.ledger.models import JournalEntry, JournalLine
from urakata.ledger.tests.factories import post_simple

pytestmark = pytest.mark.django_db


def test_untouched_journal_verifies() -> None:
    post_simple()
    post_simple(amount=300)
    assert ledger_verify() == []
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    assert "OK" in out.getvalue()


def test_hand_edited_line_is_caught_by_audit_verify() -> None:
    post_simple()
    entry = post_simple(amount=300)
    line = entry.lines.get(debit=300)
    JournalLine.objects.filter(pk=line.pk).update(debit=30000)  # bypasses the service
    JournalLine.objects.filter(entry=entry, credit=300).update(credit=30000)
    problems = ledger_verify()
    assert problems == [f"entry {entry.pk} does not match its audit event seq 2"]
    with pytest.raises(CommandError) as info:
        call_command("audit", "verify", stdout=StringIO())
    assert f"entry {entry.pk}" in str(info.value)
    with pytest.raises(SystemExit):
        call_command("audit", "verify", "--json", stdout=StringIO())


def test_deleted_and_inserted_rows_are_caught() -> None:
    entry = post_simple()
    other = post_simple()
    JournalLine.objects.filter(entry=other).delete()
    JournalEntry.objects.filter(pk=other.pk).delete()
    forged = JournalEntry.objects.create(
        fiscal_year=2025,
        number=99,
        date=entry.date,
        period=entry.period,
        description="forged",
        source="manual",
        amount=1,
        posted_at=entry.posted_at,
    )
    problems = ledger_verify()
    assert f"entry {other.pk} (audit seq 2) is missing" in problems
    assert f"entry {forged.pk} has no audit event" in problems


def test_verify_json_lists_domain_problems() -> None:
    entry = post_simple()
    JournalLine.objects.filter(entry=entry).update(memo="edited")
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("audit", "verify", "--json", stdout=out)
    body = json.loads(out.getvalue())
    assert body["ok"] is False and body["problems"]["ledger"]


def test_bulk_posted_entries_are_covered_and_tampering_is_named() -> None:
    from urakata.core.models import AuditEvent
    from urakata.ledger.permissions import SYSTEM
    from urakata.ledger.synthetic import generate

    generate(actor=SYSTEM, lines=300, seed=1, fiscal_year=2025)
    assert ledger_verify() == []
    line = JournalLine.objects.order_by("pk")[10]
    JournalLine.objects.filter(pk=line.pk).update(memo="x")
    event = AuditEvent.objects.get(action="ledger.journal_entry.bulk_post")
    # The one edited entry of the batch is named, not the batch's range.
    assert ledger_verify() == [
        f"entry {line.entry_id} does not match its audit event seq {event.seq} (bulk posting)"
    ]
    # An event without the per-entry prefixes (written before they were kept): the range.
    changes = {k: v for k, v in event.changes.items() if k != "entry_hashes"}
    AuditEvent.objects.filter(pk=event.pk).update(changes=changes)
    assert any("do not match their audit event" in p for p in ledger_verify())
    AuditEvent.objects.filter(pk=event.pk).update(changes={"count": 1})
    assert f"audit event seq {event.seq} is malformed" in ledger_verify()


def test_fast_verify_samples_bulk_entries_against_their_recorded_prefix() -> None:
    from urakata.core.audit import audit_verify_all
    from urakata.ledger.permissions import SYSTEM
    from urakata.ledger.synthetic import generate

    generate(actor=SYSTEM, lines=300, seed=1, fiscal_year=2025)
    result, problems = audit_verify_all(sample=0.5)
    assert result.ok and problems["ledger"] == []
    line = JournalLine.objects.order_by("pk")[10]
    JournalLine.objects.filter(pk=line.pk).update(memo="x")
    # A sample of one half finds the edited entry in about half of the runs; over 40 runs the
    # chance of missing it every time is 2^-40. It is named exactly whenever it is sampled.
    found = [audit_verify_all(sample=0.5)[1]["ledger"] for _ in range(40)]
    named = [p for p in found if p]
    assert named and all(
        len(p) == 1 and p[0].startswith(f"entry {line.entry_id} does not match") for p in named
    )
    assert len(named) < 40  # a sample, not the whole book


def test_audit_verify_fast_option() -> None:
    post_simple()
    out = StringIO()
    call_command("audit", "verify", "--fast", "--sample", "0.5", stdout=out)
    assert "sampled at 50.0%" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("audit", "verify", "--fast", "--sample", "2")
