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

from urakata.core.pdf_fonts import pdf_font
from urakata.invoicing.calc import RATES
from urakata.invoicing.models import Invoice

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


class _Styles:
    """The paragraph styles of the page (built once the font is registered)."""

    def __init__(self) -> None:
        from reportlab.lib.styles import ParagraphStyle

        self.font = pdf_font()
        self.base = ParagraphStyle("base", fontName=self.font, fontSize=9, leading=13)
        self.title = ParagraphStyle("title", parent=self.base, fontSize=20, leading=26, alignment=1)
        self.big = ParagraphStyle("big", parent=self.base, fontSize=13, leading=18)
        self.right = ParagraphStyle("right", parent=self.base, alignment=2)

    def p(self, text: str, style: Any = None) -> Any:
        from reportlab.platypus import Paragraph

        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return Paragraph(escaped, style or self.base)


def _addressee(invoice: Invoice, st: _Styles) -> list[Any]:
    """Left block: recipient 御中, subject, amount billed (税込) and the due date."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    credit = invoice.kind == Invoice.Kind.CREDIT_NOTE
    recipient = invoice.recipient_name or (
        invoice.counterparty.name if invoice.counterparty else ""
    )
    left: list[Any] = []
    if recipient:
        left.append(st.p(f"{recipient} 御中", st.big))
    if invoice.subject:
        left.append(st.p(f"件名: {invoice.subject}"))
    amount_label = "返還金額(税込)" if credit else "ご請求金額(税込)"
    left += [Spacer(1, 3 * mm), st.p(f"{amount_label} {yen(invoice.total)}", st.big)]
    if invoice.due_date and not credit:
        left.append(st.p(f"お支払期限 {_date(invoice.due_date)}"))
    return left


def _issuer(invoice: Invoice, company: Any, st: _Styles) -> list[Any]:
    """Right block: number, dates (取引年月日 / 返還等の年月日), issuer and 登録番号."""
    from reportlab.lib.units import mm
    from reportlab.platypus import Spacer

    r = st.right
    col = [
        st.p(f"請求書番号 {invoice.number or '(下書き)'}", r),
        st.p(f"発行日 {_date(invoice.issue_date)}", r),
    ]
    if invoice.kind == Invoice.Kind.CREDIT_NOTE:
        col.append(st.p(f"返還等の年月日 {_date(invoice.issue_date)}", r))
        if invoice.original is not None:
            col.append(st.p(f"元の請求書 {invoice.original.number}", r))
        col.append(st.p(f"元の取引年月日 {_date(invoice.transaction_date)}", r))
    elif invoice.period_start:
        period = f"{_date(invoice.period_start)}〜{_date(invoice.transaction_date)}"
        col.append(st.p(f"取引年月日 {period}", r))
    else:
        col.append(st.p(f"取引年月日 {_date(invoice.transaction_date)}", r))
    col += [Spacer(1, 3 * mm), st.p(getattr(company, "name", ""), r)]
    if getattr(company, "address", ""):
        col.append(st.p(f"〒{company.postal_code} {company.address}", r))
    if getattr(company, "phone", ""):
        col.append(st.p(f"TEL {company.phone}", r))
    col.append(st.p(f"登録番号 {getattr(company, 'registration_number', '')}", r))
    return col


def _grid(
    rows: list[list[Any]], widths: list[float], st: _Styles, extra: list[Any], **kw: Any
) -> Any:
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = Table(rows, colWidths=widths, **kw)
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), st.font),
                ("FONTSIZE", (0, 0), (-1, -1), 9),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                *extra,
            ]
        )
    )
    return table


def _lines_table(
    lines: list[Any], st: _Styles, inclusive: bool = False, extras: tuple[Any, ...] = ()
) -> Any:
    """品目・数量・単位・単価・金額・税率, with ※ on 軽減税率 items."""
    from reportlab.lib.units import mm

    amount = "金額(税込)" if inclusive else "金額(税抜)"
    rows: list[list[Any]] = [["品目", "数量", "単位", "単価", amount, "税率"]]
    for line in lines:
        mark = " ※" if line.reduced else ""
        rate = "非課税" if line.tax_category == "E" else f"{int(RATES[line.tax_category] * 100)}%"
        rows.append(
            [
                st.p(f"{line.description}{mark}"),
                _quantity(line.quantity),
                line.unit,
                f"{line.unit_price:,}",
                f"{line.amount:,}",
                rate,
            ]
        )
    for item in extras:  # 値引き (−) / 送料など (+), each in its rate's totals
        rate = "非課税" if item.tax_category == "E" else f"{int(RATES[item.tax_category] * 100)}%"
        mark = " ※" if item.tax_category == "AA" else ""
        rows.append([st.p(f"{item.reason}{mark}"), "", "", "", f"{item.signed:,}", rate])
    widths = [80 * mm, 18 * mm, 14 * mm, 24 * mm, 28 * mm, 16 * mm]
    align = [
        ("ALIGN", (1, 1), (1, -1), "RIGHT"),
        ("ALIGN", (3, 1), (4, -1), "RIGHT"),
        ("ALIGN", (5, 1), (5, -1), "CENTER"),
    ]
    return _grid(rows, widths, st, align, repeatRows=1)


def _totals_table(invoice: Invoice, blocks: list[Any], st: _Styles) -> Any:
    """税率ごとの対象金額と消費税額等 (10%対象 / 8%対象), then the totals."""
    from reportlab.lib.units import mm

    if invoice.prices_include_tax:  # 税込: each rate's tax-inclusive total and the tax in it
        sums: list[list[Any]] = [["税率区分", "対象金額(税込)", "内消費税額等"]]
        for block in blocks:
            gross = block.taxable + block.tax
            sums.append([RATE_LABEL[block.tax_category], yen(gross), yen(block.tax)])
    else:
        sums = [["税率区分", "対象金額(税抜)", "消費税額等"]]
        for block in blocks:
            sums.append([RATE_LABEL[block.tax_category], yen(block.taxable), yen(block.tax)])
    sums += [
        ["小計(税抜)", yen(invoice.subtotal), ""],
        ["消費税額等 合計", "", yen(invoice.tax_total)],
        ["合計(税込)", yen(invoice.total), ""],
    ]
    widths = [50 * mm, 40 * mm, 35 * mm]
    return _grid(sums, widths, st, [("ALIGN", (1, 0), (-1, -1), "RIGHT")], hAlign="RIGHT")


def invoice_pdf(invoice: Invoice, company: Any) -> bytes:
    """Render one invoice (its lines and per-rate totals as stored) to PDF bytes."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Spacer, Table, TableStyle

    st = _Styles()
    lines = list(invoice.lines.all())
    title = TITLES[Invoice.Kind(invoice.kind)]
    buffer = io.BytesIO()
    margin = 15 * mm
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=margin,
        rightMargin=margin,
        topMargin=margin,
        bottomMargin=margin,
        title=f"{title} {invoice.number}",
        author=getattr(company, "name", ""),
    )
    header = Table(
        [[_addressee(invoice, st), _issuer(invoice, company, st)]], colWidths=[95 * mm, 85 * mm]
    )
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story: list[Any] = [st.p(title, st.title), Spacer(1, 6 * mm), header, Spacer(1, 6 * mm)]
    story += [
        _lines_table(lines, st, invoice.prices_include_tax, tuple(invoice.allowances.all())),
        Spacer(1, 4 * mm),
    ]
    story += [_totals_table(invoice, list(invoice.tax_totals.all()), st), Spacer(1, 3 * mm)]
    if any(line.reduced for line in lines):
        story.append(st.p(REDUCED_NOTE))
    bank = _bank_lines(company)
    if bank and invoice.kind != Invoice.Kind.CREDIT_NOTE:
        story += [Spacer(1, 4 * mm), st.p("振込先"), *[st.p(text) for text in bank]]
        story.append(st.p("恐れ入りますが、振込手数料は貴社にてご負担ください。"))
    if invoice.notes:
        story += [Spacer(1, 4 * mm), st.p("備考"), st.p(invoice.notes)]
    doc.build(story)
    return buffer.getvalue()
