"""The core table reader: encodings of real files, header aliases, refusals with clear messages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files import File

from urakata.core.errors import ValidationFailed
from urakata.core.tables import Column, decode_text, read_sheet, read_table

TEXT = "社員番号,氏名,メモ\r\nE001,山田 太郎,髙橋・﨑(機種依存文字)\r\nE002,佐藤 花子,'=1+1\r\n"


def _read(path: Path) -> list[list[str]]:
    with path.open("rb") as handle:
        table = read_table(File(handle, name=path.name))
    return [table.header, *[cells for _number, cells in table.rows]]


@pytest.mark.parametrize(
    ("encoding", "prefix"),
    [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp932", b""), ("utf-16", b"")],
    ids=["utf-8", "utf-8-bom", "cp932", "utf-16-bom"],
)
def test_files_in_each_encoding_read_the_same(tmp_path: Path, encoding: str, prefix: bytes) -> None:
    path = tmp_path / "employees.csv"
    path.write_bytes(prefix + TEXT.encode(encoding))
    rows = _read(path)
    assert rows[0] == ["社員番号", "氏名", "メモ"]
    assert rows[1] == ["E001", "山田 太郎", "髙橋・﨑(機種依存文字)"]
    assert rows[2][2] == "'=1+1"  # the reader gives cells as written; mapping unescapes


def test_shift_jis_text_is_not_mistaken_for_utf8() -> None:
    data = "日付,摘要\n2025/04/01,ﾃﾞﾝｷﾀﾞｲ\n".encode("cp932")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert decode_text(data).splitlines()[1] == "2025/04/01,ﾃﾞﾝｷﾀﾞｲ"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.csv", b"", "空です"),
        ("a.csv", b"\x7fELF\x02\x01\x01" + bytes(200), "テキストではありません"),
        ("a.csv", b"\x81\x00\xff\xfe\x81" * 10 + b"\x00", "テキストではありません"),
        ("a.csv", b"code\n\x81\x20\x81\x20\n", "文字コードを判別できません"),
        ("a.txt", b"code\nE1\n", "対応していないファイル形式"),
        ("a.xlsx", b"code,name\nE1,x\n", "Excel ファイル(.xlsx)として読めません"),
        ("a.csv", b"code,name\n\n", "見出し行の下にデータ行がありません"),
    ],
)
def test_refusals_name_the_problem_under_file(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ValidationFailed) as caught, path.open("rb") as handle:
        read_table(File(handle, name=name))
    assert message in caught.value.message
    assert list(caught.value.errors) == ["file"]


COLUMNS = [
    Column("code", "社員番号", aliases=("Employee No", "従業員コード")),
    Column("name", "氏名", aliases=("Name",)),
    Column("memo", "メモ"),
]


@pytest.mark.parametrize(
    "header",
    [
        "社員番号,氏名,メモ",  # Japanese headers
        "code,name,memo",  # field names
        "Employee No,NAME,メモ",  # English aliases, any case
        "従業員コード,Ｎａｍｅ,メモ",  # a Japanese alias; full-width letters (NFKC)
    ],
)
def test_header_aliases_map_to_fields(tmp_path: Path, header: str) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(f"{header}\nE1,山田,'=2*3\n".encode())
    with path.open("rb") as handle:
        sheet = read_sheet(read_table(File(handle, name="a.csv")), COLUMNS, "従業員")
    assert sheet.rows == [(2, {"code": "E1", "name": "山田", "memo": "=2*3"})]
    assert sheet.errors == []


def test_unknown_and_missing_headers_are_reported(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("氏名,部署\n山田,営業\n".encode())
    with pytest.raises(ValidationFailed) as caught, path.open("rb") as handle:
        read_sheet(read_table(File(handle, name="a.csv")), COLUMNS, "従業員")
    assert "不明な列があります: 部署" in caught.value.message
    path.write_bytes("氏名,メモ\n山田,x\n".encode())
    with pytest.raises(ValidationFailed) as caught, path.open("rb") as handle:
        read_sheet(read_table(File(handle, name="a.csv")), COLUMNS, "従業員")
    assert "「社員番号」の列がありません" in caught.value.message


def test_rows_of_the_wrong_width_become_row_errors(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("社員番号,氏名\nE1,山田\nE2,佐藤,余計\nE3\n".encode())
    with path.open("rb") as handle:
        sheet = read_sheet(read_table(File(handle, name="a.csv")), COLUMNS[:2], "従業員")
    assert [number for number, _row in sheet.rows] == [2]
    assert [(e.row, "列の数が見出しと合いません" in e.message) for e in sheet.errors] == [
        (3, True),
        (4, True),
    ]
