"""Writing tables as CSV or Excel (.xlsx), streamed when large, formula-escaped always.

Formula injection (CSV injection): a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return is run as a formula by Excel and LibreOffice. Every text cell written here is escaped:
- CSV: a leading `'` is added (`=HYPERLINK(…)` is written `'=HYPERLINK(…)`); the importers remove
  it again (`csv_unescape`), so an export re-imports unchanged.
- XLSX: the cell is stored as a string (never a formula) and marked "quote prefix", Excel's own
  flag for text typed with a leading `'`: it shows the text as typed and keeps it text when edited.
Numbers stay usable: int, Decimal and float values are written as numbers, and a text cell that is
a plain number (`-1200`, `-1,200`, `-0.5`) is left as it is, since a minus sign followed only by
digits cannot run anything. Any other text starting with `-` (`-1+2`, `-A1`) is escaped.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.http import FileResponse, HttpResponse, HttpResponseBase, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.tables.reading import FORMULA_START

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")
_PLAIN_NUMBER = re.compile(r"[-+]?\d[\d,]*(\.\d+)?")
_CHUNK_ROWS = 500  # rows per streamed chunk: few writes, little memory


def needs_escape(text: str) -> bool:
    """True for text a spreadsheet would run as a formula (plain numbers are not escaped)."""
    return text.startswith(FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text)


def escape_text(text: str) -> str:
    """`=1+1` → `'=1+1`; anything else unchanged."""
    return "'" + text if needs_escape(text) else text


def csv_cell(value: Any) -> str:
    """A value as CSV text: dates ISO, numbers as they are, text formula-escaped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | Decimal | float):
        return str(value)
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).isoformat() if timezone.is_aware(value) else str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return escape_text(str(value))


class _Line:
    """A file-like object whose write returns the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def csv_chunks(
    header: Sequence[str] | None,
    rows: Iterable[Sequence[Any]],
    *,
    encoding: str = "utf-8",
    bom: bool = True,
    errors: str = "strict",
) -> Iterator[bytes]:
    """CSV bytes in chunks of rows, CRLF line ends; UTF-8 with BOM by default (Excel reads
    Japanese correctly only with the BOM). `header=None` writes no header row (弥生)."""
    writer = csv.writer(_Line(), lineterminator="\r\n")
    lines: list[str] = ["\ufeff"] if bom and encoding.lower().startswith("utf") else []
    if header is not None:
        lines.append(writer.writerow([escape_text(str(h)) for h in header]))
    for row in rows:
        lines.append(writer.writerow([csv_cell(value) for value in row]))
        if len(lines) >= _CHUNK_ROWS:
            yield "".join(lines).encode(encoding, errors)
            lines = []
    if lines:
        yield "".join(lines).encode(encoding, errors)


def write_csv(header: Sequence[str] | None, rows: Iterable[Sequence[Any]], **options: Any) -> bytes:
    """The whole CSV file as bytes (see `csv_chunks` for the options)."""
    return b"".join(csv_chunks(header, rows, **options))


def _xlsx_cell(sheet: Any, value: Any, *, bold: bool = False) -> Any:
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, bool):
        value = "1" if value else "0"
    if isinstance(value, dt.date):
        cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
        cell.number_format = (
            "yyyy-mm-dd hh:mm:ss" if isinstance(value, dt.datetime) else "yyyy-mm-dd"
        )
    elif isinstance(value, int | Decimal | float):
        cell = WriteOnlyCell(sheet, value=value)  # type: ignore[arg-type]
        if isinstance(value, int):
            cell.number_format = "#,##0"
    else:
        text = "" if value is None else str(value)
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"  # a text like "=HYPERLINK(...)" is stored as text, never a formula
        if needs_escape(text):
            cell.quotePrefix = True  # type: ignore[attr-defined]
    if bold:
        cell.font = Font(bold=True)
    return cell


def write_xlsx_to(
    target: Any, header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str
) -> int:
    """Write one sheet (header row bold and frozen) to a path or binary file; returns the row
    count. openpyxl's write-only mode keeps rows on disk, so memory stays flat for any size."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=(title or "Sheet")[:31])
    sheet.freeze_panes = "A2"
    sheet.append([_xlsx_cell(sheet, h, bold=True) for h in header])
    count = 0
    for row in rows:
        sheet.append([_xlsx_cell(sheet, value) for value in row])
        count += 1
    workbook.save(target)
    return count


def write_xlsx(header: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    """The whole workbook as bytes (small exports; large ones use `table_response`)."""
    with tempfile.TemporaryFile() as handle:
        write_xlsx_to(handle, header, rows, title=title)
        handle.seek(0)
        return handle.read()


@dataclass(frozen=True)
class ExportFile:
    """A file to download."""

    filename: str
    content_type: str
    content: bytes


def check_format(file_format: str, formats: Sequence[str] = FORMATS) -> None:
    """Refuse an unknown export format with a message for people."""
    if file_format not in formats:
        message = _("出力形式は %(formats)s のいずれかを指定してください。") % {
            "formats": " / ".join(formats)
        }
        raise ValidationFailed(message, errors={"format": [message]})


def audit_export(
    *,
    actor: Any,
    action: str,
    file_format: str,
    rows: int,
    filters: dict[str, Any],
    target_type: str = "",
    ip_address: str | None = None,
) -> None:
    """The one event of an export, committed before the file is sent: who took which rows."""
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=action,
            target_type=target_type or action.rsplit(".", 1)[0],
            changes={"format": file_format, "rows": rows, "filters": filters},
            ip_address=ip_address,
        )


def export_file(
    *,
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    file_format: str,
    basename: str,
    title: str,
) -> ExportFile:
    """A small export in memory: `<basename>-YYYYMMDD.csv|xlsx`."""
    check_format(file_format)
    stamp = timezone.localdate().strftime("%Y%m%d")
    if file_format == "xlsx":
        content = write_xlsx(header, rows, title=title)
        return ExportFile(f"{basename}-{stamp}.xlsx", XLSX_CONTENT_TYPE, content)
    return ExportFile(f"{basename}-{stamp}.csv", CSV_CONTENT_TYPE, write_csv(header, rows))


def table_response(
    *,
    file_format: str,
    header: Sequence[str] | None,
    rows: Iterable[Sequence[Any]],
    filename: str,
    title: str = "",
    encoding: str = "utf-8",
    errors: str = "strict",
) -> HttpResponseBase:
    """A download. Rows given as an iterator (a queryset read in chunks) are never held in memory:
    CSV streams row chunks as they are read; XLSX is written to a temporary file (write-only mode)
    and streamed from disk. Rows given as a list (a report already computed) are sent whole.

    `filename` has no extension; `encoding="cp932"` writes Shift_JIS CSV without BOM (弥生)."""
    response: HttpResponseBase
    is_utf8 = encoding.lower().replace("-", "") in ("utf8", "utf8sig")
    content_type = CSV_CONTENT_TYPE if is_utf8 else f"text/csv; charset={encoding}"
    if isinstance(rows, Sequence):
        if file_format == "xlsx":
            content = write_xlsx(header or [], rows, title=title or filename)
            response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        else:
            content = write_csv(header, rows, encoding=encoding, bom=is_utf8, errors=errors)
            response = HttpResponse(content, content_type=content_type)
    elif file_format == "xlsx":
        handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes (and so removes) it
        write_xlsx_to(handle, header or [], rows, title=title or filename)
        handle.seek(0)
        response = FileResponse(handle, content_type=XLSX_CONTENT_TYPE)
    else:
        response = StreamingHttpResponse(
            csv_chunks(header, rows, encoding=encoding, bom=is_utf8, errors=errors),
            content_type=content_type,
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}.{file_format}"'
    response["Cache-Control"] = "no-store"
    return response
