"""Visitors and reception in the facilities API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from urakata.core.api import API_ERRORS, PageMeta, paginate
from urakata.core.schema_types import BusinessDate, PageNumber, PageSize, RowId
from urakata.facilities import visitors

router = Router(tags=["facilities"])
ERRORS = API_ERRORS


class VisitIn(Schema):
    visitor_name: Annotated[str, Field(max_length=100)]
    visitor_company: Annotated[str, Field(max_length=200)] = ""
    visitor_email: Annotated[str, Field(max_length=254)] = ""
    visit_date: BusinessDate
    expected_time: dt.time | None = None
    purpose: Annotated[str, Field(max_length=200)] = ""
    place: Annotated[str, Field(max_length=100)] = ""
    party_size: Annotated[int, Field(ge=1, le=50)] = 1
    host_id: RowId | None = None


class VisitOut(Schema):
    id: int
    code: str
    host_id: int
    visitor_name: str
    visitor_company: str
    visit_date: dt.date
    # "HH:MM" (a JSON-schema `time` would need a UTC offset, which a meeting time has not)
    expected_time: Annotated[str, Field(pattern=r"^\d{2}:\d{2}$")] | None
    purpose: str
    place: str
    party_size: int
    status: str
    walk_in: bool
    badge_number: int | None
    arrived_at: dt.datetime | None
    left_at: dt.datetime | None

    @staticmethod
    def resolve_expected_time(obj: Any) -> str | None:
        value = obj["expected_time"] if isinstance(obj, dict) else obj.expected_time
        return value.strftime("%H:%M") if value else None


class VisitPage(Schema):
    items: list[VisitOut]
    meta: PageMeta


class CheckInIn(Schema):
    code: Annotated[str, Field(max_length=100)] = ""
    visit_id: RowId | None = None
    rules_accepted: bool = False


class WalkInIn(Schema):
    host_id: RowId
    visitor_name: Annotated[str, Field(max_length=100)]
    visitor_company: Annotated[str, Field(max_length=200)] = ""
    purpose: Annotated[str, Field(max_length=200)] = ""
    party_size: Annotated[int, Field(ge=1, le=50)] = 1
    rules_accepted: bool = False


class BoardOut(Schema):
    day: dt.date
    expected: list[VisitOut]
    arrived: list[VisitOut]
    left: list[VisitOut]


class LogQuery(Schema):
    date_from: BusinessDate | None = None
    date_to: BusinessDate | None = None
    company: Annotated[str, Field(max_length=100)] = ""
    host: Annotated[str, Field(max_length=100)] = ""
    page: PageNumber = 1
    page_size: PageSize = 50


@router.get("/visits", response={200: list[VisitOut], **ERRORS})
def my_visits(request: HttpRequest) -> Any:
    """The visits the signed-in user hosts, from today on."""
    return list(visitors.visit_mine(actor=request.user)[:200])


@router.post("/visits", response={201: VisitOut, **ERRORS})
def register_visit(request: HttpRequest, payload: VisitIn) -> Any:
    return 201, visitors.visit_register(actor=request.user, **payload.dict())


@router.get("/visits/log", response={200: VisitPage, **ERRORS})
def visit_log(request: HttpRequest, query: Query[LogQuery]) -> Any:
    filters = visitors.LogFilters(
        date_from=query.date_from, date_to=query.date_to, company=query.company, host=query.host
    )
    rows = visitors.visit_log(
        actor=request.user, filters=filters, ip_address=request.META.get("REMOTE_ADDR")
    )
    items, meta = paginate(rows, page=query.page, page_size=query.page_size)
    return {"items": items, "meta": meta}


@router.get("/visits/{visit_id}", response={200: VisitOut, **ERRORS})
def get_visit(request: HttpRequest, visit_id: RowId) -> Any:
    return visitors.visit_get(actor=request.user, visit_id=visit_id)


@router.post("/visits/{visit_id}/cancel", response={200: VisitOut, **ERRORS})
def cancel_visit(request: HttpRequest, visit_id: RowId) -> Any:
    return visitors.visit_cancel(actor=request.user, visit_id=visit_id)


@router.post("/visits/{visit_id}/check-out", response={200: VisitOut, **ERRORS})
def check_out(request: HttpRequest, visit_id: RowId) -> Any:
    return visitors.visit_check_out(actor=request.user, visit_id=visit_id)


@router.get("/reception/board", response={200: BoardOut, **ERRORS})
def board(request: HttpRequest, q: Annotated[str, Field(max_length=100)] = "") -> Any:
    return visitors.visit_board(actor=request.user, q=q)


@router.post("/reception/check-in", response={200: VisitOut, **ERRORS})
def check_in(request: HttpRequest, payload: CheckInIn) -> Any:
    return visitors.visit_check_in(actor=request.user, **payload.dict())


@router.post("/reception/walk-in", response={201: VisitOut, **ERRORS})
def walk_in(request: HttpRequest, payload: WalkInIn) -> Any:
    return 201, visitors.visit_walk_in(actor=request.user, **payload.dict())
