"""Header mapping and the row-level error report of an import: columns, aliases, all-or-nothing.

A file's header cells are matched to fields by the column's Japanese header, its field name, or
any alias (`Column("email", "メールアドレス", aliases=("E-mail", "メール"))`), compared after NFKC,
without spaces and case-insensitively. Every problem found while checking rows is collected as a
`RowError`; `reject_if_errors` raises `ImportRejected` with all of them, so the caller's
transaction writes nothing (see `import_atomic`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.tables.reading import Table, csv_unescape


@dataclass(frozen=True)
class Column:
    """One column of an import/export file: the field it maps to, its header and aliases."""

    field: str
    header: str
    choices: type[models.TextChoices] | None = None
    export_only: bool = False  # shown for people (部署名), ignored when importing
    aliases: tuple[str, ...] = ()  # other headers accepted on import (English, older names)


@dataclass(frozen=True)
class RowError:
    """One problem in an import file: spreadsheet row number (header = 1), column, message."""

    row: int
    column: str
    message: str


class ImportRejected(ValidationFailed):
    """The file had problems; nothing was written. `rows` lists every one of them."""

    def __init__(self, message: str, *, rows: list[RowError]) -> None:
        errors: dict[str, list[str]] = {}
        for problem in rows:
            errors.setdefault(f"{problem.row}:{problem.column}", []).append(problem.message)
        super().__init__(message, errors=errors)
        self.rows = rows


@dataclass
class ImportResult:
    """What an import did."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def header_key(text: str) -> str:
    """A header cell as compared: NFKC, no spaces, lower case (ＥＭＡＩＬ == email)."""
    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")


@cache
def choice_values(choices: type[models.TextChoices]) -> dict[str, str]:
    """Accept the stored value or the Japanese label: 正社員 → regular."""
    with translation.override("ja"):
        mapping = {header_key(str(label)): value for value, label in choices.choices}
    mapping.update({header_key(value): value for value in choices.values})
    return mapping


@cache
def _choice_labels(choices: type[models.TextChoices]) -> dict[str, str]:
    with translation.override("ja"):
        return {value: str(label) for value, label in choices.choices}


def choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The Japanese label written to files (files do not change with the UI language)."""
    return _choice_labels(choices).get(value, value) if value else ""


@dataclass
class Sheet:
    """A table mapped to fields: each row as {field: value}, and the problems found so far."""

    columns: dict[str, Column]  # field -> column, for the columns present in the file
    rows: list[tuple[int, dict[str, Any]]]
    errors: list[RowError] = field(default_factory=list)


def _lookup(columns: Sequence[Column]) -> dict[str, Column]:
    lookup: dict[str, Column] = {}
    for column in columns:
        for name in (column.header, column.field, *column.aliases):
            lookup[header_key(name)] = column
    return lookup


def map_header(
    header: Sequence[str], columns: Sequence[Column], entity: Any
) -> list[Column | None]:
    """The column of each header cell (None for a blank cell); the first column is required."""
    lookup = _lookup(columns)
    mapped: list[Column | None] = []
    unknown: list[str] = []
    seen: set[str] = set()
    duplicated: list[str] = []
    for cell in header:
        found = lookup.get(header_key(cell)) if cell else None
        if cell and found is None:
            unknown.append(cell)
        if found is not None:
            if found.field in seen:
                duplicated.append(cell)
            seen.add(found.field)
        mapped.append(found)
    expected = "、".join(c.header for c in columns if not c.export_only)
    problems: list[str] = []
    if unknown:
        problems.append(
            _("見出し行に不明な列があります: %(unknown)s。使える見出し: %(expected)s")
            % {"unknown": "、".join(unknown), "expected": expected}
        )
    if duplicated:
        problems.append(
            _("同じ列が2回以上あります: %(columns)s") % {"columns": "、".join(duplicated)}
        )
    code = columns[0]
    if code.field not in seen and not unknown:
        problems.append(
            _(
                "見出し行に「%(code)s」の列がありません。"
                "1行目は見出し行にしてください(%(entity)sの見出し: %(expected)s)。"
            )
            % {"code": code.header, "entity": entity, "expected": expected}
        )
    if problems:
        raise ValidationFailed(problems[0], errors={"file": problems})
    return mapped


def _width_error(cells: list[Any], width: int) -> str | None:
    # Trailing empty cells are harmless; a row with more or fewer cells is a broken file
    # (a stray comma or a missing quote shifts every later value into the wrong column).
    extra = [c for c in cells[width:] if c is not None and str(c).strip() != ""]
    if not extra and len(cells) >= width:
        return None
    count = len(cells) - (len(cells[width:]) - len(extra)) if extra else len(cells)
    return _("列の数が見出しと合いません(見出し %(width)s 列、この行 %(count)s 列)。") % {
        "width": width,
        "count": count,
    }


def read_sheet(table: Table, columns: Sequence[Column], entity: Any) -> Sheet:
    """Map a table's rows to {field: value}; rows of the wrong width become row errors."""
    mapped = map_header(table.header, columns, entity)
    width = len(mapped)
    sheet = Sheet(columns={c.field: c for c in mapped if c is not None}, rows=[])
    for number, cells in table.rows:
        problem = _width_error(cells, width)
        if problem is not None:
            sheet.errors.append(RowError(number, "", problem))
            continue
        row: dict[str, Any] = {}
        for index, column in enumerate(mapped):
            if column is None or column.export_only:
                continue
            value = cells[index] if index < len(cells) else ""
            if isinstance(value, str):
                value = csv_unescape(value.strip())
            if column.choices is not None and isinstance(value, str) and value:
                value = choice_values(column.choices).get(header_key(value), value)
            row[column.field] = value
        sheet.rows.append((number, row))
    return sheet


def header_of(
    sheet: Sheet,
    field_name: str,
    columns: Sequence[Column],
    renamed: Mapping[str, str] | None = None,
) -> str:
    """The header people see for a field a service reported an error on (`renamed`: field → column)."""
    name = (renamed or {}).get(field_name, field_name)
    column = sheet.columns.get(name) or next((c for c in columns if c.field == name), None)
    return column.header if column is not None else field_name


def mark_duplicates(sheet: Sheet, code_of: Callable[[dict[str, Any]], str], label: str) -> set[int]:
    """Rows whose code already appeared higher up in the file; each gets an error."""
    first_row: dict[str, int] = {}
    duplicated: set[int] = set()
    for number, row in sheet.rows:
        code = code_of(row)
        if not code:
            continue
        if code in first_row:
            sheet.errors.append(
                RowError(
                    number,
                    label,
                    _("%(label)s「%(code)s」がファイル内で重複しています(%(first)s行目と同じ)。")
                    % {"label": label, "code": code, "first": first_row[code]},
                )
            )
            duplicated.add(number)
        else:
            first_row[code] = number
    return duplicated


def reject_if_errors(sheet: Sheet, entity: Any) -> None:
    """Raise ImportRejected with every problem, sorted by row, if the sheet has any."""
    if sheet.errors:
        sheet.errors.sort(key=lambda e: (e.row, e.column))
        rows = len({e.row for e in sheet.errors})
        raise ImportRejected(
            _(
                "%(entity)sを取り込めませんでした。%(rows)s 行に誤りがあります。"
                "ファイルを修正してもう一度取り込んでください(何も登録・更新していません)。"
            )
            % {"entity": entity, "rows": rows},
            rows=sheet.errors,
        )


@contextmanager
def import_atomic(sheet: Sheet, entity: Any) -> Iterator[Sheet]:
    """All or nothing: the block checks and writes inside one transaction; any row error rolls
    everything back and raises ImportRejected with the whole report.

        with import_atomic(sheet, _("取引先")):
            ...check each row, append RowError to sheet.errors, write when clean...
    """
    with transaction.atomic():
        yield sheet
        reject_if_errors(sheet, entity)


def audit_import(
    *, actor: Any, action: str, upload: Any, result: ImportResult, target_type: str = ""
) -> None:
    """The one event of an import: who, which file, and what it did."""
    audit_record(
        actor=actor,
        action=action,
        target_type=target_type or action.rsplit(".", 1)[0],
        changes={"file": str(getattr(upload, "name", ""))[:200], **result.as_dict()},
    )
