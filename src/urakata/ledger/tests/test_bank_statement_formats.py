"""Statement files as banks write them: Shift_JIS, yyyymmdd and 和暦 dates, running balance."""

from __future__ import annotations

import datetime as dt

from urakata.ledger import bank_import

HEADER = "日付,摘要,入金,出金,残高\n"


def test_generic_preset_reads_shift_jis_and_japanese_dates() -> None:
    text = (
        HEADER
        + "20250501,デンキダイ,,12100,987900\n"
        + "R7.5.2,フリコミ アオバショウジ,220000,,1207900\n"
        + "令和7年5月3日,テスウリョウ,,330,1207570\n"
        + "H31/04/30,ヘイセイ,,100,1207470\n"
    )
    rows, errors = bank_import.parse_statement(text.encode("cp932"), "generic")
    assert errors == {}
    assert [r.date for r in rows] == [
        dt.date(2025, 5, 1),
        dt.date(2025, 5, 2),
        dt.date(2025, 5, 3),
        dt.date(2019, 4, 30),
    ]
    assert rows[1].description == "フリコミ アオバショウジ" and rows[1].amount == 220_000


def test_running_balance_is_checked_in_either_order() -> None:
    broken = HEADER + "2025/05/01,A,,100,900\n2025/05/02,B,,100,850\n"
    _rows, errors = bank_import.parse_statement(broken.encode(), "generic")
    assert "row 3" in errors and "850" in errors["row 3"][0]
    newest_first = HEADER + "2025/05/02,B,,100,800\n2025/05/01,A,,100,900\n"
    rows, errors = bank_import.parse_statement(newest_first.encode(), "generic")
    assert errors == {} and len(rows) == 2
