"""中小企業者等の少額減価償却資産の取得価額の損金算入の特例 (租税特別措置法 67条の5; 国税庁
タックスアンサー No.5408): an asset under 300,000 円 may be expensed at once, but only up to
3,000,000 円 of such assets per fiscal year (a shorter year: the cap × months / 12 — not handled
here: the demo company's years are whole). Beyond the cap an asset is depreciated normally.

Assets under 100,000 円 are expensed under 法人税法施行令 133条 and do not use up the cap; an
immediate-expense asset of 100,000 円 or more can only be one taken under the 特例, so the cap's
use is read from the register (method `immediate`, cost ≥ 100,000) — nothing else to store.
The 特例 is time-limited (extended repeatedly; check its current end date and the size
conditions of 中小企業者等 before relying on it).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Sum
from django.utils.translation import gettext as _

from urakata.core.errors import ValidationFailed
from urakata.facilities import depreciation as dep
from urakata.facilities.depreciation import Method
from urakata.facilities.models import FixedAsset
from urakata.facilities.rates import MAX_LIFE, MIN_LIFE

SME_ANNUAL_CAP = 3_000_000


def _year_bounds(day: dt.date, start_month: int) -> tuple[dt.date, dt.date]:
    year = dep.fiscal_year_of(day, start_month)
    start = dt.date(year, start_month, 1)
    end = dt.date(year + 1, start_month, 1) - dt.timedelta(days=1)
    return start, end


def sme_used(*, day: dt.date, start_month: int) -> int:
    """What the fiscal year containing `day` has already expensed under the 特例."""
    start, end = _year_bounds(day, start_month)
    used = FixedAsset.objects.filter(
        method=Method.IMMEDIATE,
        cost__gte=dep.SMALL_ASSET_LIMIT,
        acquired_on__range=(start, end),
    ).aggregate(total=Sum("cost"))["total"]
    return int(used or 0)


@dataclass(frozen=True)
class SmeDecision:
    """The method an asset gets once the year's cap is applied, and the cap's figures."""

    method: str
    used: int
    capped: bool


def sme_method(
    *, category: str, life: int, method: str, acquired_on: dt.date, cost: int, start_month: int
) -> SmeDecision:
    """Apply the yearly cap: within it the immediate expense stands; beyond it the asset takes
    the ordinary statutory method (定率法 where the category allows it, else 定額法), which
    needs a 耐用年数. Call it under the register's lock (the caller holds it)."""
    if method != Method.IMMEDIATE or cost < dep.SMALL_ASSET_LIMIT:
        return SmeDecision(method, 0, False)
    used = sme_used(day=acquired_on, start_month=start_month)
    if used + cost <= SME_ANNUAL_CAP:
        return SmeDecision(method, used, False)
    if not MIN_LIFE <= life <= MAX_LIFE:
        message = _(
            "中小企業者等の少額減価償却資産の特例は年300万円までです(今年度の適用済み "
            "%(used)s 円)。通常の償却になるため耐用年数を入力してください。"
        ) % {"used": f"{used:,}"}
        raise ValidationFailed(message, errors={"life": [message]})
    return SmeDecision(dep.allowed_methods(category, acquired_on)[-1], used, True)
