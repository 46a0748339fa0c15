"""Tamper evidence over the books' derived state (`urakata audit verify`, check "ledger.state").

The audit chain and the entry hashes (`ledger.integrity`) cover what was posted; this re-derives
what is *kept* from it and names the exact row and field that disagrees:

- each `ledger_balance` row against the sums of the journal lines of its (account, month,
  department): a hand-edited balance shows up here, not only as a trial balance that does not tie;
- each line's month against its entry's, and each entry's month against its date;
- each entry's `amount` against the total of its debit lines;
- each entry's `posted_at` against the time of the audit event that recorded its posting.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import F, Sum
from django.db.models.functions import Coalesce

from urakata.core.models import AuditEvent
from urakata.ledger.integrity import BULK_ACTION, ENTRY_TYPE, POST_ACTION
from urakata.ledger.models import Balance, JournalEntry, JournalLine

# posted_at is set in the posting transaction, the audit event's time in the same transaction.
POSTED_AT_TOLERANCE = dt.timedelta(minutes=5)


def _balances() -> Iterator[str]:
    derived = {
        (account, period, dept): (debit, credit)
        for account, period, dept, debit, credit in JournalLine.objects.values(
            "account_id", "period"
        )
        .annotate(dept=Coalesce("department_id", 0))
        .values_list("account_id", "period", "dept")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
        .order_by()
    }
    stored = Balance.objects.values_list(
        "pk", "account_id", "period", "dept_key", "debit", "credit"
    )
    seen: set[tuple[int, int, int]] = set()
    for pk, account, period, dept, debit, credit in stored.iterator(chunk_size=10000):
        key = (account, period, dept)
        seen.add(key)
        want_debit, want_credit = derived.get(key, (0, 0))
        where = f"ledger_balance id {pk} (account {account}, {period}, department {dept or '-'})"
        if debit != want_debit:
            yield f"{where}: debit {debit}, journal lines say {want_debit}"
        if credit != want_credit:
            yield f"{where}: credit {credit}, journal lines say {want_credit}"
    for key in sorted(set(derived) - seen):
        account, period, dept = key
        yield (
            f"ledger_balance row missing for account {account}, {period}, department "
            f"{dept or '-'} (journal lines: debit {derived[key][0]}, credit {derived[key][1]})"
        )


def _periods_and_amounts() -> Iterator[str]:
    lines = (
        JournalLine.objects.exclude(period=F("entry__period"))
        .values_list("pk", "entry_id", "period", "entry__period")
        .order_by("pk")
    )
    for pk, entry_id, period, entry_period in lines.iterator(chunk_size=2000):
        yield f"journal line id {pk} (entry {entry_id}): period {period}, its entry's {entry_period}"
    totals = dict(
        JournalLine.objects.values("entry_id")
        .annotate(total=Sum("debit"))
        .values_list("entry_id", "total")
        .order_by()
    )
    entries = JournalEntry.objects.values_list("pk", "date", "period", "amount").order_by("pk")
    for pk, day, period, amount in entries.iterator(chunk_size=10000):
        if period != day.year * 100 + day.month:
            yield f"journal entry {pk}: period {period} does not match its date {day}"
        if amount != totals.get(pk, 0):
            yield f"journal entry {pk}: amount {amount}, its debit lines total {totals.get(pk, 0)}"


def _posted_at() -> Iterator[str]:
    posted = dict(JournalEntry.objects.values_list("pk", "posted_at").order_by())
    events = AuditEvent.objects.filter(
        target_type=ENTRY_TYPE, action__in=[POST_ACTION, BULK_ACTION]
    ).values_list("seq", "at", "action", "target_id", "changes")
    for seq, at, action, target_id, changes in events.iterator(chunk_size=2000):
        if action == POST_ACTION:
            ids = [int(target_id)] if str(target_id).isdigit() else []
        else:
            try:
                ids = [pk for a, b in changes["ids"] for pk in range(int(a), int(b) + 1)]
            except (KeyError, TypeError, ValueError):
                continue  # reported as malformed by ledger.integrity
        for pk in ids:
            value = posted.get(pk)
            if value is not None and abs(value - at) > POSTED_AT_TOLERANCE:
                yield (
                    f"journal entry {pk}: posted_at {value.isoformat()} differs from its audit "
                    f"event seq {seq} ({at.isoformat()})"
                )


def ledger_state_verify() -> list[str]:
    """Every balance, month, amount and posting time that disagrees with what it derives from."""
    return [*_balances(), *_periods_and_amounts(), *_posted_at()]
