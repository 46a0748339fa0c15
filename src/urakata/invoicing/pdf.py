"""The invoice as an A4 PDF with an embedded Japanese font, laid out the way 経理 expects.

Every 適格請求書 field of facts.md §1.1 is printed as text (so it can be extracted and searched):
① issuer name and 登録番号, ② 取引年月日, ③ items with the ※ mark for 軽減税率 items and the note
"※印は軽減税率(8%)対象", ④ per-rate totals with the rate (10%対象 / 8%対象), ⑤ per-rate
消費税額等, ⑥ the recipient (御中). A credit note (適格返還請求書) also shows the original sale's
date and number (§1.3); a simplified invoice (§1.2) may omit the recipient.
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from urakata.invoicing.calc import RATES
from urakata.invoicing.models import Invoice
from urakata.ledger.exports import pdf_font

TITLES = {
    Invoice.Kind.INVOICE: "請求書",
    Invoice.Kind.SIMPLIFIED: "領収書(適格簡易請求書)",
    Invoice.Kind.CREDIT_NOTE: "適格返還請求書",
}
RATE_LABEL = {"S": "10%対象", "AA": "8%対象(軽減税率)", "G": "0%対象(輸出免税)", "E": "非課税"}
REDUCED_NOTE = "※印は軽減税率(8%)対象"


def yen(value: int) -> str:
    return f"¥{value:,}" if value >= 0 else f"-¥{-value:,}"


def _quantity(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def _date(value: Any) -> str:
    return f"{value.year}年{value.month}月{value.day}日" if value else ""


def _bank_lines(company: Any) -> list[str]:
    if company is None or not getattr(company, "bank_name", ""):
        return []
    kind = company.get_account_type_display() if company.account_type else ""
    return [
        f"{company.bank_name} {company.branch_name} {kind} {company.account_number}".strip(),
        f"口座名義 {company.account_holder_kana}".strip(),
    ]


def invoice_pdf(invoice: Invoice, company: Any) -> bytes:
    """Render one invoice (its lines and per-rate totals as stored) to PDF bytes."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    font = pdf_font()
    base = ParagraphStyle("base", fontName=font, fontSize=9, leading=13)
    title_style = ParagraphStyle("title", parent=base, fontSize=20, leading=26, alignment=1)
    big = ParagraphStyle("big", parent=base, fontSize=13, leading=18)
    right = ParagraphStyle("right", parent=base, alignment=2)

    def p(text: str, style: ParagraphStyle = base) -> Paragraph:
        return Paragraph(
            text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), style
        )

    lines = list(invoice.lines.all())
    blocks = list(invoice.tax_totals.all())
    credit = invoice.kind == Invoice.Kind.CREDIT_NOTE
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=f"{TITLES[Invoice.Kind(invoice.kind)]} {invoice.number}",
        author=getattr(company, "name", ""),
    )
    story: list[Any] = [p(TITLES[Invoice.Kind(invoice.kind)], title_style), Spacer(1, 6 * mm)]

    recipient = invoice.recipient_name or (
        invoice.counterparty.name if invoice.counterparty else ""
    )
    left = []
    if recipient:
        left.append(p(f"{recipient} 御中", big))
    if invoice.subject:
        left.append(p(f"件名: {invoice.subject}"))
    amount_label = "返還金額(税込)" if credit else "ご請求金額(税込)"
    left += [Spacer(1, 3 * mm), p(f"{amount_label} {yen(invoice.total)}", big)]
    if invoice.due_date and not credit:
        left.append(p(f"お支払期限 {_date(invoice.due_date)}"))
    right_col = [
        p(f"請求書番号 {invoice.number or '(下書き)'}", right),
        p(f"発行日 {_date(invoice.issue_date)}", right),
    ]
    if credit:
        right_col.append(p(f"返還等の年月日 {_date(invoice.issue_date)}", right))
        if invoice.original is not None:
            right_col.append(p(f"元の請求書 {invoice.original.number}", right))
        right_col.append(p(f"元の取引年月日 {_date(invoice.transaction_date)}", right))
    elif invoice.period_start:
        right_col.append(
            p(
                f"取引年月日 {_date(invoice.period_start)}〜{_date(invoice.transaction_date)}",
                right,
            )
        )
    else:
        right_col.append(p(f"取引年月日 {_date(invoice.transaction_date)}", right))
    right_col += [Spacer(1, 3 * mm), p(getattr(company, "name", ""), right)]
    for text in (
        f"〒{company.postal_code} {company.address}" if getattr(company, "address", "") else "",
        f"TEL {company.phone}" if getattr(company, "phone", "") else "",
    ):
        if text:
            right_col.append(p(text, right))
    right_col.append(p(f"登録番号 {getattr(company, 'registration_number', '')}", right))
    header = Table([[left, right_col]], colWidths=[95 * mm, 85 * mm])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [header, Spacer(1, 6 * mm)]

    rows: list[list[Any]] = [["品目", "数量", "単位", "単価", "金額(税抜)", "税率"]]
    for line in lines:
        mark = " ※" if line.reduced else ""
        rate = "非課税" if line.tax_category == "E" else f"{int(RATES[line.tax_category] * 100)}%"
        rows.append(
            [
                p(f"{line.description}{mark}"),
                _quantity(line.quantity),
                line.unit,
                f"{line.unit_price:,}",
                f"{line.amount:,}",
                rate,
            ]
        )
    table = Table(
        rows, colWidths=[80 * mm, 18 * mm, 14 * mm, 24 * mm, 28 * mm, 16 * mm], repeatRows=1
    )
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("ALIGN", (1, 1), (1, -1), "RIGHT"),
                ("ALIGN", (3, 1), (4, -1), "RIGHT"),
                ("ALIGN", (5, 1), (5, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story += [table, Spacer(1, 4 * mm)]

    sums: list[list[Any]] = [["税率区分", "対象金額(税抜)", "消費税額等"]]
    for block in blocks:
        sums.append([RATE_LABEL[block.tax_category], yen(block.taxable), yen(block.tax)])
    sums += [
        ["小計(税抜)", yen(invoice.subtotal), ""],
        ["消費税額等 合計", "", yen(invoice.tax_total)],
        ["合計(税込)", yen(invoice.total), ""],
    ]
    sum_table = Table(sums, colWidths=[50 * mm, 40 * mm, 35 * mm], hAlign="RIGHT")
    sum_table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), font),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
            ]
        )
    )
    story += [sum_table, Spacer(1, 3 * mm)]
    if any(line.reduced for line in lines):
        story.append(p(REDUCED_NOTE))
    bank = _bank_lines(company)
    if bank and not credit:
        story += [Spacer(1, 4 * mm), p("振込先")] + [p(text) for text in bank]
        story.append(p("恐れ入りますが、振込手数料は貴社にてご負担ください。"))
    if invoice.notes:
        story += [Spacer(1, 4 * mm), p("備考"), p(invoice.notes)]
    doc.build(story)
    return buffer.getvalue()
