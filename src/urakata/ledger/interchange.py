"""Journal interchange: 弥生会計 仕訳日記帳インポート形式 (Shift_JIS) and plain CSV (UTF-8).

Imports are atomic: every row is checked, every problem is reported with its row number, and
nothing is posted unless all entries are valid.

弥生 rows have 25 columns: 識別フラグ and 決算 (see yayoi_marks.py: 2000/2111 one-row, 2110/2100/2101
first/middle/last row; 中決/本決 → 決算整理), 伝票No, 取引日付, 借方(勘定科目, 補助科目, 部門, 税区分, 金額,
税金額), 貸方(同), 摘要, 番号, 期日, タイプ, 生成元, 仕訳メモ, 付箋1, 付箋2, 調整. Accounts,
sub-accounts and departments are matched by name. A 税区分 containing "込" means the amount
includes tax (the tax amount column is split off to 仮払/仮受消費税等); any other 税区分 means
the amount is already net. Exports write net amounts with the tax lines as their own rows, so an
export re-imports to the same lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.labels import labelled
from urakata.core.permissions import require
from urakata.core.tables import check_format, csv_records, decode_text, write_csv
from urakata.ledger import cache, selectors, services, yayoi_marks
from urakata.ledger.models import JournalEntry, JournalLine, SubAccount
from urakata.org.models import Counterparty, Department

MAX_IMPORT_ROWS = 100_000

# our tax code -> 弥生 税区分 (net amounts: "別"; the tax line is exported on its own row)
YAYOI_TAX = {
    "S10": "課税売上別10%",
    "S08": "課税売上別軽減8%",
    "SNT": "非課売上",
    "SEX": "輸出売上",
    "P10": "課対仕入別10%",
    "P08": "課対仕入別軽減8%",
    "P10U": "課対仕入別10%区分80%",
    "P08U": "課対仕入別軽減8%区分80%",
    "P10C": "共対仕入別10%",
    "P08C": "共対仕入別軽減8%",
    "P10N": "非対仕入別10%",
    "P08N": "非対仕入別軽減8%",
    "PI10": "輸入仕入別10%",
    "SR10": "課税売返別10%",
    "SR08": "課税売返別軽減8%",
    "PR10": "課対仕返別10%",
    "PR08": "課対仕返別軽減8%",
    "PNT": "非課仕入",
    "NT": "不課税",
    "OUT": "対象外",
}
YAYOI_TAX_IN = {name: code for code, name in YAYOI_TAX.items()}
YAYOI_TAX_IN.update({name.replace("別", "込"): code for code, name in YAYOI_TAX.items()})
YAYOI_TAX_IN.update({name.replace("別", "内"): code for code, name in YAYOI_TAX.items()})
for _code in ("P10U", "P08U"):  # the 経過措置 percentage written as of the entry's date
    for _percent in ("70", "50", "30"):
        for _kind in ("別", "込", "内"):
            _name = YAYOI_TAX[_code].replace("区分80%", f"区分{_percent}%").replace("別", _kind)
            YAYOI_TAX_IN[_name] = _code
YAYOI_TAX_IN[""] = ""


def _cp932_ok(char: str) -> bool:
    try:
        char.encode("cp932")
    except UnicodeEncodeError:
        return False
    return True


def yayoi_tax_name(code: str, day: dt.date) -> str:
    """The 弥生 税区分 of a code on a date (区分80% becomes 区分70% from 2026-10-01 …)."""
    name = YAYOI_TAX.get(code, "対象外")
    if "区分80%" in name:
        for since, percent in ((dt.date(2030, 10, 1), "30"), (dt.date(2028, 10, 1), "50")):
            if day >= since:
                return name.replace("区分80%", f"区分{percent}%")
        if day >= dt.date(2026, 10, 1):
            return name.replace("区分80%", "区分70%")
    return name


def yayoi_tax_lookup(name: str) -> str | None:
    """Our code for a 弥生 税区分; "適格" (a registered supplier's invoice) is the plain code."""
    name = name.strip()
    if name in YAYOI_TAX_IN:
        return YAYOI_TAX_IN[name]
    return YAYOI_TAX_IN.get(name.replace("適格", ""))


CSV_HEADER = [
    "entry",
    "date",
    "description",
    "account_code",
    "sub_account_code",
    "debit",
    "credit",
    "tax_code",
    "tax_amount",
    "department_code",
    "counterparty_code",
    "memo",
]


def _masters() -> dict[str, Any]:
    chart = cache.chart(reload=True)
    return {
        "account_by_name": {a.name: a for a in chart.accounts_by_code.values()},
        "sub_by_name": {(s.account_id, s.name): s for s in SubAccount.objects.all()},
        "dept_by_name": {d.name: d.pk for d in Department.objects.all()},
        "dept_by_code": {d.code: d.pk for d in Department.objects.all()},
        "cp_by_code": {c.code: c.pk for c in Counterparty.objects.all()},
        "dept_name_by_id": {d.pk: d.name for d in Department.objects.all()},
    }


# 和暦 era letters as 弥生 writes them (R07/05/01, H31/04/30): the era's year 1.
ERAS = {"R": 2019, "H": 1989, "S": 1926}


def _date(text: str) -> dt.date | None:
    """yyyy/mm/dd, yyyy-mm-dd, yyyymmdd, or 和暦 R07/05/01 (令和7年) / H31/04/30."""
    text = (text or "").strip().replace("-", "/").replace(".", "/")
    try:
        if text[:1].upper() in ERAS:
            era, rest = text[0].upper(), text[1:]
            year, month, day = (int(part) for part in rest.split("/"))
            return dt.date(ERAS[era] + year - 1, month, day)
        if len(text) == 8 and text.isdigit():
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        year, month, day = (int(part) for part in text.split("/"))
        return dt.date(year, month, day)
    except (TypeError, ValueError, IndexError):
        return None


def _parse_yayoi(
    text: str, masters: dict[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    entries: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for row_no, row in enumerate(csv_records(text), start=1):
        if not row or not any(cell.strip() for cell in row):
            continue
        key = f"row {row_no}"
        if len(row) < 17:
            errors.setdefault(key, []).append(
                _("列が足りません(%(value)s列、25列必要)。") % {"value": len(row)}
            )
            continue
        flag, problem = row[0].strip(), yayoi_marks.row_problem(row)
        if problem:
            errors.setdefault(key, []).append(problem)
            continue
        if flag in yayoi_marks.FIRST_ROW_FLAGS:
            current = {
                "source": yayoi_marks.entry_source(row[2]),
                "rows": [],
                "date": _date(row[3]),
                "description": row[16].strip(),
                "first_row": row_no,
                "lines": [],
                "inclusive": False,
            }
            entries.append(current)
            if current["date"] is None:
                errors.setdefault(key, []).append(
                    _("取引日付「%(value)s」が正しくありません。") % {"value": row[3]}
                )
        if current is None:
            errors.setdefault(key, []).append(_("複合仕訳の開始行(2110)がありません。"))
            continue
        current["rows"].append(row_no)
        memo = row[21].strip() if len(row) > 21 else ""
        for side, offset in (("debit", 4), ("credit", 10)):
            name = row[offset].strip()
            amount_text = row[offset + 4].strip()
            if not name and amount_text in ("", "0"):  # the unused side of the row
                continue
            account = masters["account_by_name"].get(name)
            if account is None:
                errors.setdefault(key, []).append(
                    _("勘定科目「%(name)s」がありません。") % {"name": name}
                )
                continue
            line: dict[str, Any] = {"account": account.code, side: amount_text, "memo": memo}
            sub_name = row[offset + 1].strip()
            if sub_name:
                sub = masters["sub_by_name"].get((account.pk, sub_name))
                if sub is None:
                    errors.setdefault(key, []).append(
                        _("補助科目「%(sub_name)s」がありません。") % {"sub_name": sub_name}
                    )
                else:
                    line["sub_account"] = sub
            dept_name = row[offset + 2].strip()
            if dept_name:
                if dept_name not in masters["dept_by_name"]:
                    errors.setdefault(key, []).append(
                        _("部門「%(dept_name)s」がありません。") % {"dept_name": dept_name}
                    )
                line["department_id"] = masters["dept_by_name"].get(dept_name)
            tax_name = row[offset + 3].strip()
            if yayoi_tax_lookup(tax_name) is None:
                errors.setdefault(key, []).append(
                    _("税区分「%(tax_name)s」に対応していません。") % {"tax_name": tax_name}
                )
            else:
                line["tax_code"] = yayoi_tax_lookup(tax_name) or None
                if "込" in tax_name or "内" in tax_name:
                    current["inclusive"] = True
                line["tax_amount"] = row[offset + 5].strip() or "0"
            line["row"] = row_no
            current["lines"].append(line)
        if flag in yayoi_marks.LAST_ROW_FLAGS:
            current = None
    return entries, errors


def _parse_csv(
    text: str, masters: dict[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    records = csv_records(text)
    fieldnames = [name.strip() for name in next(records, [])]
    missing = [name for name in ("entry", "date", "account_code") if name not in fieldnames]
    if missing:
        raise ValidationFailed(
            _("CSVの見出し行が正しくありません。"),
            errors={"header": [_("必要な列: %(value)s") % {"value": ", ".join(missing)}]},
        )
    by_key: dict[str, dict[str, Any]] = {}
    for row_no, cells in enumerate(records, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        row = dict(zip(fieldnames, cells, strict=False))
        key = f"row {row_no}"
        entry_key = (row.get("entry") or "").strip()
        entry = by_key.get(entry_key)
        if entry is None:
            entry = {
                "date": _date(row.get("date", "")),
                "description": (row.get("description") or "").strip(),
                "first_row": row_no,
                "lines": [],
                "inclusive": False,
                "rows": [],
            }
            by_key[entry_key] = entry
            if entry["date"] is None:
                errors.setdefault(key, []).append(
                    _("日付「%(value)s」が正しくありません。") % {"value": row.get("date")}
                )
        entry["rows"].append(row_no)
        account = cache.account_by_code((row.get("account_code") or "").strip())
        line: dict[str, Any] = {
            "account": (row.get("account_code") or "").strip(),
            "debit": (row.get("debit") or "").strip(),
            "credit": (row.get("credit") or "").strip(),
            "tax_code": (row.get("tax_code") or "").strip() or None,
            "tax_amount": (row.get("tax_amount") or "").strip() or "0",
            "memo": (row.get("memo") or "").strip(),
            "row": row_no,
        }
        sub_code = (row.get("sub_account_code") or "").strip()
        if sub_code and account is not None:
            line["sub_account"] = sub_code
        dept = (row.get("department_code") or "").strip()
        if dept:
            if dept not in masters["dept_by_code"]:
                errors.setdefault(key, []).append(
                    _("部門コード「%(dept)s」がありません。") % {"dept": dept}
                )
            line["department_id"] = masters["dept_by_code"].get(dept)
        cp = (row.get("counterparty_code") or "").strip()
        if cp:
            if cp not in masters["cp_by_code"]:
                errors.setdefault(key, []).append(
                    _("取引先コード「%(cp)s」がありません。") % {"cp": cp}
                )
            line["counterparty_id"] = masters["cp_by_code"].get(cp)
        entry["lines"].append(line)
    return list(by_key.values()), errors


def journal_import(*, actor: Any, data: bytes, fmt: str) -> dict[str, int]:
    """Import a journal file atomically; ValidationFailed lists every bad row."""
    require(actor, "ledger.post")
    if fmt not in ("yayoi", "csv"):
        raise ValidationFailed(_("形式は yayoi か csv です。"), errors={"format": [fmt]})
    text = decode_text(data)
    if text.count("\n") > MAX_IMPORT_ROWS:
        raise ValidationFailed(
            _("行数が多すぎます。"),
            errors={"file": [_("%(rows)s行まで") % {"rows": MAX_IMPORT_ROWS}]},
        )
    masters = _masters()
    parse = _parse_yayoi if fmt == "yayoi" else _parse_csv
    entries, errors = parse(text, masters)
    if not entries and not errors:
        raise ValidationFailed(_("仕訳がありません。"), errors={"file": [_("空のファイルです。")]})
    lines_posted = 0
    with transaction.atomic():
        for entry in entries:
            key = f"row {entry['first_row']}"
            lines = [{k: v for k, v in line.items() if k != "row"} for line in entry["lines"]]
            try:
                posted = services.journal_entry_post(
                    actor=actor,
                    date=entry["date"],
                    description=entry["description"] or "インポート仕訳",
                    lines=lines,
                    source=entry.get("source", JournalEntry.Source.IMPORT),
                    source_ref=f"{fmt}:{entry['first_row']}",
                    tax_entry="inclusive" if entry["inclusive"] else "none",
                )
            except ValidationFailed as error:
                for field, messages in error.errors.items():
                    errors.setdefault(key, []).extend(labelled(field, messages))
                continue
            lines_posted += len(lines)
            del posted
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ValidationFailed(
            _("%(value)s行に誤りがあるため、取り込みませんでした。") % {"value": len(errors)},
            errors=errors,
        )
    audit_record(
        actor=actor,
        action="ledger.journal.import",
        target_type="ledger.journalentry",
        changes={"format": fmt, "entries": len(entries), "bytes": len(data)},
    )
    return {"entries": len(entries), "lines": lines_posted}


def _export_rows(
    actor: Any, filters: selectors.EntryFilters
) -> tuple[QuerySet[JournalEntry], int, int]:
    """The entries the journal page lists for these filters, oldest first; entry and line count."""
    entries = selectors.entry_list(actor=actor, filters=filters).order_by(
        "date", "fiscal_year", "number"
    )
    lines = JournalLine.objects.filter(entry__in=entries.values("pk")).count()
    return entries, entries.count(), lines


def _check_shift_jis(
    entries: QuerySet[JournalEntry], entry_rows: Callable[[JournalEntry], list[list[Any]]]
) -> None:
    """Refuse a 弥生 export naming every cell (by entry) that Shift_JIS cannot write."""
    unencodable: dict[str, list[str]] = {}
    for entry in entries.iterator(chunk_size=1000):
        for row in entry_rows(entry):
            for cell in row:
                try:
                    str(cell).encode("cp932")
                except UnicodeEncodeError:
                    bad = "".join(c for c in str(cell) if not _cp932_ok(c))
                    unencodable.setdefault(entry.display_number, []).append(
                        _("「%(text)s」の文字「%(chars)s」はShift_JISで書けません。")
                        % {"text": cell, "chars": bad}
                    )
    if unencodable:
        raise ValidationFailed(
            _("Shift_JISで書けない文字があるため、弥生形式で出力できません。"),
            errors=unencodable,
        )


def journal_export_table(
    *, actor: Any, fmt: str, filters: selectors.EntryFilters
) -> tuple[list[str] | None, Iterator[list[Any]], int]:
    """(header, rows, line count) of the journal as the page filters it, 弥生 or plain CSV;
    records `ledger.journal.export` with the filters and the row count. The rows are read in
    chunks while they are written, so a year of lines never sits in memory at once."""
    require(actor, "ledger.view")
    check_format(fmt, ("csv", "yayoi"))
    entries, entry_count, count = _export_rows(actor, filters)

    def entry_rows(entry: JournalEntry) -> list[list[Any]]:
        lines = list(entry.lines.all())
        if fmt == "csv":
            return [_csv_row(entry, line) for line in lines]
        single = _yayoi_single_row(entry, lines)
        if single is not None:
            return [single]
        return [_yayoi_row(entry, line, i, len(lines)) for i, line in enumerate(lines)]

    def rows() -> Iterator[list[Any]]:
        for entry in entries.iterator(chunk_size=1000):
            yield from entry_rows(entry)

    if fmt == "yayoi":
        # A "?" in place of a character would silently change the books in 弥生: refuse first.
        _check_shift_jis(entries, entry_rows)
    audit_record(
        actor=actor,
        action="ledger.journal.export",
        target_type="ledger.journalentry",
        changes={
            "format": fmt,
            "rows": count,
            "entries": entry_count,
            "filters": filters.as_dict(),
        },
    )
    return (CSV_HEADER if fmt == "csv" else None), rows(), count


def journal_export(*, actor: Any, fmt: str, filters: selectors.EntryFilters) -> bytes:
    """The journal as the page filters it: 弥生 (Shift_JIS) or plain CSV (UTF-8 with BOM)."""
    header, rows, _count = journal_export_table(actor=actor, fmt=fmt, filters=filters)
    if fmt == "yayoi":
        return write_csv(header, rows, encoding="cp932", bom=False)
    return write_csv(header, rows)


def _csv_row(entry: JournalEntry, line: JournalLine) -> list[Any]:
    return [
        entry.display_number,
        entry.date.isoformat(),
        entry.description,
        line.account.code,
        line.sub_account.code if line.sub_account else "",
        line.debit or "",
        line.credit or "",
        line.tax_code.code if line.tax_code else "",
        line.tax_amount or "",
        line.department.code if line.department else "",
        line.counterparty.code if line.counterparty else "",
        line.memo,
    ]


def _yayoi_side(entry: JournalEntry, line: JournalLine) -> list[Any]:
    return [
        line.account.name,
        line.sub_account.name if line.sub_account else "",
        line.department.name if line.department else "",
        yayoi_tax_name(line.tax_code.code, entry.date) if line.tax_code else "",
        line.debit or line.credit,
        line.tax_amount or 0,
    ]


# 弥生 writes 0, not an empty cell, as the amount and tax of the unused side of a row.
YAYOI_BLANK_SIDE = ["", "", "", "", 0, 0]


def _yayoi_single_row(entry: JournalEntry, lines: Sequence[JournalLine]) -> list[Any] | None:
    """A two-line entry (one debit, one credit, same memo) as one 2000 row, as 弥生 writes it."""
    if len(lines) != 2:
        return None
    debit, credit = lines
    # debit first, as the row reads: the re-imported lines keep their order
    if not (debit.debit and credit.credit) or debit.memo != credit.memo:
        return None
    return _yayoi_row_of(
        entry, "2000", _yayoi_side(entry, debit), _yayoi_side(entry, credit), debit.memo
    )


def _yayoi_row(entry: JournalEntry, line: JournalLine, index: int, count: int) -> list[Any]:
    flag = "2110" if index == 0 else ("2101" if index == count - 1 else "2100")
    side = _yayoi_side(entry, line)
    debit_part, credit_part = (side, YAYOI_BLANK_SIDE) if line.debit else (YAYOI_BLANK_SIDE, side)
    return _yayoi_row_of(entry, flag, debit_part, credit_part, line.memo)


def _yayoi_row_of(
    entry: JournalEntry, flag: str, debit_part: list[Any], credit_part: list[Any], memo: str
) -> list[Any]:
    return [
        flag,
        entry.number,
        yayoi_marks.closing_mark(entry),
        entry.date.strftime("%Y/%m/%d"),
        *debit_part,
        *credit_part,
        entry.description,
        "",
        "",
        0,
        "",
        memo,
        0,
        0,
        "no",
    ]
