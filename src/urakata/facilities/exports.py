"""固定資産台帳 / 減価償却明細 as CSV or Excel."""

from __future__ import annotations

from typing import Any

from urakata.core.tables.writing import ExportFile, audit_export, export_file
from urakata.facilities.asset_selectors import depreciation_register
from urakata.facilities.models import FixedAsset

REGISTER_HEADER = [
    "資産番号",
    "資産名",
    "種類",
    "取得日",
    "取得価額",
    "耐用年数",
    "償却方法",
    "部署",
    "設置場所",
    "期首帳簿価額",
    "当期償却額",
    "期末帳簿価額",
    "計上済み償却額",
    "状態",
    "除売却日",
]


def register_rows(*, actor: Any, fiscal_year: int) -> list[list[Any]]:
    categories = dict(FixedAsset.CATEGORY_CHOICES)
    methods = dict(FixedAsset.METHOD_CHOICES)
    return [
        [
            row.asset.number,
            row.asset.name,
            str(categories.get(row.asset.category, row.asset.category)),
            row.asset.acquired_on,
            row.asset.cost,
            row.asset.life,
            str(methods.get(row.asset.method, row.asset.method)),
            row.asset.department.name if row.asset.department else "",
            row.asset.location,
            row.opening,
            row.depreciation,
            row.closing,
            row.booked,
            row.asset.get_status_display(),
            row.asset.disposed_on,
        ]
        for row in depreciation_register(actor=actor, fiscal_year=fiscal_year)
    ]


def register_export(*, actor: Any, fiscal_year: int, file_format: str) -> ExportFile:
    """The register for a fiscal year; the export is an audit event (who took which rows)."""
    rows = register_rows(actor=actor, fiscal_year=fiscal_year)
    file = export_file(
        header=REGISTER_HEADER,
        rows=rows,
        file_format=file_format,
        basename=f"fixed-assets-{fiscal_year}",
        title="固定資産台帳",
    )
    audit_export(
        actor=actor,
        action="facilities.asset.export",
        file_format=file_format,
        rows=len(rows),
        filters={"fiscal_year": fiscal_year},
        target_type="facilities.asset",
    )
    return file


PDF_COLUMNS = (0, 1, 2, 3, 4, 5, 6, 9, 10, 11, 13)  # the register's columns that fit landscape A4
PDF_AMOUNTS = {4, 9, 10, 11}


def _cell(value: Any, index: int) -> str:
    if index in PDF_AMOUNTS and isinstance(value, int):
        return f"{value:,}"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def register_pdf(*, actor: Any, fiscal_year: int) -> bytes:
    """固定資産台帳 for a fiscal year as a landscape A4 PDF (embedded Japanese font), with the
    year's totals; an audited export like the CSV and Excel."""
    import io

    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    from urakata.core.pdf_fonts import pdf_font
    from urakata.org.selectors import company_get

    rows = register_rows(actor=actor, fiscal_year=fiscal_year)
    font = pdf_font()
    company = company_get()
    grid = _register_grid(rows, font)
    heading = ParagraphStyle("fa-title", fontName=font, fontSize=14, leading=18)
    body = ParagraphStyle("fa-body", fontName=font, fontSize=9, leading=12)
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=landscape(A4),
        leftMargin=10 * mm,
        rightMargin=10 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title=f"固定資産台帳 {fiscal_year}年度",
    ).build(
        [
            Paragraph(f"固定資産台帳・減価償却明細 {fiscal_year}年度", heading),
            Paragraph(company.name if company else "", body),
            Spacer(1, 4 * mm),
            grid,
        ]
    )
    audit_export(
        actor=actor,
        action="facilities.asset.export",
        file_format="pdf",
        rows=len(rows),
        filters={"fiscal_year": fiscal_year},
        target_type="facilities.asset",
    )
    return buffer.getvalue()


def _register_grid(rows: list[list[Any]], font: str) -> Any:
    """The register's table: a header repeated on every page, amounts right, a totals row."""
    from reportlab.lib import colors
    from reportlab.platypus import Table, TableStyle

    table = [[REGISTER_HEADER[i] for i in PDF_COLUMNS]]
    table += [[_cell(row[i], i) for i in PDF_COLUMNS] for row in rows]
    totals = {i: sum(int(row[i] or 0) for row in rows) for i in PDF_AMOUNTS}
    table.append(
        [("合計" if i == 0 else _cell(totals[i], i) if i in totals else "") for i in PDF_COLUMNS]
    )
    grid = Table(table, repeatRows=1)
    amount_columns = [PDF_COLUMNS.index(i) for i in sorted(PDF_AMOUNTS)]
    style = [
        ("FONT", (0, 0), (-1, -1), font, 8),
        ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
        ("LINEABOVE", (0, -1), (-1, -1), 1, colors.black),
    ]
    style += [("ALIGN", (c, 1), (c, -1), "RIGHT") for c in amount_columns]
    grid.setStyle(TableStyle(style))
    return grid
