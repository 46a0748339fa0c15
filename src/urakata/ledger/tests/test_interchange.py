"""Journal interchange: 弥生 (Shift_JIS) and CSV round trips, atomic imports with row errors."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from urakata.core.errors import ValidationFailed
from urakata.ledger import interchange, services
from urakata.ledger.integrity import line_rows
from urakata.ledger.models import JournalEntry, JournalLine
from urakata.ledger.permissions import SYSTEM
from urakata.org.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def _books() -> None:
    dept = DepartmentFactory(code="D9", name="製造部")
    services.journal_entry_post(
        actor=SYSTEM,
        date=dt.date(2025, 5, 1),
        description="材料仕入",
        lines=[
            {"account": "6120", "debit": 33000, "tax_code": "P10", "department_id": dept.pk},
            {"account": "3120", "credit": 33000, "memo": "5月分"},
        ],
        tax_entry="inclusive",
    )
    services.journal_entry_post(
        actor=SYSTEM,
        date=dt.date(2025, 5, 3),
        description="預金引出",
        lines=[
            {"account": "1110", "debit": 50000},
            {"account": "1140", "sub_account": "01", "credit": 50000},
        ],
        tax_entry="none",
    )


def _snapshot() -> list[Any]:
    return [
        (e.date, e.description, [row[1:] for row in line_rows(e.lines.all())])
        for e in JournalEntry.objects.order_by("date", "number")
    ]


@pytest.mark.parametrize("fmt", ["yayoi", "csv"])
def test_export_then_import_reproduces_the_lines(fmt: str) -> None:
    _books()
    before = _snapshot()
    data = interchange.journal_export(actor=SYSTEM, fmt=fmt, from_period=202505, to_period=202505)
    if fmt == "yayoi":
        text = data.decode("cp932")
        assert text.startswith("2110,") and "仕入高" in text and "課対仕入別10%" in text
    JournalLine.objects.all().delete()
    JournalEntry.objects.all().delete()
    result = interchange.journal_import(actor=SYSTEM, data=data, fmt=fmt)
    assert result["entries"] == 2
    assert _snapshot() == before


def test_yayoi_tax_inclusive_rows_are_split() -> None:
    row = [
        "2000",
        "1",
        "",
        "2025/06/01",
        "消耗品費",
        "",
        "",
        "課対仕入込10%",
        "1100",
        "100",
        "現金",
        "",
        "",
        "対象外",
        "1100",
        "0",
        "コピー用紙",
        "",
        "",
        "0",
        "",
        "",
        "0",
        "0",
        "no",
    ]
    data = (",".join(row) + "\r\n").encode("cp932")
    interchange.journal_import(actor=SYSTEM, data=data, fmt="yayoi")
    lines = {x.account.code: (x.debit, x.credit) for x in JournalLine.objects.all()}
    assert lines == {"7290": (1000, 0), "1570": (100, 0), "1110": (0, 1100)}


def test_bad_rows_are_all_reported_and_nothing_is_posted() -> None:
    csv_text = (
        "entry,date,description,account_code,debit,credit,tax_code\n"
        "1,2025-05-01,ok,7290,100,,\n"
        "1,2025-05-01,ok,1110,,100,\n"
        "2,2025-05-40,bad date,7290,100,,\n"
        "2,2025-05-40,bad date,1110,,100,\n"
        "3,2025-05-02,unbalanced,7290,100,,\n"
        "3,2025-05-02,unbalanced,9999,,90,XX\n"
    )
    with pytest.raises(ValidationFailed) as info:
        interchange.journal_import(actor=SYSTEM, data=csv_text.encode(), fmt="csv")
    errors = info.value.errors
    assert "row 4" in errors and "row 6" in errors
    assert JournalEntry.objects.count() == 0


def test_cli_import_and_export(tmp_path: Path) -> None:
    _books()
    target = tmp_path / "journal.csv"
    call_command(
        "ledger",
        "export-journal",
        "--format",
        "yayoi",
        "--from",
        "2025-04",
        "--to",
        "2025-06",
        "--output",
        str(target),
        stdout=StringIO(),
    )
    assert target.read_bytes().decode("cp932").count("\r\n") == 5
    bad = tmp_path / "bad.csv"
    bad.write_text("entry,date,account_code,debit,credit\n1,2025-05-01,7290,5,\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("ledger", "import-journal", str(bad), "--format", "csv", stdout=StringIO())
    out = StringIO()
    call_command("ledger", "import-journal", str(target), "--format", "yayoi", stdout=out)
    assert "imported 2 entries" in out.getvalue()
