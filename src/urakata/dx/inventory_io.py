"""The 業務棚卸し表 as a spreadsheet: export, a template to fill in, and an all-or-nothing import."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import diff
from urakata.core.permissions import require
from urakata.core.tables import (
    Column,
    ExportFile,
    ImportResult,
    RowError,
    audit_export,
    audit_import,
    audit_many,
    choice_label,
    export_file,
    header_of,
    mark_duplicates,
    read_sheet,
    read_table,
    reject_if_errors,
)
from urakata.dx.models import Frequency, Process
from urakata.dx.services import FLAGS, PROCESS_FIELDS, process_clean

COLUMNS = [
    Column("code", "業務コード", aliases=("コード", "No")),
    Column("name", "業務名"),
    Column("department", "部署コード"),
    Column("department_name", "部署名", export_only=True),
    Column("owner", "業務責任者", aliases=("担当者", "責任者")),
    Column("description", "業務内容"),
    Column("frequency", "頻度", Frequency),
    Column("count_per_period", "回数", aliases=("頻度あたり回数",)),
    Column("minutes", "1回の時間(分)", aliases=("所要時間(分)", "時間(分)")),
    Column("people", "人数", aliases=("関わる人数",)),
    Column("siloed", "属人化"),
    Column("paper", "紙・押印", aliases=("紙", "押印")),
    Column("double_entry", "二重入力"),
    Column("transcription", "転記"),
    Column("systems", "使用システム", aliases=("システム",)),
    Column("pain_points", "課題", aliases=("課題・困りごと", "困りごと")),
    Column("request_type", "申請の種類"),
    Column("hours", "年間時間", export_only=True),
]
EXAMPLE = [
    "P-001",
    "請求書の発行",
    "SALES",
    "",
    "",
    "受注データから請求書を作成し郵送する",
    "毎月",
    "1",
    "120",
    "2",
    "○",
    "○",
    "○",
    "",
    "Excel、会計ソフト",
    "Excel から会計ソフトへ手入力",
    "",
    "",
]


def _row(process: Process) -> list[Any]:
    values: list[Any] = []
    for column in COLUMNS:
        name = column.field
        if name == "department":
            values.append(process.department.code if process.department else "")
        elif name == "department_name":
            values.append(process.department.name if process.department else "")
        elif name == "owner":
            values.append(process.owner.get_username() if process.owner else "")
        elif name == "frequency":
            values.append(choice_label(Frequency, process.frequency))
        elif name in FLAGS:
            values.append("○" if getattr(process, name) else "")
        elif name == "hours":
            values.append(process.hours_per_year)
        else:
            values.append(getattr(process, name))
    return values


def inventory_export(*, actor: Any, file_format: str) -> ExportFile:
    """The whole 業務棚卸し表 as CSV or Excel; records `dx.process.export`."""
    require(actor, "dx.manage")
    processes = Process.objects.select_related("department", "owner").order_by("code")
    rows = [_row(p) for p in processes]
    result = export_file(
        header=[c.header for c in COLUMNS],
        rows=rows,
        file_format=file_format,
        basename="dx-inventory",
        title=_("業務棚卸し表"),
    )
    audit_export(
        actor=actor, action="dx.process.export", file_format=file_format, rows=len(rows), filters={}
    )
    return result


def inventory_template(*, actor: Any) -> ExportFile:
    """An empty 業務棚卸し表 (Excel) with the headers and one example row."""
    require(actor, "dx.manage")
    return export_file(
        header=[c.header for c in COLUMNS],
        rows=[EXAMPLE],
        file_format="xlsx",
        basename="dx-inventory-template",
        title=_("業務棚卸し表"),
    )


def inventory_import(*, actor: Any, upload: Any) -> ImportResult:
    """Create or update processes by 業務コード from CSV/Excel: every row or none."""
    require(actor, "dx.manage")
    entity = _("業務棚卸し表")
    sheet = read_sheet(read_table(upload), COLUMNS, entity)

    def code_of(row: dict[str, Any]) -> str:
        return str(row.get("code", "")).strip()

    result = ImportResult(total=len(sheet.rows))
    with transaction.atomic():
        duplicated = mark_duplicates(sheet, code_of, sheet.columns["code"].header)
        existing = {
            p.code: p
            for p in Process.objects.select_for_update().filter(
                code__in=[code_of(r) for _n, r in sheet.rows]
            )
        }
        creates: list[Process] = []
        updates: list[tuple[Process, dict[str, Any]]] = []
        for number, row in sheet.rows:
            if number in duplicated:
                continue
            instance = existing.get(code_of(row))
            if instance is not None:
                # Columns missing from the file keep their stored values.
                row = {**{f: getattr(instance, f) for f in PROCESS_FIELDS}, **row}
            values, errors = process_clean(row)
            for name, messages in errors.items():
                header = header_of(sheet, name, COLUMNS)
                sheet.errors.extend(RowError(number, header, m) for m in messages)
            if errors:
                continue
            if instance is None:
                creates.append(Process(**values))
                continue
            changes = diff(instance, PROCESS_FIELDS, values)
            if not changes:
                result.unchanged += 1
                continue
            for key, value in values.items():
                setattr(instance, key, value)
            instance.updated_at = timezone.now()
            instance.save()
            updates.append((instance, changes))
        reject_if_errors(sheet, entity)
        created = Process.objects.bulk_create(creates)
        audit_many(
            actor=actor,
            action="dx.process.create",
            items=[(p, {"code": [None, p.code]}) for p in created],
        )
        audit_many(actor=actor, action="dx.process.update", items=updates)
        result.created = len(created)
        result.updated = len(updates)
        audit_import(actor=actor, action="dx.process.import", upload=upload, result=result)
    return result
