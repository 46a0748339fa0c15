"""Report tables as CSV (UTF-8 with BOM, opens in Excel) or Excel workbooks (openpyxl)."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font


def table_csv(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(headers)
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def table_xlsx(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title[:31]
    sheet.append(list(headers))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for column in sheet.iter_cols(min_row=2):
        for cell in column:
            if isinstance(cell.value, int):
                cell.number_format = "#,##0"
    sheet.column_dimensions["B"].width = 28
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def trial_balance_table(tb: Any) -> tuple[list[str], list[list[Any]]]:
    headers = ["科目コード", "勘定科目", "期首残高", "借方", "貸方", "残高"]
    rows = [
        [r["account_code"], r["account_name"], r["opening"], r["debit"], r["credit"], r["balance"]]
        for r in tb.rows
    ]
    rows.append(["", "合計", "", tb.totals["debit"], tb.totals["credit"], ""])
    return headers, rows


def profit_and_loss_table(pl: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    rows: list[list[Any]] = []
    for section in pl["sections"]:
        if section["kind"] == "section":
            rows.append([str(section["label"]), "", ""])
            rows += [
                ["", f"{r['account_code']} {r['account_name']}", r["amount"]]
                for r in section["rows"]
            ]
            rows.append([f"{section['label']}合計", "", section["total"]])
        else:
            rows.append([section["label"], "", section["total"]])
    return ["区分", "勘定科目", "金額"], rows


def balance_sheet_table(bs: dict[str, Any]) -> tuple[list[str], list[list[Any]]]:
    rows: list[list[Any]] = []
    for block in bs["blocks"]:
        rows.append([block["label"], "", ""])
        for section in block["sections"]:
            rows.append([str(section["label"]), "", section["total"]])
            rows += [
                ["", f"{r['account_code']} {r['account_name']}".strip(), r["amount"]]
                for r in section["rows"]
            ]
        rows.append([f"{block['label']}合計", "", block["total"]])
    rows.append(["負債・純資産合計", "", bs["liabilities_and_equity"]])
    return ["区分", "勘定科目", "金額"], rows
