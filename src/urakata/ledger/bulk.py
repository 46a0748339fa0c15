"""Bulk posting: many already-balanced entries at once (imports, generated data, demo).

Numbers are reserved per fiscal year with one counter update, rows go in with bulk_create in
batches, balances are summed in memory and upserted once per batch, and each batch gets one
audit event holding a hash over its entries' line hashes (checked by `ledger_verify`).
The synthetic-book generator (`urakata ledger generate`, benchmarks) is in `synthetic.py`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import require
from urakata.ledger import cache
from urakata.ledger.integrity import (
    BULK_ACTION,
    ENTRY_HASH_PREFIX,
    ENTRY_TYPE,
    LINE_FIELDS,
    batch_hash,
    entry_hash,
)
from urakata.ledger.models import EntryCounter, JournalEntry, Period
from urakata.ledger.services import balances_apply

BATCH_ENTRIES = 5000
BALANCE_CHUNK = 1500


@dataclass
class BulkLine:
    """A line for bulk posting: ids, not codes (the caller resolved and validated them)."""

    account_id: int
    debit: int = 0
    credit: int = 0
    sub_account_id: int | None = None
    tax_code_id: int | None = None
    tax_amount: int = 0
    department_id: int | None = None
    counterparty_id: int | None = None
    memo: str = ""


@dataclass
class BulkEntry:
    date: dt.date
    description: str
    lines: list[BulkLine] = field(default_factory=list)
    source: str = JournalEntry.Source.GENERATED
    source_ref: str = ""


def _reserve_numbers(fiscal_year: int, count: int) -> int:
    """Reserve `count` numbers; returns the first. Locks the year's counter row."""
    EntryCounter.objects.get_or_create(fiscal_year=fiscal_year)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE ledger_entrycounter SET last_number = last_number + %s "
            "WHERE fiscal_year = %s RETURNING last_number",
            [count, fiscal_year],
        )
        last = int(cursor.fetchone()[0])
    return last - count + 1


def _check(entries: Sequence[BulkEntry]) -> None:
    errors: dict[str, list[str]] = {}
    accounts = cache.chart_fresh().accounts_by_id
    for index, entry in enumerate(entries):
        debit = sum(line.debit for line in entry.lines)
        credit = sum(line.credit for line in entry.lines)
        if debit != credit or len(entry.lines) < 2:
            errors.setdefault(f"entries.{index}", []).append(_("借方と貸方が一致しません。"))
        for line in entry.lines:
            if (line.debit > 0) == (line.credit > 0) or line.debit < 0 or line.credit < 0:
                errors.setdefault(f"entries.{index}", []).append(_("金額が正しくありません。"))
            if line.account_id not in accounts:
                errors.setdefault(f"entries.{index}", []).append(_("勘定科目がありません。"))
    periods = {cache.period_of(entry.date) for entry in entries}
    closed = set(
        Period.objects.filter(period__in=periods, is_closed=True).values_list("period", flat=True)
    )
    if closed:
        errors.setdefault("date", []).append(
            _("締め済みの月を含みます: %(months)s")
            % {"months": ", ".join(str(p) for p in sorted(closed))}
        )
    if errors:
        raise ValidationFailed(_("一括記帳できません。"), errors=errors)


def real_entry_count() -> int:
    """Entries that are not synthetic (`ledger generate`): the real books of a company."""
    return JournalEntry.objects.exclude(source=JournalEntry.Source.GENERATED).count()


def bulk_post(*, actor: Any, entries: Sequence[BulkEntry]) -> list[int]:
    """Post balanced entries in batches, in one transaction; returns their ids, in order."""
    require(actor, "ledger.post")
    _check(entries)
    posted: list[int] = []
    with transaction.atomic():
        for start in range(0, len(entries), BATCH_ENTRIES):
            posted += _post_batch(actor, entries[start : start + BATCH_ENTRIES])
    return posted


_ENTRY_COLUMNS = (
    "fiscal_year, number, date, period, description, source, source_ref, correction_reason, "
    "amount, posted_at, posted_by_id"
)
_LINE_SQL = (
    "INSERT INTO ledger_journalline (entry_id, line_no, account_id, sub_account_id, debit, "
    "credit, tax_code_id, tax_amount, department_id, counterparty_id, memo, date, period) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)


def _insert_entries(rows: list[tuple[Any, ...]]) -> list[int]:
    """Multi-row INSERT … RETURNING id in chunks (ids come back in VALUES order, as Django's own
    bulk_create relies on)."""
    if connection.vendor == "postgresql":
        return _copy_entries(rows)
    ids: list[int] = []
    width = 11
    chunk = max(1, min(500, (connection.features.max_query_params or 32766) // width))
    one = "(" + ", ".join(["%s"] * width) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), chunk):
            part = rows[start : start + chunk]
            sql = (
                "INSERT INTO ledger_journalentry ("  # noqa: S608 - fixed columns, values are params
                + _ENTRY_COLUMNS
                + ") VALUES "
                + ", ".join([one] * len(part))
                + " RETURNING id"
            )
            cursor.execute(sql, [value for row in part for value in row])
            ids += [row[0] for row in cursor.fetchall()]
    return ids


def _copy_entries(rows: list[tuple[Any, ...]]) -> list[int]:
    """PostgreSQL: reserve ids from the table's sequence, then COPY the entries with them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence('ledger_journalentry', 'id')) "
            "FROM generate_series(1, %s)",
            [len(rows)],
        )
        ids = [int(row[0]) for row in cursor.fetchall()]
        columns = "id, " + _ENTRY_COLUMNS
        with cursor.cursor.copy(f"COPY ledger_journalentry ({columns}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                copy.write_row((pk, *row))
    return ids


def _insert_lines(rows: list[tuple[Any, ...]]) -> None:
    """Lines in bulk: COPY on PostgreSQL, executemany elsewhere."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = _LINE_SQL.split("(", 1)[1].split(")", 1)[0]
            with cursor.cursor.copy(f"COPY ledger_journalline ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(_LINE_SQL, rows)


def _runs(ids: list[int]) -> list[list[int]]:
    """[[first, last], …] covering sorted ids (one run unless others posted meanwhile)."""
    runs: list[list[int]] = []
    for pk in sorted(ids):
        if runs and runs[-1][1] == pk - 1:
            runs[-1][1] = pk
        else:
            runs.append([pk, pk])
    return runs


def _batch_numbers(batch: Sequence[BulkEntry]) -> dict[int, tuple[int, int]]:
    """(fiscal year, number) per entry index, numbers in date order within each year."""
    by_year: dict[int, list[int]] = {}
    for index, entry in enumerate(batch):
        by_year.setdefault(cache.fiscal_year_of(entry.date), []).append(index)
    numbers: dict[int, tuple[int, int]] = {}
    for fiscal_year in sorted(by_year):  # lock counters in a fixed order
        first = _reserve_numbers(fiscal_year, len(by_year[fiscal_year]))
        for offset, index in enumerate(sorted(by_year[fiscal_year], key=lambda i: batch[i].date)):
            numbers[index] = (fiscal_year, first + offset)
    return numbers


def _refuse_closed(batch: Sequence[BulkEntry]) -> None:
    # Re-read the close state now that the counter locks are held (a close may have committed
    # since _check): closing takes the same locks, so this read cannot race.
    periods = {entry.date.year * 100 + entry.date.month for entry in batch}
    closed = Period.objects.filter(period__in=periods, is_closed=True).values_list(
        "period", flat=True
    )
    if closed:
        raise ValidationFailed(
            _("一括記帳できません。"),
            errors={"date": [_("締め済み: %(p)s") % {"p": p} for p in sorted(closed)]},
        )


def _entry_rows(
    batch: Sequence[BulkEntry],
    numbers: dict[int, tuple[int, int]],
    now: Any,
    actor_id: int | None,
) -> tuple[list[list[Any]], list[tuple[Any, ...]]]:
    """The hash headers and the insert rows of the batch's entries."""
    ops = connection.ops
    headers = []
    entry_rows = []
    for index, entry in enumerate(batch):
        fiscal_year, number = numbers[index]
        description = entry.description[:200]
        source_ref = entry.source_ref[:100]
        headers.append(
            [fiscal_year, number, entry.date.isoformat(), description, entry.source, source_ref]
        )
        entry_rows.append(
            (
                fiscal_year,
                number,
                ops.adapt_datefield_value(entry.date),
                entry.date.year * 100 + entry.date.month,
                description,
                entry.source,
                source_ref,
                "",
                sum(line.debit for line in entry.lines),
                now,
                actor_id,
            )
        )
    return headers, entry_rows


def _line_rows(
    ids: list[int], headers: list[list[Any]], batch: Sequence[BulkEntry]
) -> tuple[list[tuple[Any, ...]], dict[tuple[int, int, int], list[int]], list[tuple[int, str]]]:
    """The insert rows of the lines, the balance deltas and each entry's line hash."""
    ops = connection.ops
    line_params: list[tuple[Any, ...]] = []
    balances: dict[tuple[int, int, int], list[int]] = {}
    hashes: list[tuple[int, str]] = []
    for pk, header, entry in zip(ids, headers, batch, strict=True):
        period = entry.date.year * 100 + entry.date.month
        day = ops.adapt_datefield_value(entry.date)
        rows = []
        for line_no, line in enumerate(entry.lines, start=1):
            values = [
                line_no,
                line.account_id,
                line.sub_account_id,
                line.debit,
                line.credit,
                line.tax_code_id,
                line.tax_amount,
                line.department_id,
                line.counterparty_id,
                line.memo,
            ]
            rows.append(values)
            line_params.append((pk, *values, day, period))
            key = (line.account_id, period, line.department_id or 0)
            cell = balances.setdefault(key, [0, 0])
            cell[0] += line.debit
            cell[1] += line.credit
        hashes.append((pk, entry_hash(header, rows)))
    return line_params, balances, hashes


def _post_batch(actor: Any, batch: Sequence[BulkEntry]) -> list[int]:
    ops = connection.ops
    now = ops.adapt_datetimefield_value(timezone.now())
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    numbers = _batch_numbers(batch)
    _refuse_closed(batch)
    headers, entry_rows = _entry_rows(batch, numbers, now, actor_id)
    ids = _insert_entries(entry_rows)
    line_params, balances, hashes = _line_rows(ids, headers, batch)
    assert len(LINE_FIELDS) == 10
    _insert_lines(line_params)
    items = [(key, (d, c)) for key, (d, c) in balances.items()]
    for start in range(0, len(items), BALANCE_CHUNK):
        balances_apply(dict(items[start : start + BALANCE_CHUNK]))
    hashes.sort()
    audit_record(
        actor=actor,
        action=BULK_ACTION,
        target_type=ENTRY_TYPE,
        changes={
            "ids": _runs(ids),
            "count": len(hashes),
            "lines": len(line_params),
            "lines_hash": batch_hash(h for _pk, h in hashes),
            # The first characters of each entry's hash, in id order: `audit verify` names the
            # one entry of the batch that changed (the full batch hash still decides).
            "entry_hashes": "".join(h[:ENTRY_HASH_PREFIX] for _pk, h in hashes),
        },
    )
    return ids
