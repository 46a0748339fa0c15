"""Counterparty (取引先) import and export: by 取引先コード, all rows or none."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from urakata.core.audit import diff
from urakata.core.errors import Conflict
from urakata.core.permissions import require
from urakata.core.tables import (
    BATCH,
    Column,
    ExportFile,
    ImportResult,
    RowError,
    audit_export,
    audit_import,
    audit_many,
    by_code,
    check_format,
    choice_label,
    export_file,
    header_of,
    mark_duplicates,
    read_sheet,
    read_table,
    reject_if_errors,
    update_many,
)
from urakata.org import selectors, services
from urakata.org.models import BankAccountFields, Counterparty

BANK_COLUMNS = [
    Column("bank_code", "銀行コード"),
    Column("bank_name", "銀行名"),
    Column("branch_code", "支店コード"),
    Column("branch_name", "支店名"),
    Column("account_type", "預金種目", BankAccountFields.AccountType),
    Column("account_number", "口座番号"),
    Column("account_holder_kana", "口座名義(カナ)"),
]
COUNTERPARTY_COLUMNS = [
    Column("code", "取引先コード"),
    Column("name", "取引先名"),
    Column("name_kana", "取引先名(カナ)"),
    Column("corporate_number", "法人番号"),
    Column("registration_number", "登録番号"),
    Column("is_customer", "得意先"),
    Column("is_supplier", "仕入先"),
    Column("postal_code", "郵便番号"),
    Column("address", "住所"),
    Column("phone", "電話番号"),
    Column("email", "メールアドレス"),
    Column("is_active", "有効"),
    *BANK_COLUMNS,
]


def _counterparty_export_row(counterparty: Counterparty) -> list[Any]:
    row: list[Any] = []
    for column in COUNTERPARTY_COLUMNS:
        value = getattr(counterparty, column.field)
        if isinstance(value, bool):
            value = "1" if value else "0"
        elif column.choices is not None:
            value = choice_label(column.choices, value)
        row.append(value)
    return row


def counterparty_export(
    *, actor: Any, filters: selectors.CounterpartyFilters, file_format: str
) -> ExportFile:
    """The filtered 取引先一覧 as CSV or Excel, in one query; records `org.counterparty.export`."""
    require(actor, "org.import_export")
    require(actor, "org.manage_counterparties")
    check_format(file_format)
    queryset = selectors.counterparty_list(actor=actor, filters=filters)
    rows = [_counterparty_export_row(c) for c in queryset.iterator(chunk_size=2000)]
    result = export_file(
        header=[c.header for c in COUNTERPARTY_COLUMNS],
        rows=rows,
        file_format=file_format,
        basename="counterparties",
        title=_("取引先"),
    )
    audit_export(
        actor=actor,
        action="org.counterparty.export",
        file_format=file_format,
        rows=len(rows),
        filters=asdict(filters),
    )
    return result


def _zero_pad(row: dict[str, Any]) -> None:
    """Excel drops leading zeros from 銀行コード 0005; put them back when the digits fit."""
    for name, width in (("bank_code", 4), ("branch_code", 3), ("account_number", 7)):
        value = row.get(name)
        if isinstance(value, str) and value.isdigit() and len(value) < width:
            row[name] = value.zfill(width)


def counterparty_import(*, actor: Any, upload: Any) -> ImportResult:
    """Create or update 取引先 by 取引先コード from a CSV/Excel file: all rows or none."""
    require(actor, "org.import_export")
    require(actor, "org.manage_counterparties")
    sheet = read_sheet(read_table(upload), COUNTERPARTY_COLUMNS, _("取引先"))

    def code_of(row: dict[str, Any]) -> str:
        return str(row.get("code", "")).strip()

    try:
        with transaction.atomic():
            duplicated = mark_duplicates(sheet, code_of, sheet.columns["code"].header)
            existing = by_code(
                Counterparty, [code_of(r) for _n, r in sheet.rows if code_of(r)], lock=True
            )
            creates: list[dict[str, Any]] = []
            updates: list[tuple[Counterparty, dict[str, list[Any]]]] = []
            unchanged = 0
            for number, row in sheet.rows:
                if number in duplicated:
                    continue
                _zero_pad(row)
                instance = existing.get(code_of(row))
                cleaned, errors = services.counterparty_clean(
                    data=row, instance=instance, check_unique=False
                )
                for name, messages in errors.items():
                    header = header_of(sheet, name, COUNTERPARTY_COLUMNS)
                    sheet.errors.extend(RowError(number, header, m) for m in messages)
                if errors:
                    continue
                if instance is None:
                    creates.append(cleaned)
                    continue
                changes = diff(instance, services.COUNTERPARTY_FIELDS, cleaned)
                if not changes:
                    unchanged += 1
                    continue
                for name in changes:
                    setattr(instance, name, cleaned[name])
                updates.append((instance, changes))
            reject_if_errors(sheet, _("取引先"))
            new = Counterparty.objects.bulk_create(
                [Counterparty(**c) for c in creates], batch_size=BATCH
            )
            update_many(Counterparty, updates)
            audit_many(
                actor=actor,
                action="org.counterparty.create",
                items=[
                    (obj, {k: [None, v] for k, v in c.items()})
                    for obj, c in zip(new, creates, strict=True)
                ],
            )
            audit_many(actor=actor, action="org.counterparty.update", items=updates)
            result = ImportResult(
                total=len(sheet.rows), created=len(new), updated=len(updates), unchanged=unchanged
            )
            audit_import(
                actor=actor, action="org.counterparty.import", upload=upload, result=result
            )
    except IntegrityError:
        raise Conflict(
            _("同時に別の更新があったため取り込めませんでした。もう一度お試しください。")
        ) from None
    return result
