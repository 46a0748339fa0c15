"""The shipped 令和8年分 月額表 against a second, independent machine-readable copy, row by row."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from urakata.payroll import tables
from urakata.payroll.withholding import monthly_tax_table

SECOND_COPY = Path(__file__).parent / "data" / "withholding_monthly_2026_renjaku.txt"


def _second_copy() -> tuple[list[list[str]], list[list[str]]]:
    text = SECOND_COPY.read_text(encoding="utf-8")
    lines = [ln.split() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    split = lines.index(["[default]"])
    return lines[1:split], lines[split + 1 :]


def test_checksum_matches_and_a_changed_table_is_refused(tmp_path, monkeypatch) -> None:
    t = tables.withholding_tables()
    assert t.sha256 == tables.file_sha256(tables.DATA_DIR / "withholding_monthly_r08.csv")
    assert len(t.rows) == 231 and t.rows[0].low == 105_000 and t.rows[-1].high == 740_000
    bad = tmp_path / "data"
    bad.mkdir()
    for name in ("withholding_r08.json", "withholding_monthly_r08.csv"):
        (bad / name).write_bytes((tables.DATA_DIR / name).read_bytes())
    csv_path = bad / "withholding_monthly_r08.csv"
    csv_path.write_text(csv_path.read_text().replace("105000,107000,170", "105000,107000,180"))
    monkeypatch.setattr(tables, "DATA_DIR", bad)
    tables.withholding_tables.cache_clear()
    try:
        with pytest.raises(tables.TableCorrupted):
            tables.withholding_tables()
    finally:
        monkeypatch.undo()
        tables.withholding_tables.cache_clear()


def test_every_row_and_column_matches_the_second_copy() -> None:
    general, default = _second_copy()
    rows = tables.withholding_tables().rows
    kou_rows = [r for r in general if len(r) == 9 and 105_000 <= int(r[0]) < 740_000]
    otsu_rows = {int(r[0]): int(r[1]) for r in default if len(r) == 2}
    assert len(kou_rows) == len(rows) == 231
    checked = 0
    for row, other in zip(rows, kou_rows, strict=True):
        assert row.low == int(other[0])
        for dependents in range(8):
            expected = int(other[1 + dependents])
            # The lookup itself (not just the data) at both ends of the row.
            assert monthly_tax_table(row.low, dependents=dependents) == expected
            assert monthly_tax_table(row.high - 1, dependents=dependents) == expected
            checked += 1
        assert monthly_tax_table(row.low, column="otsu") == otsu_rows[row.low]
        assert monthly_tax_table(row.high - 1, column="otsu") == otsu_rows[row.low]
    assert checked == 231 * 8


def test_segments_above_the_table_match_the_second_copy() -> None:
    general, default = _second_copy()
    t = tables.withholding_tables()
    others = [r for r in general if len(r) == 10]
    assert len(others) == len(t.kou_segments)
    for seg, other in zip(t.kou_segments, others, strict=True):
        assert seg.start == int(other[0]) and seg.rate == Decimal(other[9])
        assert list(seg.base) == [int(v) for v in other[1:9]]
        for dependents in range(8):
            assert monthly_tax_table(seg.start, dependents=dependents) == int(other[1 + dependents])
    otsu = [r for r in default if len(r) == 3 and int(r[0]) > 0]
    assert [(s.start, s.base[0], s.rate) for s in t.otsu_segments] == [
        (int(r[0]), int(r[1]), Decimal(r[2])) for r in otsu
    ]
    low_rate = next(r for r in default if r[0] == "0")
    assert t.otsu_low_rate == Decimal(low_rate[2])
