"""All-or-nothing imports through the core helpers: a row error report and nothing written."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from urakata.core.models import AuditEvent
from urakata.core.tables import (
    Column,
    ImportRejected,
    ImportResult,
    RowError,
    audit_import,
    import_atomic,
    read_sheet,
    read_table,
)

pytestmark = pytest.mark.django_db
COLUMNS = [Column("name", "グループ名", aliases=("group",))]


def _import_groups(actor: Any, upload: Any) -> ImportResult:
    """A small importer written with the core helpers, as a domain would write one."""
    sheet = read_sheet(read_table(upload), COLUMNS, "グループ")
    with import_atomic(sheet, "グループ"):
        for number, row in sheet.rows:
            name = str(row.get("name", "")).strip()
            if "/" in name:
                sheet.errors.append(RowError(number, "グループ名", "/ は使えません"))
            elif len(name) > 150:
                sheet.errors.append(RowError(number, "グループ名", "150文字以内"))
            else:
                Group.objects.create(name=name)  # written even before every row is checked
        result = ImportResult(total=len(sheet.rows), created=len(sheet.rows))
        audit_import(actor=actor, action="core.group.import", upload=upload, result=result)
    return result


def test_one_bad_row_writes_nothing_and_reports_every_problem() -> None:
    before = AuditEvent.objects.count()
    content = "グループ名\n営業\n総務/人事\n経理\n" + "x" * 151 + "\n"
    upload = SimpleUploadedFile("groups.csv", content.encode("cp932"))
    with pytest.raises(ImportRejected) as caught:
        _import_groups(None, upload)
    assert [(e.row, e.column) for e in caught.value.rows] == [(3, "グループ名"), (5, "グループ名")]
    assert "2 行に誤りがあります" in caught.value.message
    assert caught.value.errors == {
        "3:グループ名": ["/ は使えません"],
        "5:グループ名": ["150文字以内"],
    }
    assert Group.objects.count() == 0  # 営業 and 経理 were rolled back with the rest
    assert AuditEvent.objects.count() == before


def test_a_clean_file_is_written_with_one_import_event() -> None:
    upload = SimpleUploadedFile("groups.csv", "\ufeffgroup\n営業\n経理\n".encode())
    result = _import_groups(None, upload)
    assert result.created == 2
    assert sorted(Group.objects.values_list("name", flat=True)) == ["営業", "経理"]
    event = AuditEvent.objects.get(action="core.group.import")
    assert event.changes == {
        "file": "groups.csv",
        "total": 2,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }
