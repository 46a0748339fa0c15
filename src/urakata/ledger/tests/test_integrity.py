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
    assert any("do not match" in p for p in ledger_verify())
    event = AuditEvent.objects.get(action="ledger.journal_entry.bulk_post")
    AuditEvent.objects.filter(pk=event.pk).update(changes={"count": 1})
    assert f"audit event seq {event.seq} is malformed" in ledger_verify()
