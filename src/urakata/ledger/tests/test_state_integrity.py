"""`urakata audit verify` re-derives the books' kept state and names the row and field."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from urakata.ledger.models import Balance, JournalEntry, JournalLine
from urakata.ledger.state_integrity import ledger_state_verify
from urakata.ledger.tests.factories import post_simple

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    post_simple(amount=500)
    return post_simple(amount=1000)


def _sql(statement: str, *params: object) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def test_untouched_books_pass(entry) -> None:
    assert ledger_state_verify() == []


def test_hand_edited_balance_is_named(entry) -> None:
    balance = Balance.objects.filter(debit__gt=0).first()
    assert balance is not None
    _sql("UPDATE ledger_balance SET debit = debit + 184 WHERE id = %s", balance.pk)
    problems = ledger_state_verify()
    assert problems == [
        f"ledger_balance id {balance.pk} (account {balance.account_id}, {balance.period}, "
        f"department -): debit {balance.debit + 184}, journal lines say {balance.debit}"
    ]
    with pytest.raises(CommandError) as raised:
        call_command("audit", "verify", stdout=StringIO())
    assert f"ledger_balance id {balance.pk}" in str(raised.value)


def test_line_month_entry_month_amount_and_posted_at_are_named(entry) -> None:
    line = JournalLine.objects.filter(entry=entry).order_by("pk").first()
    assert line is not None
    # hand edits (queryset updates bypass every service)
    JournalLine.objects.filter(pk=line.pk).update(period=202506)
    later = entry.posted_at + dt.timedelta(days=3)
    JournalEntry.objects.filter(pk=entry.pk).update(amount=9999, posted_at=later)
    problems = ledger_state_verify()
    assert f"journal line id {line.pk} (entry {entry.pk}): period 202506, its entry's 202505" in (
        problems
    )
    assert f"journal entry {entry.pk}: amount 9999, its debit lines total 1000" in problems
    assert any(p.startswith(f"journal entry {entry.pk}: posted_at") for p in problems)
    # the moved line also leaves two balance rows out of step
    assert any(p.startswith("ledger_balance") for p in problems)
