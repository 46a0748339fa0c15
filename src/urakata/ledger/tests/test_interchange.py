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
from urakata.ledger.selectors import EntryFilters
from urakata.org.tests.factories import DepartmentFactory

MAY_2025 = EntryFilters(date_from=dt.date(2025, 5, 1), date_to=dt.date(2025, 5, 31))

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
    may = EntryFilters(date_from=dt.date(2025, 5, 1), date_to=dt.date(2025, 5, 31))
    data = interchange.journal_export(actor=SYSTEM, fmt=fmt, filters=may)
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


def test_cli_import_and_export(tmp_path: Path, accountant: Any) -> None:
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
        "--as",
        accountant.username,
        stdout=StringIO(),
    )
    assert target.read_bytes().decode("cp932").count("\r\n") == 4  # 3 rows + one 2000 row
    bad = tmp_path / "bad.csv"
    bad.write_text("entry,date,account_code,debit,credit\n1,2025-05-01,7290,5,\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command(
            "ledger",
            "import-journal",
            str(bad),
            "--format",
            "csv",
            "--as",
            accountant.username,
            stdout=StringIO(),
        )
    out = StringIO()
    call_command(
        "ledger",
        "import-journal",
        str(target),
        "--format",
        "yayoi",
        "--as",
        accountant.username,
        stdout=out,
    )
    assert "imported 2 entries" in out.getvalue()


def test_yayoi_round_trip_covers_every_tax_code() -> None:
    from urakata.ledger.models import TaxCode

    day = dt.date(2026, 11, 5)
    codes = list(TaxCode.objects.values_list("code", "kind"))
    for code, kind in codes:
        sales_side = kind == "sales"
        returned = code.startswith(("SR", "PR"))
        debit_account, credit_account = ("1140", "5110") if sales_side else ("7290", "1140")
        if returned:
            debit_account, credit_account = credit_account, debit_account
        taxed = debit_account if debit_account != "1140" else credit_account
        lines = [
            {"account": debit_account, "debit": 11_000},
            {"account": credit_account, "credit": 11_000},
        ]
        for line in lines:
            if line["account"] == taxed:
                line["tax_code"] = code
        services.journal_entry_post(
            actor=SYSTEM, date=day, description=f"税区分 {code}", lines=lines, tax_entry="inclusive"
        )
    before = _snapshot()
    november = EntryFilters(date_from=dt.date(2026, 11, 1), date_to=dt.date(2026, 11, 30))
    data = interchange.journal_export(actor=SYSTEM, fmt="yayoi", filters=november)
    text = data.decode("cp932")
    assert "課対仕入別10%区分70%" in text and "共対仕入別10%" in text and "課税売返別10%" in text
    JournalLine.objects.all().delete()
    JournalEntry.objects.all().delete()
    result = interchange.journal_import(actor=SYSTEM, data=data, fmt="yayoi")
    assert result["entries"] == len(codes)
    assert _snapshot() == before
    used = set(JournalLine.objects.exclude(tax_code=None).values_list("tax_code__code", flat=True))
    assert used == {code for code, _kind in codes}


def test_yayoi_qualified_and_internal_spellings() -> None:
    assert interchange.yayoi_tax_lookup("課対仕入込10%適格") == "P10"
    assert interchange.yayoi_tax_lookup("課対仕入内10%") == "P10"
    assert interchange.yayoi_tax_lookup("課対仕入込10%区分70%") == "P10U"
    assert interchange.yayoi_tax_name("P10U", dt.date(2026, 9, 30)).endswith("区分80%")
    assert interchange.yayoi_tax_name("P10U", dt.date(2026, 10, 1)).endswith("区分70%")


def test_yayoi_export_refuses_characters_outside_shift_jis_and_reads_other_dates() -> None:
    services.journal_entry_post(
        actor=SYSTEM,
        date=dt.date(2025, 5, 1),
        description="𠮷野家 会食",  # 𠮷 (U+20BB7) has no Shift_JIS code
        lines=[{"account": "7250", "debit": 3300}, {"account": "1110", "credit": 3300}],
        tax_entry="none",
    )
    with pytest.raises(ValidationFailed) as info:
        interchange.journal_export(actor=SYSTEM, fmt="yayoi", filters=MAY_2025)
    assert "𠮷" in str(info.value.errors)
    assert interchange._date("R07/05/01") == dt.date(2025, 5, 1)
    assert interchange._date("H31/04/30") == dt.date(2019, 4, 30)
    assert interchange._date("20250501") == dt.date(2025, 5, 1)
    assert interchange._date("2025/13/01") is None


def test_yayoi_writes_2000_rows_and_zero_on_the_blank_side() -> None:
    _books()
    text = interchange.journal_export(actor=SYSTEM, fmt="yayoi", filters=MAY_2025).decode("cp932")
    rows = [line.split(",") for line in text.strip().split("\r\n")]
    single = next(r for r in rows if r[0] == "2000")
    assert single[4] == "現金" and single[10] == "普通預金" and single[8] == single[14] == "50000"
    multi = [r for r in rows if r[0] != "2000"]
    assert [r[0] for r in multi] == ["2110", "2100", "2101"]
    assert all((r[8], r[9]) == ("0", "0") or (r[14], r[15]) == ("0", "0") for r in multi)


def _yayoi_row(
    flag: str, closing: str, day: str, debit: tuple[str, int], credit: tuple[str, int], text: str
) -> str:
    """A 25-column 弥生 row; an empty account name with 0 is the unused side."""
    return ",".join(
        [
            *(flag, "", closing, day),
            *(debit[0], "", "", "対象外" if debit[0] else "", str(debit[1]), "0"),
            *(credit[0], "", "", "対象外" if credit[0] else "", str(credit[1]), "0"),
            *(text, "", "", "0", "", "", "0", "0", "no"),
        ]
    )


def test_yayoi_flag_2111_and_closing_column_make_adjustment_entries(accountant: Any) -> None:
    services.period_close(actor=accountant, period="2026-03")
    rows = [
        # 1行の伝票データ (2111), an ordinary entry
        _yayoi_row("2111", "", "2025/05/01", ("消耗品費", 500), ("現金", 500), "伝票"),
        # 本決: 決算整理, accepted in the closed last month of the year
        _yayoi_row(
            "2000", "本決", "2026/03/31", ("減価償却費", 9000), ("減価償却累計額", 9000), "償却"
        ),
        # 中決 on a multi-row 伝票 (the mark is read from its first row)
        _yayoi_row("2110", "中決", "2025/09/30", ("支払利息", 300), ("", 0), "中間"),
        _yayoi_row("2101", "", "2025/09/30", ("", 0), ("未払費用", 300), ""),
    ]
    data = ("\r\n".join(rows) + "\r\n").encode("cp932")
    assert interchange.journal_import(actor=accountant, data=data, fmt="yayoi") == {
        "entries": 3,
        "lines": 4 + 2,
    }
    sources = dict(JournalEntry.objects.values_list("description", "source"))
    assert sources == {
        "伝票": JournalEntry.Source.IMPORT,
        "償却": JournalEntry.Source.ADJUSTMENT,
        "中間": JournalEntry.Source.ADJUSTMENT,
    }
    # Exported back, each 決算整理 entry carries its mark.
    whole_year = EntryFilters(date_from=dt.date(2025, 4, 1), date_to=dt.date(2026, 3, 31))
    text = interchange.journal_export(actor=accountant, fmt="yayoi", filters=whole_year)
    marks = {
        row.split(",")[16]: row.split(",")[2]
        for row in text.decode("cp932").strip().split("\r\n")
        if row.split(",")[0] in ("2000", "2110")
    }
    assert marks == {"伝票": "", "償却": "本決", "中間": "中決"}


def test_yayoi_closing_column_rejects_unknown_marks_and_ordinary_rows_stay_out_of_closed_months(
    accountant: Any,
) -> None:
    services.period_close(actor=accountant, period="2026-03")
    rows = [
        _yayoi_row("2000", "決算", "2025/05/01", ("消耗品費", 500), ("現金", 500), "a"),
        _yayoi_row("2000", "", "2026/03/31", ("減価償却費", 9000), ("減価償却累計額", 9000), "b"),
    ]
    with pytest.raises(ValidationFailed) as info:
        interchange.journal_import(
            actor=accountant, data=("\r\n".join(rows) + "\r\n").encode("cp932"), fmt="yayoi"
        )
    assert "決算「決算」" in " ".join(info.value.errors["row 1"])
    assert "row 2" in info.value.errors  # not marked 本決: the closed month refuses it
    assert JournalEntry.objects.count() == 0
