"""The core table writer: formula escaping in CSV and XLSX, numbers kept usable, streaming."""

from __future__ import annotations

import csv
import datetime as dt
import io
import tracemalloc
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files import File
from openpyxl import load_workbook

from urakata.core.tables import (
    csv_unescape,
    read_table,
    table_response,
    write_csv,
    write_xlsx,
)

DANGEROUS = ["=SUM(A1:A9)", "+81-3-1234", "-2+3", "@cmd", "\t=1", "\r=1", '=HYPERLINK("x")']
HEADER = ["コード", "摘要", "金額", "日付"]


def _csv_rows(data: bytes) -> list[list[str]]:
    text = data.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


def test_csv_escapes_every_formula_start_and_round_trips() -> None:
    rows = [[f"C{i}", text, 1, dt.date(2025, 4, 1)] for i, text in enumerate(DANGEROUS)]
    written = _csv_rows(write_csv(HEADER, rows))
    cells = [row[1] for row in written[1:]]
    assert cells == ["'" + text for text in DANGEROUS]
    assert [csv_unescape(cell) for cell in cells] == DANGEROUS
    assert written[1][2:] == ["1", "2025-04-01"]


def test_csv_keeps_plain_negative_numbers_usable() -> None:
    rows = [["A", -1200, Decimal("-0.5"), "-1200"], ["B", "-1,200", "-3.25", "+7"]]
    written = _csv_rows(write_csv(["a", "b", "c", "d"], rows))
    assert written[1] == ["A", "-1200", "-0.5", "-1200"]
    assert written[2] == ["B", "-1,200", "-3.25", "+7"]


def test_header_cells_are_escaped_too() -> None:
    written = _csv_rows(write_csv(["=cmd", "ok"], []))
    assert written[0] == ["'=cmd", "ok"]


def test_xlsx_stores_formula_like_text_as_quoted_text_and_numbers_as_numbers(
    tmp_path: Path,
) -> None:
    rows = [[f"C{i}", text, -1200, dt.date(2025, 4, 1)] for i, text in enumerate(DANGEROUS)]
    rows.append(["plain", "-1200", Decimal("12.5"), None])
    path = tmp_path / "out.xlsx"
    path.write_bytes(write_xlsx(HEADER, rows, title="=evil"))
    sheet = load_workbook(path).worksheets[0]
    assert [cell.value for cell in sheet[1]] == HEADER
    assert sheet[1][0].font.bold
    for index, text in enumerate(DANGEROUS, start=2):
        cell = sheet.cell(row=index, column=2)
        assert cell.data_type == "s" and cell.value == text  # text, never a formula
        assert cell.quotePrefix  # Excel's "typed with a leading '" flag
        amount = sheet.cell(row=index, column=3)
        assert amount.value == -1200 and amount.data_type == "n"
        assert sheet.cell(row=index, column=4).value == dt.datetime(2025, 4, 1)
    last = len(DANGEROUS) + 2
    assert sheet.cell(row=last, column=2).value == "-1200"
    assert not sheet.cell(row=last, column=2).quotePrefix
    assert sheet.cell(row=last, column=3).value == 12.5
    # no cell anywhere holds a formula
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_xlsx_export_reads_back_through_the_core_reader(tmp_path: Path) -> None:
    path = tmp_path / "back.xlsx"
    path.write_bytes(write_xlsx(["code", "memo"], [["E1", "=1+1"]], title="t"))
    with path.open("rb") as handle:
        table = read_table(File(handle, name="back.xlsx"))
    assert table.header == ["code", "memo"] and table.rows == [(2, ["E1", "=1+1"])]


def _many(count: int) -> Iterator[list[Any]]:
    for index in range(count):
        yield [f"R{index:07d}", "=formula" if index % 1000 == 0 else "摘要テキスト", index, None]


def test_large_csv_export_streams_in_bounded_memory() -> None:
    count = 50_000
    tracemalloc.start()
    try:
        response = table_response(
            file_format="csv", header=HEADER, rows=_many(count), filename="big"
        )
        assert response.streaming
        lines = 0
        escaped = 0
        size = 0
        for chunk in response.streaming_content:  # type: ignore[attr-defined]
            size += len(chunk)
            lines += chunk.count(b"\r\n")
            escaped += chunk.count(b",'=formula,")
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert lines == count + 1  # header + every row
    assert escaped == count // 1000
    assert size > 1_500_000  # the file is megabytes ...
    assert peak < 1_000_000  # ... but never more than a chunk is held at once


def test_large_xlsx_export_is_written_to_disk_not_memory(tmp_path: Path) -> None:
    count = 3_000
    tracemalloc.start()
    try:
        response = table_response(
            file_format="xlsx", header=HEADER, rows=_many(count), filename="big", title="big"
        )
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.streaming and response["Content-Disposition"].endswith('big.xlsx"')
    path = tmp_path / "big.xlsx"
    with path.open("wb") as out:
        for chunk in response.streaming_content:  # type: ignore[attr-defined]
            out.write(chunk)
    response.file_to_stream.close()  # type: ignore[attr-defined]
    assert path.stat().st_size > 50_000
    assert peak < 4_000_000  # write-only mode: rows go to a temporary file as they come
    workbook = load_workbook(path, read_only=True)
    assert sum(1 for _row in workbook.worksheets[0].iter_rows()) == count + 1
    workbook.close()


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_small_exports_are_plain_responses(file_format: str) -> None:
    response = table_response(
        file_format=file_format, header=["a"], rows=[["=1"]], filename="small"
    )
    assert not response.streaming and response["Cache-Control"] == "no-store"
    assert response["Content-Disposition"] == f'attachment; filename="small.{file_format}"'


def test_shift_jis_export_has_no_bom() -> None:
    response = table_response(
        file_format="csv", header=None, rows=iter([["仕訳", "=x"]]), filename="y", encoding="cp932"
    )
    data = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert data.decode("cp932") == "仕訳,'=x\r\n"
    assert response["Content-Type"] == "text/csv; charset=cp932"
