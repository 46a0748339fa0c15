"""Ledger writes: posting (balanced or refused, gapless, append-only), corrections, period close.

Every function takes keyword-only arguments, runs in one transaction and appends an audit event.
There is deliberately no update or delete service for entries or lines: a correction is a
reversal plus a replacement (訂正削除履歴), both linked to the original.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, NotFound, ValidationFailed
from urakata.core.permissions import require
from urakata.ledger import cache
from urakata.ledger.integrity import ENTRY_TYPE, POST_ACTION, entry_hash, entry_header, line_rows
from urakata.ledger.models import EntryCounter, FiscalYearClose, JournalEntry, Period
from urakata.ledger.validation import journal_entry_validate

__all__ = [
    "balances_apply",
    "journal_entry_correct",
    "journal_entry_post",
    "journal_entry_validate",
    "period_close",
    "period_reopen",
]


def _next_number(fiscal_year: int, period: int) -> int | None:
    """Take the fiscal year's counter row lock and return the next gapless number, or None
    when the month is closed (the counter does not move then).

    Closing takes the same row lock, so the closed check cannot race. On PostgreSQL the check is
    a separate statement after the lock: a subquery inside the UPDATE would be re-checked
    against the snapshot taken before the lock wait and miss a close committed meanwhile. On
    SQLite the write lock is taken at BEGIN (IMMEDIATE), so one statement does both.
    """
    if connection.vendor != "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(_BUMP_SQL, [fiscal_year])
            row = cursor.fetchone()
            if row is None:
                EntryCounter.objects.get_or_create(fiscal_year=fiscal_year)
                cursor.execute(_BUMP_SQL, [fiscal_year])
                row = cursor.fetchone()
        if period_is_closed(period):
            return None  # the caller raises, rolling the bump back
        return int(row[0])
    sql = (
        "UPDATE ledger_entrycounter SET last_number = last_number + 1 "
        "WHERE fiscal_year = %s AND NOT EXISTS ("
        "SELECT 1 FROM ledger_period WHERE period = %s AND is_closed = %s) "
        "RETURNING last_number"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [fiscal_year, period, True])
        row = cursor.fetchone()
        if row is None:
            _counter, created = EntryCounter.objects.get_or_create(fiscal_year=fiscal_year)
            if not created and period_is_closed(period):
                return None
            cursor.execute(sql, [fiscal_year, period, True])
            row = cursor.fetchone()
    return int(row[0]) if row else None


_BUMP_SQL = (
    "UPDATE ledger_entrycounter SET last_number = last_number + 1 "
    "WHERE fiscal_year = %s RETURNING last_number"
)


def _next_adjustment_number(fiscal_year: int, period: int) -> int:
    """決算整理: the next number once the year's lock is held, whatever the month's close."""
    from urakata.ledger.closing import adjustment_check

    lock_fiscal_year(fiscal_year)
    adjustment_check(fiscal_year, period)
    with connection.cursor() as cursor:
        cursor.execute(_BUMP_SQL, [fiscal_year])
        return int(cursor.fetchone()[0])


def lock_fiscal_year(fiscal_year: int) -> EntryCounter:
    """Lock the fiscal year's counter row (posting and closing in that year serialise on it)."""
    EntryCounter.objects.get_or_create(fiscal_year=fiscal_year)
    return EntryCounter.objects.select_for_update().get(fiscal_year=fiscal_year)


def period_is_closed(period: int) -> bool:
    """True when the month is closed (read after the fiscal-year lock, so it cannot race)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM ledger_period WHERE period = %s AND is_closed = %s", [period, True]
        )
        return cursor.fetchone() is not None


def balances_apply(rows: Mapping[tuple[int, int, int], tuple[int, int]]) -> None:
    """Add (debit, credit) to the (account, period, department) balances in one upsert."""
    if not rows:
        return
    if connection.vendor == "postgresql" and len(rows) > 50:
        _balances_apply_arrays(rows)
        return
    values = []
    params: list[Any] = []
    for (account_id, period, dept_key), (debit, credit) in rows.items():
        values.append("(%s, %s, %s, %s, %s, %s)")
        params += [account_id, period, dept_key, dept_key or None, debit, credit]
    # Only %s placeholders are joined in; every value travels as a parameter.
    sql = (
        "INSERT INTO ledger_balance (account_id, period, dept_key, department_id, debit, credit) "
        "VALUES " + ", ".join(values) + " "
        "ON CONFLICT (account_id, period, dept_key) DO UPDATE SET "
        "debit = ledger_balance.debit + excluded.debit, "
        "credit = ledger_balance.credit + excluded.credit"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _balances_apply_arrays(rows: Mapping[tuple[int, int, int], tuple[int, int]]) -> None:
    """PostgreSQL: the same upsert with six array parameters (unnest), however many rows."""
    columns: list[list[Any]] = [[], [], [], [], [], []]
    for (account_id, period, dept_key), (debit, credit) in rows.items():
        for column, value in zip(
            columns, (account_id, period, dept_key, dept_key or None, debit, credit), strict=True
        ):
            column.append(value)
    sql = (
        "INSERT INTO ledger_balance (account_id, period, dept_key, department_id, debit, credit) "
        "SELECT * FROM unnest(%s::bigint[], %s::int[], %s::bigint[], %s::bigint[], "
        "%s::bigint[], %s::bigint[]) "
        "ON CONFLICT (account_id, period, dept_key) DO UPDATE SET "
        "debit = ledger_balance.debit + excluded.debit, "
        "credit = ledger_balance.credit + excluded.credit"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, columns)


def _balance_rows(lines: Sequence[Any], period: int) -> dict[tuple[int, int, int], tuple[int, int]]:
    rows: dict[tuple[int, int, int], tuple[int, int]] = {}
    for line in lines:
        key = (line.account_id, period, line.department_id or 0)
        debit, credit = rows.get(key, (0, 0))
        rows[key] = (debit + line.debit, credit + line.credit)
    return rows


_SOURCES = frozenset(JournalEntry.Source.values)
_ENTRY_COLUMNS = (
    "fiscal_year",
    "number",
    "date",
    "period",
    "description",
    "source",
    "source_ref",
    "reverses_id",
    "replaces_id",
    "correction_reason",
    "amount",
    "posted_at",
    "posted_by_id",
)
_LINE_COLUMNS = (
    "entry_id",
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
    "date",
    "period",
)


def _insert_entry(entry: JournalEntry) -> None:
    """One INSERT … RETURNING id (the posting path avoids ORM overhead; values are parameters)."""
    ops = connection.ops
    values = [getattr(entry, name) for name in _ENTRY_COLUMNS]
    values[2] = ops.adapt_datefield_value(entry.date)
    values[11] = ops.adapt_datetimefield_value(entry.posted_at)
    sql = (
        "INSERT INTO ledger_journalentry ("  # noqa: S608 - fixed column names, values are params
        + ", ".join(_ENTRY_COLUMNS)
        + ") VALUES ("
        + ", ".join(["%s"] * len(values))
        + ") RETURNING id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        entry.pk = cursor.fetchone()[0]
    entry._state.adding = False
    entry._state.db = connection.alias


@dataclass(slots=True)
class _Row:
    """A line as written: the JournalLine columns, without a model instance's overhead."""

    entry_id: int
    line_no: int
    account_id: int
    sub_account_id: int | None
    debit: int
    credit: int
    tax_code_id: int | None
    tax_amount: int
    department_id: int | None
    counterparty_id: int | None
    memo: str
    date: dt.date
    period: int


def _insert_lines(lines: Sequence[Any]) -> None:
    """All lines of an entry in one multi-row INSERT."""
    ops = connection.ops
    params: list[Any] = []
    for line in lines:
        row = [getattr(line, name) for name in _LINE_COLUMNS]
        row[11] = ops.adapt_datefield_value(line.date)
        params += row
    one = "(" + ", ".join(["%s"] * len(_LINE_COLUMNS)) + ")"
    sql = (
        "INSERT INTO ledger_journalline ("  # noqa: S608 - fixed column names, values are params
        + ", ".join(_LINE_COLUMNS)
        + ") VALUES "
        + ", ".join([one] * len(lines))
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def journal_entry_post(
    *,
    actor: Any,
    date: dt.date | None,
    description: str,
    lines: Sequence[Mapping[str, Any]],
    source: str = JournalEntry.Source.MANUAL,
    source_ref: str = "",
    tax_entry: str | None = None,
    reverses: JournalEntry | None = None,
    replaces: JournalEntry | None = None,
    correction_reason: str = "",
) -> JournalEntry:
    """Post a balanced entry (仕訳の記帳) with the next number of its fiscal year, or refuse it.

    `lines` are mappings: account (code), sub_account (code), debit, credit, tax_code (code),
    tax_amount (None = computed per `tax_entry`: inclusive/exclusive/none), department_id,
    counterparty_id, memo.
    """
    require(actor, "ledger.post")
    expanded = journal_entry_validate(
        date=date, description=description, lines=lines, tax_entry=tax_entry
    )
    assert date is not None
    if source not in _SOURCES:
        raise ValidationFailed(_("発生源が正しくありません。"), errors={"source": [source]})
    fiscal_year = cache.fiscal_year_of(date)
    period = cache.period_of(date)
    with transaction.atomic():
        number: int | None = (
            _next_adjustment_number(fiscal_year, period)
            if source == JournalEntry.Source.ADJUSTMENT
            else _next_number(fiscal_year, period)
        )
        if number is None:
            raise ValidationFailed(
                _("締め済みの月には記帳できません。"),
                errors={
                    "date": [
                        _("%(year)s年%(month)s月は締め済みです。")
                        % {"year": date.year, "month": f"{date.month:02d}"}
                    ]
                },
            )
        entry = JournalEntry(
            fiscal_year=fiscal_year,
            number=number,
            date=date,
            period=period,
            description=description.strip(),
            source=source,
            source_ref=source_ref[:100],
            reverses=reverses,
            replaces=replaces,
            correction_reason=correction_reason[:200],
            amount=sum(line.debit for line in expanded),
            posted_at=timezone.now(),
            posted_by=actor if getattr(actor, "pk", None) else None,
        )
        _insert_entry(entry)
        objs = [
            _Row(
                entry.pk,
                index,
                line.account.pk,
                line.sub_account_id,
                line.debit,
                line.credit,
                line.tax_code_id,
                line.tax_amount or 0,
                line.department_id,
                line.counterparty_id,
                line.memo,
                date,
                period,
            )
            for index, line in enumerate(expanded, start=1)
        ]
        _insert_lines(objs)
        balances_apply(_balance_rows(objs, period))
        rows = line_rows(objs)
        audit_record(
            actor=actor,
            action=POST_ACTION,
            target=entry,
            target_type=ENTRY_TYPE,
            changes={
                "entry": entry_header(entry),
                "reverses": reverses.pk if reverses else None,
                "replaces": replaces.pk if replaces else None,
                "lines": rows,
                "lines_hash": entry_hash(entry_header(entry), rows),
            },
        )
    return entry


def journal_entry_correct(
    *,
    actor: Any,
    entry: JournalEntry,
    reason: str,
    date: dt.date | None = None,
    description: str | None = None,
    lines: Sequence[Mapping[str, Any]] | None = None,
    tax_entry: str | None = None,
) -> tuple[JournalEntry, JournalEntry | None]:
    """Correct a posted entry: a reversal (取消) and, when `lines` are given, a replacement.

    Both new entries point at the original (`reverses`, `replaces`); the original is untouched,
    which is the 訂正削除履歴 that 電子帳簿保存法 asks for. Without `lines` the entry is cancelled.
    """
    require(actor, "ledger.post")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(
            _("訂正理由を入力してください。"), errors={"reason": [_("必須です。")]}
        )
    day = date or entry.date
    with transaction.atomic():
        original = JournalEntry.objects.select_for_update().filter(pk=entry.pk).first()
        if original is None:
            raise NotFound(_("仕訳が見つかりません。"))
        if original.reverses_id is not None:
            raise Conflict(_("取消仕訳は訂正できません。元の仕訳を訂正してください。"))
        if JournalEntry.objects.filter(reverses=original).exists():
            raise Conflict(_("この仕訳は既に訂正または取消されています。"))
        original_lines = list(original.lines.select_related("account", "tax_code", "sub_account"))
        reversal_lines = [
            {
                "account": line.account,
                "sub_account": line.sub_account,
                "debit": line.credit,
                "credit": line.debit,
                "tax_code": line.tax_code.code if line.tax_code else None,
                "tax_amount": line.tax_amount,
                "department_id": line.department_id,
                "counterparty_id": line.counterparty_id,
                "memo": line.memo,
            }
            for line in original_lines
        ]
        reversal = journal_entry_post(
            actor=actor,
            date=day,
            description=f"【取消】{original.display_number} {original.description}"[:200],
            lines=reversal_lines,
            source=JournalEntry.Source.CORRECTION,
            source_ref=str(original.pk),
            tax_entry="none",
            reverses=original,
            correction_reason=reason,
        )
        replacement = None
        if lines is not None:
            replacement = journal_entry_post(
                actor=actor,
                date=day,
                description=description or original.description,
                lines=lines,
                source=JournalEntry.Source.CORRECTION,
                source_ref=str(original.pk),
                tax_entry=tax_entry,
                replaces=original,
                correction_reason=reason,
            )
        audit_record(
            actor=actor,
            action="ledger.journal_entry.correct",
            target=original,
            target_type=ENTRY_TYPE,
            changes={
                "reason": reason,
                "reversal": reversal.pk,
                "replacement": replacement.pk if replacement else None,
            },
        )
    return reversal, replacement


# ---------------------------------------------------------------- periods


def _parse_period(value: int | str) -> int:
    text = str(value).replace("-", "").replace("/", "")
    if len(text) != 6 or not text.isdigit() or not 1 <= int(text[4:]) <= 12:
        raise ValidationFailed(
            _("年月は YYYY-MM で指定してください。"), errors={"period": [str(value)]}
        )
    return int(text)


def period_set_closed(*, actor: Any, period: int | str, closed: bool, reason: str = "") -> Period:
    """Close (月次締め) or reopen a month; audited; serialised with posting in its fiscal year."""
    require(actor, "ledger.close")
    yyyymm = _parse_period(period)
    fiscal_year = cache.fiscal_year_of(dt.date(yyyymm // 100, yyyymm % 100, 1))
    if not closed and not (reason or "").strip():
        raise ValidationFailed(
            _("再開の理由を入力してください。"), errors={"reason": [_("必須です。")]}
        )
    with transaction.atomic():
        lock_fiscal_year(fiscal_year)
        if FiscalYearClose.objects.filter(fiscal_year=fiscal_year, is_closed=True).exists():
            raise Conflict(_("%(year)s年度は決算確定済みです。") % {"year": fiscal_year})
        row, _created = Period.objects.select_for_update().get_or_create(period=yyyymm)
        if row.is_closed == closed:
            message = (
                _("%(year)s年%(month)s月は既に締め済みです。")
                if closed
                else _("%(year)s年%(month)s月は既に未締めです。")
            )
            raise Conflict(message % {"year": yyyymm // 100, "month": yyyymm % 100})
        row.is_closed = closed
        row.changed_at = timezone.now()
        row.changed_by = actor if getattr(actor, "pk", None) else None
        row.save(update_fields=["is_closed", "changed_at", "changed_by"])
        audit_record(
            actor=actor,
            action="ledger.period.close" if closed else "ledger.period.reopen",
            target=row,
            changes={"is_closed": [not closed, closed], "reason": reason},
        )
    return row


def period_close(*, actor: Any, period: int | str) -> Period:
    """Close a month: nothing posts into it until it is reopened."""
    return period_set_closed(actor=actor, period=period, closed=True)


def period_reopen(*, actor: Any, period: int | str, reason: str) -> Period:
    """Reopen a closed month (the reason is kept in the audit log).

    Interfaces do not call this: they submit `closing.reopen_request_submit`, and the approved
    request calls it as the approver (a second person)."""
    return period_set_closed(actor=actor, period=period, closed=False, reason=reason)


# ---------------------------------------------------------------- evidence


def attachment_add(*, actor: Any, entry: JournalEntry, filename: str, content: bytes | Any) -> Any:
    """Attach evidence (証憑) to a posted entry: JPEG, PNG, HEIC or PDF, checked by content.

    The file is kept in the one file store (core.files) under its SHA-256, which the audit log
    records. Adding evidence does not change the entry: attachments are append-only like the lines.
    """
    require(actor, "ledger.post")
    from urakata.core.files import Purpose, stored_file_create
    from urakata.ledger.models import Attachment

    with transaction.atomic():
        stored = stored_file_create(
            actor=actor,
            upload=content,
            name=filename,
            purpose=Purpose.EVIDENCE,
            refusal=_("証憑を添付できません。"),
        )
        attachment = Attachment.objects.create(entry=entry, stored=stored)
        audit_record(
            actor=actor,
            action="ledger.attachment.add",
            target=attachment,
            changes={
                "entry": entry.pk,
                "filename": stored.name,
                "sha256": stored.sha256,
                "size": stored.size,
                "content_type": stored.content_type,
            },
        )
    return attachment
