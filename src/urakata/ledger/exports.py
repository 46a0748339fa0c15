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
    headers = ["科目コード", "勘定科目", "前月繰越", "借方", "貸方", "残高"]
    rows = [
        [r["account_code"], r["account_name"], r["opening"], r["debit"], r["credit"], r["balance"]]
        for r in tb.rows
    ]
    t = tb.totals
    rows.append(
        [
            "",
            "借方科目計",
            t.get("debit_side_opening", 0),
            t.get("debit", 0),
            t.get("credit", 0),
            t.get("debit_side_balance", 0),
        ]
    )
    rows.append(
        ["", "貸方科目計", t.get("credit_side_opening", 0), "", "", t.get("credit_side_balance", 0)]
    )
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


# The PDF uses a Japanese CID font that PDF readers provide (Adobe-Japan1), so nothing is
# embedded and no font file has to be installed on the server.
PDF_FONT = "HeiseiKakuGo-W5"


def table_pdf(title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """A report table as an A4 PDF: title, header row repeated on every page, amounts right."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    if PDF_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(PDF_FONT))
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        title=title,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
    )

    def text(value: Any) -> str:
        return (
            f"{value:,}" if isinstance(value, int) and not isinstance(value, bool) else str(value)
        )

    data = [list(headers), *[[text(cell) for cell in row] for row in rows]]
    numeric = [
        index
        for index in range(len(headers))
        if any(isinstance(row[index], int) for row in rows if index < len(row))
    ]
    numeric_width = 30 * mm
    text_columns = max(1, len(headers) - len(numeric))
    text_width = (document.width - numeric_width * len(numeric)) / text_columns
    widths = [numeric_width if index in numeric else text_width for index in range(len(headers))]
    table = Table(data, repeatRows=1, colWidths=widths, hAlign="LEFT")
    style = [
        ("FONT", (0, 0), (-1, -1), PDF_FONT, 8.5),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f1f3f6")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c9ced6")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
    ]
    style += [("ALIGN", (index, 0), (index, -1), "RIGHT") for index in numeric]
    table.setStyle(TableStyle(style))
    heading = ParagraphStyle("title", fontName=PDF_FONT, fontSize=14, leading=18)
    document.build([Paragraph(title, heading), Spacer(1, 6 * mm), table])
    return out.getvalue()
