"""発注書 (purchase order) as an A4 PDF with an embedded Japanese font, and its tax per rate.

Prices in the catalogue exclude consumption tax. The tax is computed once per rate on the
order's net total per rate and floored (消費税法施行令 70条の10 / インボイス通達 3-12: one
rounding per rate per document; the direction is the issuer's choice — see
shared/compliance/facts.md §1.4), the same rule a 適格請求書 follows, so the vendor's invoice
for the same lines gives the same tax.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from urakata.core.pdf_fonts import pdf_font
from urakata.facilities.models import PurchaseOrder, PurchaseOrderLine


@dataclass(frozen=True)
class RateTotal:
    """The net amount, tax and gross of one tax rate on an order."""

    rate: Decimal
    net: int
    tax: int

    @property
    def label(self) -> str:
        return f"{int(self.rate * 100)}%"


def order_tax(lines: list[PurchaseOrderLine]) -> list[RateTotal]:
    """Per rate (highest first): Σ net, floor(Σ net × rate) — one rounding per rate."""
    nets: dict[Decimal, int] = {}
    for line in lines:
        nets[line.tax_rate] = nets.get(line.tax_rate, 0) + line.amount
    return [
        RateTotal(rate, net, int((net * rate).to_integral_value(rounding=ROUND_FLOOR)))
        for rate, net in sorted(nets.items(), reverse=True)
    ]


def yen(value: int) -> str:
    return f"¥{value:,}"


def _qty(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _ours(company: Any) -> list[str]:
    if company is None:
        return []
    found = [
        company.name,
        f"〒{company.postal_code} {company.address}" if company.address else "",
        f"TEL {company.phone}" if company.phone else "",
        f"登録番号 {company.registration_number}" if company.registration_number else "",
    ]
    return [x for x in found if x]


def _header(order: PurchaseOrder, company: Any, font: str, gross: int) -> list[Any]:
    """Vendor 御中, number and date, our name; then the terms (amount, 納期, 納品先)."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    body = ParagraphStyle("po", fontName=font, fontSize=9.5, leading=13)
    big = ParagraphStyle("po-big", fontName=font, fontSize=13, leading=18)
    numbers = f"発注番号 {order.number}<br/>発注日 {order.ordered_on:%Y年%m月%d日}"
    head = Table(
        [
            [Paragraph(f"{order.vendor.name} 御中", big), Paragraph(numbers, body)],
            [
                Paragraph("下記のとおり発注いたします。", body),
                Paragraph("<br/>".join(_ours(company)), body),
            ],
        ],
        colWidths=[100 * mm, 80 * mm],
    )
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")]))
    terms = Table(
        [
            ["ご発注金額(税込)", yen(gross)],
            ["納期", f"{order.due_on:%Y年%m月%d日}" if order.due_on else "別途ご相談"],
            ["納品先", order.delivery_address or (company.address if company else "")],
        ],
        colWidths=[40 * mm, 140 * mm],
    )
    terms.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 10),
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (0, -1), colors.whitesmoke),
            ]
        )
    )
    return [head, terms]


def _lines(lines: list[PurchaseOrderLine], rates: list[RateTotal], font: str) -> Any:
    """The lines, then per rate the net and its tax, then the total with tax."""
    from reportlab.lib import colors
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    body = ParagraphStyle("po-line", fontName=font, fontSize=9.5, leading=13)
    rows: list[list[Any]] = [["品名", "数量", "単位", "単価", "金額", "税率"]]
    rows += [
        [
            Paragraph(line.item.name, body),
            _qty(line.quantity),
            line.item.unit,
            yen(line.unit_price),
            yen(line.amount),
            f"{int(line.tax_rate * 100)}%",
        ]
        for line in lines
    ]
    for r in rates:
        rows.append(["", "", "", f"{r.label}対象(税抜)", yen(r.net), ""])
        rows.append(["", "", "", f"消費税({r.label})", yen(r.tax), ""])
    rows.append(["", "", "", "合計(税込)", yen(sum(r.net + r.tax for r in rates)), ""])
    grid = Table(rows, colWidths=[78 * mm, 18 * mm, 14 * mm, 32 * mm, 26 * mm, 12 * mm])
    grid.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 9.5),
                ("GRID", (0, 0), (-1, len(lines)), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ("ALIGN", (1, 1), (-1, -1), "RIGHT"),
                ("LINEABOVE", (3, -1), (4, -1), 1, colors.black),
            ]
        )
    )
    return grid


def purchase_order_pdf(order: PurchaseOrder, company: Any) -> bytes:
    """The 発注書: number and dates, vendor 御中, our name, delivery address, lines, tax per rate,
    totals."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    font = pdf_font()
    title = ParagraphStyle("po-title", fontName=font, fontSize=20, leading=26, alignment=1)
    lines = list(order.lines.select_related("item").order_by("pk"))
    rates = order_tax(lines)
    head, terms = _header(order, company, font, sum(r.net + r.tax for r in rates))
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        title=f"発注書 {order.number}",
        author=company.name if company else "",
    )
    space = Spacer(1, 6 * mm)
    document.build(
        [Paragraph("発注書", title), space, head, space, terms, space, _lines(lines, rates, font)]
    )
    return buffer.getvalue()
