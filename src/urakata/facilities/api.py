"""The facilities API (/api/v1/facilities/…): assets, visitors and reception, supplies."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from urakata.core.api import API_ERRORS, PageMeta, paginate
from urakata.core.permissions import require
from urakata.core.schema_types import (
    BusinessDate,
    Month,
    NonNegativeYen,
    PageNumber,
    PageSize,
    RowId,
    Year,
)
from urakata.facilities import asset_selectors, assets
from urakata.facilities import depreciation as dep
from urakata.facilities.api_invites import router as invites_router
from urakata.facilities.api_supplies import router as supplies_router
from urakata.facilities.api_visitors import router as visitors_router

router = Router(tags=["facilities"])
router.add_router("", visitors_router)
router.add_router("", supplies_router)
router.add_router("", invites_router)
ERRORS = API_ERRORS
Life = Annotated[int, Field(ge=0, le=100)]
Short = Annotated[str, Field(max_length=200)]


class AssetIn(Schema):
    name: Short
    category: Annotated[str, Field(max_length=20)]
    life: Life = 0
    method: Annotated[str, Field(max_length=20)]
    acquired_on: BusinessDate
    cost: NonNegativeYen
    department_id: Annotated[int, Field(ge=1, le=2**63 - 1)] | None = None
    location: Short = ""
    paid_from: Annotated[str, Field(max_length=10)] = ""
    sme: bool = False


class AssetOut(Schema):
    id: int
    number: str
    name: str
    category: str
    life: int
    method: str
    acquired_on: dt.date
    cost: int
    department_id: int | None
    location: str
    status: str
    disposed_on: dt.date | None
    disposal_proceeds: int | None
    acquisition_entry_id: int | None
    disposal_entry_id: int | None


class YearOut(Schema):
    fiscal_year: int
    months: int
    opening: int
    depreciation: int
    book_value_end: int
    revised: bool


class AssetDetailOut(AssetOut):
    schedule: list[YearOut]


class AssetPage(Schema):
    items: list[AssetOut]
    meta: PageMeta


class AssetDisposeIn(Schema):
    disposed_on: BusinessDate
    proceeds: NonNegativeYen = 0


class PostIn(Schema):
    month: Month


class DepreciationRunOut(Schema):
    period: int
    entry_id: int | None
    total: int
    assets: int


class ScheduleQuery(Schema):
    cost: NonNegativeYen
    life: Life = 0
    method: Annotated[str, Field(max_length=20)]
    acquired: BusinessDate
    fiscal_year_start: Annotated[int, Field(ge=1, le=12)] = 4
    category: Annotated[str, Field(max_length=20)] | None = None
    disposed: BusinessDate | None = None
    sme: bool = False


class ScheduleOut(Schema):
    schedule: list[YearOut]


class RegisterRowOut(Schema):
    asset: AssetOut
    opening: int
    depreciation: int
    closing: int
    booked: int


def _detail(asset: Any) -> dict[str, Any]:
    data = AssetOut.from_orm(asset).dict()
    data["schedule"] = [row.as_dict() for row in assets.asset_schedule_rows(asset)]
    return data


@router.get("/assets", response={200: AssetPage, **ERRORS})
def list_assets(
    request: HttpRequest,
    q: Annotated[str, Field(max_length=100)] = "",
    status: Annotated[str, Field(max_length=10)] = "",
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> Any:
    items, meta = paginate(
        asset_selectors.asset_list(actor=request.user, q=q, status=status),
        page=page,
        page_size=page_size,
    )
    return {"items": items, "meta": meta}


@router.post("/assets", response={201: AssetDetailOut, **ERRORS})
def register_asset(request: HttpRequest, payload: AssetIn) -> Any:
    asset = assets.asset_register(actor=request.user, **payload.dict())
    return 201, _detail(asset)


@router.get("/assets/register", response={200: list[RegisterRowOut], **ERRORS})
def depreciation_register(request: HttpRequest, fiscal_year: Year) -> Any:
    return asset_selectors.depreciation_register(actor=request.user, fiscal_year=fiscal_year)


@router.get("/assets/{asset_id}", response={200: AssetDetailOut, **ERRORS})
def get_asset(request: HttpRequest, asset_id: RowId) -> Any:
    return _detail(asset_selectors.asset_get(actor=request.user, asset_id=asset_id))


@router.post("/assets/{asset_id}/dispose", response={200: AssetDetailOut, **ERRORS})
def dispose_asset(request: HttpRequest, asset_id: RowId, payload: AssetDisposeIn) -> Any:
    asset_selectors.asset_get(actor=request.user, asset_id=asset_id)
    asset = assets.asset_dispose(
        actor=request.user,
        asset_id=asset_id,
        disposed_on=payload.disposed_on,
        proceeds=payload.proceeds,
    )
    return _detail(asset)


@router.post("/depreciation", response={200: DepreciationRunOut, **ERRORS})
def post_depreciation(request: HttpRequest, payload: PostIn) -> Any:
    year, month = (int(part) for part in payload.month.split("-"))
    return assets.depreciation_post(actor=request.user, year=year, month=month)


@router.get("/depreciation/schedule", response={200: ScheduleOut, **ERRORS})
def depreciation_schedule(request: HttpRequest, query: Query[ScheduleQuery]) -> Any:
    """The calculator behind `urakata assets depreciation` (no database)."""
    require(request.user, "facilities.view_assets")
    rows = dep.schedule(**query.dict())
    return {"schedule": [row.as_dict() for row in rows]}
