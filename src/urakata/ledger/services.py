"""Ledger writes: posting (balanced or refused, gapless, append-only), corrections, period close.

Every function takes keyword-only arguments, runs in one transaction and appends an audit event.
There is deliberately no update or delete service for entries or lines: a correction is a
reversal plus a replacement (訂正削除履歴), both linked to the original.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, NotFound, ValidationFailed
from urakata.ledger import cache
from urakata.ledger.integrity import ENTRY_TYPE, POST_ACTION, entry_hash, entry_header, line_rows
from urakata.ledger.models import (
    Account,
    EntryCounter,
    JournalEntry,
    LedgerSettings,
    Period,
    SubAccount,
)
from urakata.ledger.tax import deductible, rate_on, tax_included, tax_on

Errors = dict[str, list[str]]
INPUT_TAX_ACCOUNT = "1570"  # 仮払消費税等
OUTPUT_TAX_ACCOUNT = "3240"  # 仮受消費税等
MAX_AMOUNT = 10**15


@dataclass
class _Line:
    account: Account
    debit: int
    credit: int
    sub_account_id: int | None = None
    tax_code_id: int | None = None
    tax_amount: int | None = 0
    department_id: int | None = None
    counterparty_id: int | None = None
    memo: str = ""


def _add(errors: Errors, key: str, message: str) -> None:
    errors.setdefault(key, []).append(message)


def _int(value: Any) -> int | None:
    """An integer yen amount from int or digit text ("1,200" allowed); None when invalid."""
    if value is None or value == "":
        return 0
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if re.fullmatch(r"-?[0-9]+", text):
            return int(text)
    return None


def _optional_id(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if hasattr(value, "pk"):
        return int(value.pk)
    return int(value)


def _clean_line(
    errors: Errors, index: int, raw: Mapping[str, Any], day: dt.date | None
) -> _Line | None:
    key = f"lines.{index}"
    ok = True
    account_ref = raw.get("account")
    account = (
        account_ref
        if isinstance(account_ref, Account)
        else cache.account_by_code(str(account_ref or "").strip())
    )
    if account is None:
        _add(errors, f"{key}.account", f"勘定科目「{account_ref or ''}」がありません。")
        ok = False
    elif not account.is_active:
        _add(errors, f"{key}.account", f"勘定科目「{account.name}」は使用停止中です。")
        ok = False
    debit, credit = _int(raw.get("debit")), _int(raw.get("credit"))
    if debit is None or credit is None or debit < 0 or credit < 0:
        _add(errors, f"{key}.amount", "金額は0以上の整数(円)で入力してください。")
        ok = False
    elif (debit > 0) == (credit > 0):
        _add(errors, f"{key}.amount", "借方か貸方のどちらか一方に金額を入力してください。")
        ok = False
    elif max(debit, credit) >= MAX_AMOUNT:
        _add(errors, f"{key}.amount", "金額が大きすぎます。")
        ok = False
    sub_id = None
    if raw.get("sub_account") and account is not None:
        sub_ref = raw["sub_account"]
        sub_id = (
            sub_ref.pk
            if isinstance(sub_ref, SubAccount)
            else cache.sub_account_id(account.pk, str(sub_ref))
        )
        if sub_id is None or cache.chart().sub_account_ids.get(sub_id) != account.pk:
            _add(errors, f"{key}.sub_account", f"補助科目「{sub_ref}」がありません。")
            ok = False
    tax_id = None
    if raw.get("tax_code"):
        tax = cache.tax_by_code(str(raw["tax_code"]))
        if tax is None:
            _add(errors, f"{key}.tax_code", f"税区分「{raw['tax_code']}」がありません。")
            ok = False
        else:
            tax_id = tax.id
    tax_amount = _int(raw.get("tax_amount"))
    if tax_amount is None or tax_amount < 0:
        _add(errors, f"{key}.tax_amount", "消費税額は0以上の整数で入力してください。")
        ok = False
    memo = str(raw.get("memo") or "")
    if len(memo) > 200:
        _add(errors, f"{key}.memo", "メモは200文字以内で入力してください。")
        ok = False
    try:
        department_id = _optional_id(raw.get("department_id") or raw.get("department"))
        counterparty_id = _optional_id(raw.get("counterparty_id") or raw.get("counterparty"))
    except (TypeError, ValueError):
        _add(errors, key, "部門・取引先の指定が正しくありません。")
        return None
    if not ok or account is None or debit is None or credit is None:
        return None
    return _Line(
        account=account,
        debit=debit,
        credit=credit,
        sub_account_id=sub_id,
        tax_code_id=tax_id,
        tax_amount=None if raw.get("tax_amount") in (None, "") else tax_amount,
        department_id=department_id,
        counterparty_id=counterparty_id,
        memo=memo,
    )


def _apply_tax(lines: list[_Line], day: dt.date, mode: str) -> list[_Line]:
    """税抜経理: split the tax of taxable lines onto 仮払/仮受消費税等 lines on the same side.

    inclusive: the line amount includes tax, the split tax is taken out of it; exclusive: the line
    amount is net and the tax is added as its own line. For purchases only the creditable part
    (経過措置 ratio) is split off; the rest stays in the expense. An explicit tax_amount is used
    as the split amount. mode "none" records tax amounts as given and adds no lines.
    """
    chart = cache.chart()
    tax_lines: dict[tuple[str, str, int | None], int] = {}
    for line in lines:
        given = line.tax_amount
        line.tax_amount = given or 0
        if line.tax_code_id is None or mode == "none":
            continue
        info = chart.tax_by_id[line.tax_code_id]
        if info.treatment != "taxable" or info.kind == "none":
            continue
        rate, ratio = rate_on(info.rates, day)
        amount = line.debit or line.credit
        if given is not None:
            split, adjust = given, (-given if mode == "inclusive" else 0)
        elif mode == "inclusive":
            split = tax_included(amount, rate, chart.rounding)
            if info.kind == "purchase":
                split = deductible(split, ratio, chart.rounding)
            adjust = -split
        else:
            tax = tax_on(amount, rate, chart.rounding)
            split = deductible(tax, ratio, chart.rounding) if info.kind == "purchase" else tax
            adjust = tax - split
        side = "debit" if line.debit else "credit"
        if side == "debit":
            line.debit += adjust
        else:
            line.credit += adjust
        line.tax_amount = split
        if split:
            target = INPUT_TAX_ACCOUNT if info.kind == "purchase" else OUTPUT_TAX_ACCOUNT
            key = (target, side, line.department_id)
            tax_lines[key] = tax_lines.get(key, 0) + split
    extra_lines = []
    for (code, side, department_id), amount in tax_lines.items():
        account = chart.accounts_by_code[code]
        debit, credit = (amount, 0) if side == "debit" else (0, amount)
        extra_lines.append(_Line(account, debit, credit, department_id=department_id))
    return lines + extra_lines


def _check_references(errors: Errors, lines: list[_Line]) -> None:
    department_ids = {line.department_id for line in lines if line.department_id}
    counterparty_ids = {line.counterparty_id for line in lines if line.counterparty_id}
    if not department_ids and not counterparty_ids:
        return
    missing_departments, missing_counterparties = cache.missing_references(
        department_ids, counterparty_ids
    )
    for missing in sorted(missing_departments):
        _add(errors, "department", f"部門 {missing} がありません。")
    for missing in sorted(missing_counterparties):
        _add(errors, "counterparty", f"取引先 {missing} がありません。")


def journal_entry_validate(
    *,
    date: dt.date | None,
    description: str,
    lines: Sequence[Mapping[str, Any]],
    tax_entry: str | None = None,
) -> list[_Line]:
    """Check an entry and expand its tax lines; raises ValidationFailed with every problem."""
    errors: Errors = {}
    if not isinstance(date, dt.date):
        _add(errors, "date", "取引日を入力してください。")
        date = None
    description = (description or "").strip()
    if not description:
        _add(errors, "description", "摘要を入力してください。")
    elif len(description) > 200:
        _add(errors, "description", "摘要は200文字以内で入力してください。")
    mode = tax_entry or cache.chart().tax_entry
    if mode not in ("inclusive", "exclusive", "none"):
        _add(errors, "tax_entry", "入力方式は inclusive / exclusive / none のいずれかです。")
    if len(lines) < 2:
        _add(errors, "lines", "仕訳には2行以上の明細が必要です。")
    if len(lines) > 500:
        _add(errors, "lines", "明細は500行以内にしてください。")
    cleaned = [_clean_line(errors, index, raw, date) for index, raw in enumerate(lines[:500])]
    if errors or date is None:
        raise ValidationFailed("仕訳を登録できません。入力内容を確認してください。", errors=errors)
    expanded = _apply_tax([line for line in cleaned if line is not None], date, mode)
    debit = sum(line.debit for line in expanded)
    credit = sum(line.credit for line in expanded)
    if debit != credit:
        _add(
            errors,
            "__all__",
            f"借方合計 {debit:,} 円と貸方合計 {credit:,} 円が一致しません(差額 {debit - credit:,} 円)。",
        )
    for index, line in enumerate(expanded):
        if line.debit < 0 or line.credit < 0 or (line.debit == 0 and line.credit == 0):
            _add(errors, f"lines.{index}.amount", "税額を差し引くと金額が0以下になります。")
    _check_references(errors, expanded)
    if errors:
        raise ValidationFailed("仕訳を登録できません。入力内容を確認してください。", errors=errors)
    return expanded


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
    expanded = journal_entry_validate(
        date=date, description=description, lines=lines, tax_entry=tax_entry
    )
    assert date is not None
    if source not in _SOURCES:
        raise ValidationFailed("発生源が正しくありません。", errors={"source": [source]})
    fiscal_year = cache.fiscal_year_of(date)
    period = cache.period_of(date)
    with transaction.atomic():
        number = _next_number(fiscal_year, period)
        if number is None:
            raise ValidationFailed(
                "締め済みの月には記帳できません。",
                errors={"date": [f"{date:%Y年%m月}は締め済みです。"]},
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
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed("訂正理由を入力してください。", errors={"reason": ["必須です。"]})
    day = date or entry.date
    with transaction.atomic():
        original = JournalEntry.objects.select_for_update().filter(pk=entry.pk).first()
        if original is None:
            raise NotFound("仕訳が見つかりません。")
        if original.reverses_id is not None:
            raise Conflict("取消仕訳は訂正できません。元の仕訳を訂正してください。")
        if JournalEntry.objects.filter(reverses=original).exists():
            raise Conflict("この仕訳は既に訂正または取消されています。")
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
            "年月は YYYY-MM で指定してください。", errors={"period": [str(value)]}
        )
    return int(text)


def period_set_closed(*, actor: Any, period: int | str, closed: bool, reason: str = "") -> Period:
    """Close (月次締め) or reopen a month; audited; serialised with posting in its fiscal year."""
    yyyymm = _parse_period(period)
    fiscal_year = cache.fiscal_year_of(dt.date(yyyymm // 100, yyyymm % 100, 1))
    if not closed and not (reason or "").strip():
        raise ValidationFailed("再開の理由を入力してください。", errors={"reason": ["必須です。"]})
    with transaction.atomic():
        lock_fiscal_year(fiscal_year)
        row, _created = Period.objects.select_for_update().get_or_create(period=yyyymm)
        if row.is_closed == closed:
            state = "締め済み" if closed else "未締め"
            raise Conflict(f"{yyyymm // 100}年{yyyymm % 100}月は既に{state}です。")
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
    """Reopen a closed month (the reason is kept in the audit log)."""
    return period_set_closed(actor=actor, period=period, closed=False, reason=reason)


# ---------------------------------------------------------------- chart of accounts


ACCOUNT_FIELDS = ["code", "name", "category", "section", "normal_side", "is_active"]


def account_create(*, actor: Any, data: Mapping[str, Any]) -> Account:
    """Add an account (勘定科目) to the chart."""
    from urakata.ledger.models import Category, Section, Side

    errors: Errors = {}
    cleaned = {name: str(data.get(name) or "").strip() for name in ACCOUNT_FIELDS[:5]}
    for name in ("code", "name"):
        if not cleaned[name]:
            _add(errors, name, "必須です。")
    if cleaned["category"] not in Category.values:
        _add(errors, "category", "区分が正しくありません。")
    if cleaned["section"] not in Section.values:
        _add(errors, "section", "表示区分が正しくありません。")
    if not cleaned["normal_side"]:
        cleaned["normal_side"] = (
            Side.DEBIT if cleaned["category"] in (Category.ASSET, Category.EXPENSE) else Side.CREDIT
        )
    if cleaned["normal_side"] not in Side.values:
        _add(errors, "normal_side", "借方/貸方を指定してください。")
    if cleaned["code"] and Account.objects.filter(code=cleaned["code"]).exists():
        _add(errors, "code", f"科目コード「{cleaned['code']}」は既に使われています。")
    if cleaned["name"] and Account.objects.filter(name=cleaned["name"]).exists():
        _add(errors, "name", f"科目名「{cleaned['name']}」は既に使われています。")
    if errors:
        raise ValidationFailed("勘定科目を登録できません。", errors=errors)
    with transaction.atomic():
        account = Account.objects.create(**cleaned)
        audit_record(
            actor=actor,
            action="ledger.account.create",
            target=account,
            changes={k: [None, v] for k, v in cleaned.items()},
        )
        transaction.on_commit(cache.chart_cache_clear)
    cache.chart_cache_clear()
    return account


def account_update(*, actor: Any, account: Account, data: Mapping[str, Any]) -> Account:
    """Rename or (de)activate an account; its category is fixed once lines use it."""
    errors: Errors = {}
    changes: dict[str, list[Any]] = {}
    with transaction.atomic():
        account = Account.objects.select_for_update().get(pk=account.pk)
        if "name" in data:
            name = str(data["name"] or "").strip()
            if not name:
                _add(errors, "name", "必須です。")
            elif Account.objects.filter(name=name).exclude(pk=account.pk).exists():
                _add(errors, "name", f"科目名「{name}」は既に使われています。")
            elif name != account.name:
                changes["name"] = [account.name, name]
        if "is_active" in data and bool(data["is_active"]) != account.is_active:
            changes["is_active"] = [account.is_active, bool(data["is_active"])]
        if errors:
            raise ValidationFailed("勘定科目を更新できません。", errors=errors)
        if changes:
            for name, (_old, new) in changes.items():
                setattr(account, name, new)
            account.save(update_fields=list(changes))
            audit_record(
                actor=actor, action="ledger.account.update", target=account, changes=changes
            )
        transaction.on_commit(cache.chart_cache_clear)
    cache.chart_cache_clear()
    return account


def sub_account_create(*, actor: Any, account: Account, code: str, name: str) -> SubAccount:
    """Add a sub-account (補助科目) under an account."""
    errors: Errors = {}
    code, name = (code or "").strip(), (name or "").strip()
    if not code:
        _add(errors, "code", "必須です。")
    if not name:
        _add(errors, "name", "必須です。")
    if code and SubAccount.objects.filter(account=account, code=code).exists():
        _add(errors, "code", f"補助コード「{code}」は既に使われています。")
    if name and SubAccount.objects.filter(account=account, name=name).exists():
        _add(errors, "name", f"補助科目名「{name}」は既に使われています。")
    if errors:
        raise ValidationFailed("補助科目を登録できません。", errors=errors)
    with transaction.atomic():
        sub = SubAccount.objects.create(account=account, code=code, name=name)
        audit_record(
            actor=actor,
            action="ledger.sub_account.create",
            target=sub,
            changes={"account": account.code, "code": code, "name": name},
        )
        transaction.on_commit(cache.chart_cache_clear)
    cache.chart_cache_clear()
    return sub


def ledger_settings_update(
    *, actor: Any, rounding: str | None = None, tax_entry: str | None = None
) -> LedgerSettings:
    """Change the rounding rule (端数処理) or the default tax entry mode."""
    errors: Errors = {}
    if rounding is not None and rounding not in LedgerSettings.Rounding.values:
        _add(errors, "rounding", "floor / half_up / ceiling のいずれかです。")
    if tax_entry is not None and tax_entry not in LedgerSettings.TaxEntry.values:
        _add(errors, "tax_entry", "inclusive / exclusive のいずれかです。")
    if errors:
        raise ValidationFailed("設定を更新できません。", errors=errors)
    with transaction.atomic():
        options = LedgerSettings.objects.select_for_update().order_by("pk").first()
        if options is None:
            options = LedgerSettings.objects.create()
        changes: dict[str, list[Any]] = {}
        if rounding is not None and rounding != options.rounding:
            changes["rounding"] = [options.rounding, rounding]
            options.rounding = rounding
        if tax_entry is not None and tax_entry != options.tax_entry:
            changes["tax_entry"] = [options.tax_entry, tax_entry]
            options.tax_entry = tax_entry
        options.save()
        audit_record(actor=actor, action="ledger.settings.update", target=options, changes=changes)
        transaction.on_commit(cache.chart_cache_clear)
    cache.chart_cache_clear()
    return options


# ---------------------------------------------------------------- evidence


def attachment_add(*, actor: Any, entry: JournalEntry, filename: str, content: bytes) -> Any:
    """Attach evidence (証憑) to a posted entry; stored by SHA-256, the hash kept in the audit log.

    Adding evidence does not change the entry: attachments are append-only like the lines.
    """
    import hashlib
    from pathlib import PurePath

    from django.conf import settings
    from django.core.files.base import ContentFile

    from urakata.ledger.models import Attachment

    errors: Errors = {}
    name = PurePath((filename or "").replace("\\", "/")).name[:200]
    if not name:
        _add(errors, "file", "ファイル名がありません。")
    if not content:
        _add(errors, "file", "空のファイルです。")
    if len(content) > settings.URAKATA_MAX_UPLOAD_BYTES:
        _add(errors, "file", "ファイルが大きすぎます。")
    if errors:
        raise ValidationFailed("証憑を添付できません。", errors=errors)
    digest = hashlib.sha256(content).hexdigest()
    suffix = PurePath(name).suffix.lower()[:10]
    with transaction.atomic():
        attachment = Attachment(
            entry=entry,
            filename=name,
            sha256=digest,
            size=len(content),
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        )
        attachment.file.save(f"{digest[:2]}/{digest}{suffix}", ContentFile(content), save=False)
        attachment.save()
        audit_record(
            actor=actor,
            action="ledger.attachment.add",
            target=attachment,
            changes={"entry": entry.pk, "filename": name, "sha256": digest, "size": len(content)},
        )
    return attachment
