"""Payslip PDF (Japanese font) and the 賃金台帳 in CSV, Excel and PDF."""

from __future__ import annotations

import io
from typing import Any

from django.utils.translation import gettext as _

from urakata.core.pdf_fonts import pdf_font
from urakata.core.tables.writing import write_csv, write_xlsx
from urakata.ledger.exports import table_pdf
from urakata.payroll.models import Payslip
from urakata.payroll.selectors import WAGE_LEDGER_HEADER


def payslip_pdf(slip: Payslip, *, company: str = "") -> bytes:
    """A one-page A4 payslip (給与明細書): pay, deductions, attendance, net."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen import canvas

    font = pdf_font()
    out = io.BytesIO()
    title = _("給与明細書") if slip.run.kind == "salary" else _("賞与明細書")
    pdf = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    pdf.setTitle(f"{title} {slip.run.month:%Y-%m} {slip.employee.code}")
    width, height = A4
    y = height - 20 * mm
    pdf.setFont(font, 16)
    pdf.drawString(20 * mm, y, f"{title}  {slip.run.month:%Y年%m月}分")
    y -= 8 * mm
    pdf.setFont(font, 10)
    pdf.drawString(20 * mm, y, f"{company}  支給日 {slip.run.pay_date:%Y-%m-%d}")
    y -= 6 * mm
    pdf.drawString(20 * mm, y, f"{slip.employee.code}  {slip.employee.full_name} 様")
    y -= 10 * mm

    def block(heading: str, rows: list[list[Any]], total_label: str, total: int) -> None:
        nonlocal y
        pdf.setFont(font, 11)
        pdf.drawString(20 * mm, y, heading)
        y -= 6 * mm
        pdf.setFont(font, 10)
        for name, amount in rows:
            pdf.drawString(25 * mm, y, str(name))
            pdf.drawRightString(width - 25 * mm, y, f"{amount:,}")
            y -= 5.5 * mm
        pdf.line(25 * mm, y + 3.5 * mm, width - 25 * mm, y + 3.5 * mm)
        pdf.drawString(25 * mm, y, total_label)
        pdf.drawRightString(width - 25 * mm, y, f"{total:,}")
        y -= 10 * mm

    block(_("支給"), slip.lines.get("pay", []), _("総支給額"), slip.gross)
    deductions = [row for row in slip.lines.get("deductions", []) if row[1]]
    block(_("控除"), deductions, _("控除合計"), slip.gross - slip.net)
    att = slip.lines.get("attendance", {})
    if att:
        pdf.setFont(font, 11)
        pdf.drawString(20 * mm, y, _("勤怠"))
        y -= 6 * mm
        pdf.setFont(font, 10)
        pdf.drawString(
            25 * mm,
            y,
            f"労働 {att.get('worked_hours')}h  時間外 {att.get('overtime_hours')}h  "
            f"深夜 {att.get('late_night_hours')}h  休日 {att.get('holiday_hours')}h  "
            f"欠勤 {att.get('absence_days')}日  有休 {att.get('paid_leave_days')}日",
        )
        y -= 10 * mm
    pdf.setFont(font, 14)
    pdf.drawString(20 * mm, y, _("差引支給額"))
    pdf.drawRightString(width - 25 * mm, y, f"{slip.net:,} 円")
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def wage_ledger_file(rows: list[list[Any]], *, year: int, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, file name) of the 賃金台帳 in csv / xlsx / pdf."""
    name = f"wage-ledger-{year}"
    if fmt == "xlsx":
        return (
            write_xlsx(WAGE_LEDGER_HEADER, rows, title=_("賃金台帳")),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            f"{name}.xlsx",
        )
    if fmt == "pdf":
        short = [WAGE_LEDGER_HEADER[i] for i in (0, 1, 2, 3, 9, 11, 12, 13, 14, 16)]
        body = [[r[i] for i in (0, 1, 2, 3, 9, 11, 12, 13, 14, 16)] for r in rows]
        return table_pdf(f"賃金台帳 {year}", short, body), "application/pdf", f"{name}.pdf"
    return write_csv(WAGE_LEDGER_HEADER, rows), "text/csv; charset=utf-8", f"{name}.csv"
