"""Fixed-asset selectors: the register and 減価償却明細 for a fiscal year."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _

from urakata.core.errors import NotFound
from urakata.core.permissions import require
from urakata.facilities import depreciation as dep
from urakata.facilities.assets import asset_schedule_rows, fiscal_start
from urakata.facilities.models import DepreciationLine, FixedAsset


def asset_list(
    *, actor: Any, q: str = "", status: str = "", category: str = ""
) -> QuerySet[FixedAsset]:
    """The register, filtered."""
    require(actor, "facilities.view_assets")
    assets = FixedAsset.objects.visible_to(actor).select_related("department")
    if q:
        assets = assets.filter(Q(number__icontains=q) | Q(name__icontains=q))
    if status:
        assets = assets.filter(status=status)
    if category:
        assets = assets.filter(category=category)
    return assets


def asset_get(*, actor: Any, asset_id: int) -> FixedAsset:
    require(actor, "facilities.view_assets")
    asset = FixedAsset.objects.visible_to(actor).filter(pk=asset_id).first()
    if asset is None:
        raise NotFound(_("固定資産が見つかりません。"))
    return asset


@dataclass(frozen=True)
class RegisterRow:
    """One line of 減価償却明細 for a fiscal year."""

    asset: FixedAsset
    opening: int
    depreciation: int
    closing: int
    booked: int  # what the ledger holds for the year (monthly postings and disposal catch-up)


def depreciation_register(*, actor: Any, fiscal_year: int) -> list[RegisterRow]:
    """減価償却明細: every asset held during the fiscal year with the year's figures."""
    require(actor, "facilities.view_assets")
    start = fiscal_start()
    year_start = dt.date(fiscal_year, start, 1)
    booked = dict(
        DepreciationLine.objects.filter(fiscal_year=fiscal_year)
        .values_list("asset_id")
        .annotate(total=Sum("amount"))
        .values_list("asset_id", "total")
    )
    rows = []
    assets = FixedAsset.objects.visible_to(actor).exclude(disposed_on__lt=year_start)
    for asset in assets.select_related("department").order_by("number"):
        if dep.fiscal_year_of(asset.acquired_on, start) > fiscal_year:
            continue
        schedule = asset_schedule_rows(asset)
        row = next((r for r in schedule if r.fiscal_year == fiscal_year), None)
        if row is None:
            closing = schedule[-1].book_value_end if schedule else asset.cost
            rows.append(RegisterRow(asset, closing, 0, closing, booked.get(asset.pk, 0)))
            continue
        rows.append(
            RegisterRow(
                asset, row.opening, row.depreciation, row.book_value_end, booked.get(asset.pk, 0)
            )
        )
    return rows


def booked_by_year(*, actor: Any, asset: FixedAsset) -> QuerySet[Any]:
    """What the ledger holds for the asset, per fiscal year (rows with .fiscal_year, .total)."""
    require(actor, "facilities.view_assets")
    return (
        DepreciationLine.objects.filter(asset=asset)
        .values("fiscal_year")
        .annotate(total=Sum("amount"))
        .order_by("fiscal_year")
    )
