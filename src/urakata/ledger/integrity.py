"""Tamper evidence for the journal: each entry's lines are hashed into its audit event.

`ledger_verify()` recomputes every entry's line hash and compares it with the hash recorded in
the audit chain (whose own hashes `urakata audit verify` checks), so a JournalLine edited by hand
in the database, a line added or deleted, or an entry inserted outside the service is named.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from typing import Any

from django.db.models import F

from urakata.core.audit import canonical_json, verify_sample
from urakata.core.models import AuditEvent
from urakata.ledger.models import JournalEntry, JournalLine

POST_ACTION = "ledger.journal_entry.post"
BULK_ACTION = "ledger.journal_entry.bulk_post"
ENTRY_TYPE = "ledger.journalentry"

LINE_FIELDS = (
    "line_no",
    "account_id",
    "sub_account_id",
    "debit",
    "credit",
    "tax_code_id",
    "tax_amount",
    "department_id",
    "counterparty_id",
    "memo",
)
ENTRY_HASH_PREFIX = 10  # hex characters per entry kept in a bulk event (localises a change)
ENTRY_FIELDS = ("fiscal_year", "number", "date", "description", "source", "source_ref")


def entry_header(entry: Any) -> list[Any]:
    """The entry fields covered by the hash (dates as ISO text)."""
    values = [getattr(entry, name) for name in ENTRY_FIELDS]
    values[2] = values[2].isoformat()
    return values


def line_rows(lines: Iterable[Any]) -> list[list[Any]]:
    """The hashed values of lines, as plain lists, in line order."""
    rows = [[getattr(line, name) for name in LINE_FIELDS] for line in lines]
    rows.sort(key=lambda row: row[0])
    return rows


def entry_hash(header: list[Any], rows: list[list[Any]]) -> str:
    """SHA-256 of the entry header and its lines (canonical JSON)."""
    body = canonical_json({"entry": header, "lines": rows})
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def batch_hash(hashes: Iterable[str]) -> str:
    """One hash over many entry hashes (bulk posting records one audit event per batch)."""
    digest = hashlib.sha256()
    for value in hashes:
        digest.update(value.encode("ascii"))
    return digest.hexdigest()


def _current_hashes(bucket: tuple[int, int] | None = None) -> dict[int, str]:
    """Entry id -> hash recomputed from the rows in the database now.

    `bucket` (modulus, remainder) keeps only entries whose id has that remainder (a sample).
    """
    entries = JournalEntry.objects.all()
    line_rows_query = JournalLine.objects.all()
    if bucket is not None:
        modulus, remainder = bucket
        entries = entries.annotate(bucket=F("pk") % modulus).filter(bucket=remainder)
        line_rows_query = line_rows_query.annotate(bucket=F("entry_id") % modulus).filter(
            bucket=remainder
        )
    headers = {
        pk: [fy, number, day.isoformat(), description, source, ref]
        for pk, fy, number, day, description, source, ref in entries.values_list(
            "pk", *ENTRY_FIELDS
        ).iterator(chunk_size=10000)
    }
    rows: dict[int, list[list[Any]]] = {pk: [] for pk in headers}
    lines = line_rows_query.values_list("entry_id", *LINE_FIELDS).iterator(chunk_size=20000)
    for entry_id, *values in lines:
        rows.setdefault(entry_id, []).append(values)
    result: dict[int, str] = {}
    for pk, entry_rows in rows.items():
        entry_rows.sort(key=lambda row: row[0])
        result[pk] = entry_hash(headers.get(pk, ["?"]), entry_rows)
    return result


def _changed_in_batch(expected: list[int], current: dict[int, str], recorded: Any) -> list[int]:
    """The entries of a bulk batch whose hash prefix differs from the one its event recorded."""
    width = ENTRY_HASH_PREFIX
    if not isinstance(recorded, str) or len(recorded) != width * len(expected):
        return []  # an event written before prefixes were recorded: only the range is known
    return [
        pk
        for index, pk in enumerate(expected)
        if current[pk][:width] != recorded[index * width : (index + 1) * width]
    ]


def _sample_bucket() -> tuple[int, int] | None:
    sample = verify_sample()
    if sample is None:
        return None
    modulus = max(2, round(1 / sample))
    return modulus, secrets.randbelow(modulus)


def ledger_verify() -> list[str]:
    """Every entry whose lines no longer match the hash its audit event recorded.

    With `audit verify --fast` only a random share of the entries is re-hashed: an entry of a
    bulk posting is then checked against the hash prefix its batch event recorded.
    """
    bucket = _sample_bucket()
    if bucket is not None:
        return _ledger_verify_sample(bucket)
    current = _current_hashes()
    problems: list[str] = []
    covered: set[int] = set()
    events = AuditEvent.objects.filter(
        target_type=ENTRY_TYPE, action__in=[POST_ACTION, BULK_ACTION]
    ).values_list("seq", "action", "target_id", "changes")
    for seq, action, target_id, changes in events.iterator(chunk_size=2000):
        if action == POST_ACTION:
            if not str(target_id).isdigit() or not isinstance(changes, dict):
                problems.append(f"audit event seq {seq} is malformed")
                continue
            pk = int(target_id)
            covered.add(pk)
            if pk not in current:
                problems.append(f"entry {pk} (audit seq {seq}) is missing")
            elif current[pk] != changes.get("lines_hash"):
                problems.append(f"entry {pk} does not match its audit event seq {seq}")
        else:
            try:
                runs = changes["ids"]
                expected = [pk for first, last in runs for pk in range(int(first), int(last) + 1)]
            except (KeyError, TypeError, ValueError):
                problems.append(f"audit event seq {seq} is malformed")
                continue
            covered.update(expected)
            label = f"entries {expected[0]}-{expected[-1]}" if expected else "entries"
            if any(pk not in current for pk in expected) or len(expected) != changes.get("count"):
                problems.append(f"{label} (audit seq {seq}): rows missing")
            elif batch_hash(current[pk] for pk in expected) != changes.get("lines_hash"):
                changed = _changed_in_batch(expected, current, changes.get("entry_hashes"))
                if changed:
                    problems += [
                        f"entry {pk} does not match its audit event seq {seq} (bulk posting)"
                        for pk in changed
                    ]
                else:
                    problems.append(f"{label} do not match their audit event seq {seq}")
    for pk in sorted(set(current) - covered):
        problems.append(f"entry {pk} has no audit event")
    return problems


def _ledger_verify_sample(bucket: tuple[int, int]) -> list[str]:
    modulus, remainder = bucket
    current = _current_hashes(bucket)
    problems: list[str] = []
    covered: set[int] = set()
    width = ENTRY_HASH_PREFIX
    events = AuditEvent.objects.filter(
        target_type=ENTRY_TYPE, action__in=[POST_ACTION, BULK_ACTION]
    ).values_list("seq", "action", "target_id", "changes")
    for seq, action, target_id, changes in events.iterator(chunk_size=2000):
        if action == POST_ACTION:
            pk = int(target_id) if str(target_id).isdigit() else 0
            if pk % modulus != remainder:
                continue
            covered.add(pk)
            if pk not in current:
                problems.append(f"entry {pk} (audit seq {seq}) is missing")
            elif not isinstance(changes, dict) or current[pk] != changes.get("lines_hash"):
                problems.append(f"entry {pk} does not match its audit event seq {seq}")
            continue
        try:
            runs = changes["ids"]
            expected = [pk for first, last in runs for pk in range(int(first), int(last) + 1)]
        except (KeyError, TypeError, ValueError):
            problems.append(f"audit event seq {seq} is malformed")
            continue
        recorded = changes.get("entry_hashes")
        for index, pk in enumerate(expected):
            if pk % modulus != remainder:
                continue
            covered.add(pk)
            prefix = recorded[index * width : (index + 1) * width] if recorded else None
            if pk not in current:
                problems.append(f"entry {pk} (audit seq {seq}) is missing")
            elif prefix is not None and current[pk][:width] != prefix:
                problems.append(
                    f"entry {pk} does not match its audit event seq {seq} (bulk posting)"
                )
    for pk in sorted(set(current) - covered):
        problems.append(f"entry {pk} has no audit event")
    return problems
