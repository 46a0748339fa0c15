"""Report tables (headers and rows as the report pages show them) and their PDF rendering;
CSV and Excel files are written by `urakata.core.tables`."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from urakata.core.pdf_fonts import pdf_font


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
            for group in section.get("groups") or [{"label": "", "rows": section["rows"]}]:
                if group["label"]:
                    rows.append([f"  {group['label']}", "", group["total"]])
                rows += [
                    ["", f"{r['account_code']} {r['account_name']}".strip(), r["amount"]]
                    for r in group["rows"]
                ]
        rows.append([f"{block['label']}合計", "", block["total"]])
    rows.append(["負債・純資産合計", "", bs["liabilities_and_equity"]])
    return ["区分", "勘定科目", "金額"], rows


def table_pdf(
    title: str, headers: Sequence[str], rows: Sequence[Sequence[Any]], company: str = ""
) -> bytes:
    """A report table as an A4 PDF: company and title, header row repeated on every page,
    amounts right; every page's foot carries the print date and "page n / total"."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = pdf_font()
    if not company:
        from urakata.org import selectors as org_selectors

        found = org_selectors.company_get()
        company = found.name if found else ""
    printed = timezone.localtime().strftime("%Y-%m-%d %H:%M")
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
    heading = ParagraphStyle("title", fontName=font, fontSize=14, leading=18)
    small = ParagraphStyle("company", fontName=font, fontSize=9, leading=12)
    pages = {"total": 0}

    def footer(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawString(15 * mm, 8 * mm, f"{company}  {title}  印刷日時 {printed}")
        total = pages["total"] or doc.page
        canvas.drawRightString(A4[0] - 15 * mm, 8 * mm, f"{doc.page} / {total} ページ")
        canvas.restoreState()

    def story() -> list[Any]:
        table = Table(data, repeatRows=1, colWidths=widths, hAlign="LEFT")
        style = [
            ("FONT", (0, 0), (-1, -1), font, 8.5),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f1f3f6")),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.HexColor("#c9ced6")),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ]
        style += [("ALIGN", (index, 0), (index, -1), "RIGHT") for index in numeric]
        table.setStyle(TableStyle(style))
        return [Paragraph(company, small), Paragraph(title, heading), Spacer(1, 6 * mm), table]

    # Two passes: the first counts the pages so each footer can say "n / total".
    document.build(story(), onFirstPage=footer, onLaterPages=footer)
    pages["total"] = document.page
    out.seek(0)
    out.truncate()
    document.build(story(), onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
