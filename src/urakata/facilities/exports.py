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
