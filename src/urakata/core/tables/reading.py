"""Reading spreadsheet files (CSV, Excel .xlsx), with uploads checked before they are parsed.

Checks, in order: size (core.files.upload_size_problem: URAKATA_MAX_UPLOAD_BYTES), extension, content sniffing (a .xlsx
must be a zip holding a workbook; a CSV must be text), character encoding (UTF-8 with or without
BOM, else Shift_JIS/cp932). Every refusal is a ValidationFailed with a message for people under
the `file` key, never an exception from a parser.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl import load_workbook

from urakata.core.errors import ValidationFailed
from urakata.core.files import upload_size_problem

MAX_ROWS = 50_000
MAX_XLSX_EXPANDED_BYTES = 200 * 1024 * 1024  # 50,000 rows of text fit well within this
# Cells that Excel would run as a formula (CSV injection); escaped with a leading quote on export.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_BINARY_SIGNATURES = (
    b"MZ",  # Windows executable
    b"\x7fELF",
    b"PK\x03\x04",  # zip (also .xlsx / .docx)
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",  # JPEG
    b"GIF8",
    b"\xd0\xcf\x11\xe0",  # old Office (.xls / .doc)
    b"\x1f\x8b",  # gzip
)


@dataclass
class Table:
    """A parsed sheet: the header cells and the data rows with their 1-based row numbers."""

    header: list[str]
    rows: list[tuple[int, list[Any]]] = field(default_factory=list)


def _refuse(message: str) -> ValidationFailed:
    return ValidationFailed(message, errors={"file": [message]})


def _too_many_rows(limit: int) -> str:
    return _("行数が多すぎます。一度に取り込めるのは %(limit)s 行までです。") % {
        "limit": f"{limit:,}"
    }


def read_table(upload: Any, *, max_rows: int = MAX_ROWS) -> Table:
    """Check an uploaded file and read its first sheet; raises ValidationFailed with a clear reason."""
    if upload is None:
        raise _refuse(_("ファイルを選択してください。"))
    too_big = upload_size_problem(
        name=getattr(upload, "name", "") or "", size=getattr(upload, "size", None)
    )
    if too_big:
        raise _refuse(too_big)
    suffix = PurePath(getattr(upload, "name", "") or "").suffix.lower()
    if suffix == ".xls":
        raise _refuse(
            _(
                "古い Excel 形式(.xls)には対応していません。"
                "Excel で .xlsx 形式に保存し直してください。"
            )
        )
    if suffix not in (".csv", ".xlsx"):
        raise _refuse(
            _(
                "対応していないファイル形式です。"
                "CSV(.csv)または Excel(.xlsx)のファイルを選んでください。"
            )
        )
    data = upload.read(settings.URAKATA_MAX_UPLOAD_BYTES + 1)
    too_big = upload_size_problem(name=getattr(upload, "name", "") or "", size=len(data))
    if too_big:  # the reported size may be missing or wrong
        raise _refuse(too_big)
    if not data:
        raise _refuse(_("ファイルが空です。"))
    table = _read_xlsx(data) if suffix == ".xlsx" else _read_csv(data)
    if len(table.rows) > max_rows:
        raise _refuse(_too_many_rows(max_rows))
    return table


# ---------------------------------------------------------------- CSV


def decode_text(data: bytes) -> str:
    """Bytes of a text file as str: UTF-8 with or without BOM, UTF-16 with BOM, else CP932.

    CP932 (Windows Shift_JIS) is tried last: a UTF-8 file of Japanese text is almost never
    valid CP932 and the other way round, so the first decoder that accepts the bytes is right.
    Binary content (an executable or image renamed .csv) is refused with a message for people.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _refuse(_("UTF-16 の文字として読めない部分があります。")) from None
    if (
        any(data.startswith(signature) for signature in _BINARY_SIGNATURES)
        or b"\x00" in data[:8192]
    ):
        raise _refuse(
            _(
                "CSV ファイルとして読めません。中身がテキストではありません"
                "(実行ファイルや画像、圧縮ファイルなどの拡張子を .csv に変えたものではありませんか)。"
            )
        )
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8")
        except UnicodeDecodeError as error:
            raise _refuse(
                _("UTF-8 として読めない文字があります(%(n)s バイト目付近)。")
                % {"n": error.start + 4}
            ) from None
    for encoding in ("utf-8", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _refuse(
        _(
            "文字コードを判別できません。"
            "UTF-8 または Shift_JIS(CP932)で保存した CSV を選んでください。"
        )
    )


def csv_records(text: str) -> Iterator[list[str]]:
    """The records of CSV text, each cell with the export's formula escape undone."""
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for record in reader:
            yield [csv_unescape(cell) for cell in record]
    except csv.Error as error:
        raise _refuse(
            _(
                'CSV の %(line)s 行目を読めません(%(error)s)。引用符(")の対応などを確認してください。'
            )
            % {"line": reader.line_num, "error": error}
        ) from None


def _read_csv(data: bytes) -> Table:
    text = decode_text(data)
    if len(_CONTROL.findall(text[:8192])) > 2:
        raise _refuse(_("CSV ファイルとして読めません。中身がテキストではありません。"))
    reader = csv.reader(io.StringIO(text, newline=""))
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
            if len(records) > MAX_ROWS + 1:
                raise _refuse(_too_many_rows(MAX_ROWS))
    except csv.Error as error:
        raise _refuse(
            _(
                'CSV の %(line)s 行目を読めません(%(error)s)。引用符(")の対応などを確認してください。'
            )
            % {"line": reader.line_num, "error": error}
        ) from None
    return _table(records)


def _table(records: list[list[Any]]) -> Table:
    """Header = the first non-blank row; row numbers count every row, as a spreadsheet shows them."""
    header: list[str] | None = None
    rows: list[tuple[int, list[Any]]] = []
    for number, record in enumerate(records, start=1):
        if all(cell is None or str(cell).strip() == "" for cell in record):
            continue
        if header is None:
            header = ["" if cell is None else str(cell).strip() for cell in record]
            continue
        rows.append((number, record))
    if header is None:
        raise _refuse(_("ファイルにデータがありません。1行目に見出し行を入れてください。"))
    while header and not header[-1]:
        header.pop()
    if not rows:
        raise _refuse(_("見出し行の下にデータ行がありません。"))
    return Table(header=header, rows=rows)


def csv_unescape(value: str) -> str:
    """Undo the export's formula escape: `'=1+1` becomes `=1+1`."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_START:
        return value[1:]
    return value


# ---------------------------------------------------------------- Excel


def _xlsx_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_xlsx(data: bytes) -> Table:
    not_xlsx = _(
        "Excel ファイル(.xlsx)として読めません。ファイルが壊れているか、"
        "拡張子だけを .xlsx に変えた別の形式のファイルです。"
    )
    if not data.startswith(b"PK\x03\x04"):
        raise _refuse(not_xlsx)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "xl/workbook.xml" not in archive.namelist():
                raise _refuse(not_xlsx)
            # A zip can expand to far more than it weighs (zip bomb): refuse before parsing.
            if sum(info.file_size for info in archive.infolist()) > MAX_XLSX_EXPANDED_BYTES:
                raise _refuse(
                    _("Excel ファイルの中身が大きすぎます。行や列を減らして分けてください。")
                )
    except zipfile.BadZipFile:
        raise _refuse(not_xlsx) from None
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any parser failure on untrusted input is the same answer for the user
        raise _refuse(not_xlsx) from None
    try:
        sheet = workbook.worksheets[0]
        records: list[list[Any]] = []
        for values in sheet.iter_rows(values_only=True):
            records.append([_xlsx_value(value) for value in values])
            if len(records) > MAX_ROWS + 1:
                raise _refuse(_too_many_rows(MAX_ROWS))
    except ValidationFailed:
        raise
    except Exception:
        raise _refuse(not_xlsx) from None
    finally:
        workbook.close()
    return _table(records)
