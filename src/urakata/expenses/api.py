"""Expense claim REST endpoints: claims, lines, receipts (stored + OCR), checks and submit."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _
from ninja import File, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from urakata.core.api import API_ERRORS, PageMeta, paginate
from urakata.core.files import stored_file_response, upload_size_check
from urakata.core.permissions import require
from urakata.core.schema_types import (
    BusinessDate,
    LongText,
    NonNegativeYen,
    PageNumber,
    PageSize,
    RowId,
)
from urakata.expenses import selectors, services

router = Router(tags=["expenses"])

Short = Annotated[str, Field(max_length=200)]


class ExpenseLineOut(Schema):
    id: int
    kind: str
    date: dt.date
    category: str
    payee: str
    purpose: str
    amount: int
    amount_10: int
    amount_8: int
    amount_exempt: int
    registration_number: str
    attendees: str
    attendee_count: int
    route_from: str
    route_to: str
    round_trip: bool
    receipt_id: int | None
    receipt_sha256: str
    ocr: dict[str, Any] | None


class ClaimOut(Schema):
    id: int
    number: str
    title: str
    status: str
    employee_id: int
    department_id: int | None
    total: int
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None
    paid_on: dt.date | None
    journal_entry_id: int | None
    request_id: int | None
    findings: list[dict[str, Any]]


class ClaimDetailOut(ClaimOut):
    lines: list[ExpenseLineOut]


class ClaimPage(Schema):
    meta: PageMeta
    items: list[ClaimOut]


class ClaimIn(Schema):
    title: Short


class ExpenseLineIn(Schema):
    kind: Annotated[str, Field(max_length=10)] = "expense"
    date: BusinessDate
    category: Annotated[str, Field(max_length=30)] = "supplies"
    payee: Short = ""
    purpose: Annotated[str, Field(max_length=300)] = ""
    amount: NonNegativeYen
    amount_8: NonNegativeYen = 0
    amount_exempt: NonNegativeYen = 0
    registration_number: Annotated[str, Field(max_length=20)] = ""
    attendees: LongText = ""
    attendee_count: Annotated[int, Field(ge=0, le=1000)] = 0
    route_from: Annotated[str, Field(max_length=100)] = ""
    route_to: Annotated[str, Field(max_length=100)] = ""
    round_trip: bool = False
    receipt_id: RowId | None = None


class SubmitIn(Schema):
    comment: LongText = ""


class ReceiptOut(Schema):
    receipt_id: int | None
    sha256: str | None
    reading: dict[str, Any]
    error: str
    seconds: float


def _detail(claim: Any) -> dict[str, Any]:
    body = ClaimOut.from_orm(claim).dict()
    body["lines"] = [ExpenseLineOut.from_orm(line).dict() for line in selectors.claim_lines(claim)]
    return body


@router.get("/claims", response={200: ClaimPage, **API_ERRORS})
def claims_list(
    request: HttpRequest,
    status: Annotated[str, Field(max_length=12)] = "",
    mine: bool = False,
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> Any:
    rows = selectors.claim_list(actor=request.user, status=status or None, mine=mine)
    items, meta = paginate(rows, page=page, page_size=page_size)
    return {"meta": meta, "items": items}


@router.post("/claims", response={201: ClaimOut, **API_ERRORS})
def claim_create(request: HttpRequest, payload: ClaimIn) -> Any:
    return 201, services.claim_create(actor=request.user, title=payload.title)


@router.get("/claims/{claim_id}", response={200: ClaimDetailOut, **API_ERRORS})
def claim_detail(request: HttpRequest, claim_id: RowId) -> Any:
    return _detail(selectors.claim_get(actor=request.user, claim_id=claim_id))


@router.delete("/claims/{claim_id}", response={204: None, **API_ERRORS})
def claim_delete(request: HttpRequest, claim_id: RowId) -> Any:
    services.claim_delete(actor=request.user, claim_id=claim_id)
    return 204, None


@router.post("/claims/{claim_id}/lines", response={201: ExpenseLineOut, **API_ERRORS})
def line_add(request: HttpRequest, claim_id: RowId, payload: ExpenseLineIn) -> Any:
    return 201, services.line_save(actor=request.user, claim_id=claim_id, values=payload.dict())


@router.put("/claims/{claim_id}/lines/{line_id}", response={200: ExpenseLineOut, **API_ERRORS})
def line_update(
    request: HttpRequest, claim_id: RowId, line_id: RowId, payload: ExpenseLineIn
) -> Any:
    return services.line_save(
        actor=request.user, claim_id=claim_id, line_id=line_id, values=payload.dict()
    )


@router.delete("/claims/{claim_id}/lines/{line_id}", response={204: None, **API_ERRORS})
def line_delete(request: HttpRequest, claim_id: RowId, line_id: RowId) -> Any:
    services.line_delete(actor=request.user, claim_id=claim_id, line_id=line_id)
    return 204, None


@router.get("/claims/{claim_id}/lines/{line_id}/receipt", response={200: None, **API_ERRORS})
def line_receipt(request: HttpRequest, claim_id: RowId, line_id: RowId) -> HttpResponseBase:
    stored = selectors.receipt_get(actor=request.user, claim_id=claim_id, line_id=line_id)
    return stored_file_response(stored)


@router.get("/claims/{claim_id}/check", response={200: list[dict[str, Any]], **API_ERRORS})
def claim_check(request: HttpRequest, claim_id: RowId) -> Any:
    claim = selectors.claim_get(actor=request.user, claim_id=claim_id)
    return services.claim_check(actor=request.user, claim=claim)


@router.post("/claims/{claim_id}/submit", response={200: ClaimOut, **API_ERRORS})
def claim_submit(request: HttpRequest, claim_id: RowId, payload: SubmitIn) -> Any:
    return services.claim_submit(actor=request.user, claim_id=claim_id, comment=payload.comment)


@router.post("/receipts", response={201: ReceiptOut, **API_ERRORS})
def receipt_upload(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """Store a receipt (JPEG/PNG/HEIC/PDF) and read it; link it to a line with `receipt_id`."""
    require(request.user, "expenses.submit")
    upload_size_check(file, refusal=_("領収書を保存できません。"))
    stored, reading = services.receipt_upload(actor=request.user, upload=file)
    return 201, {
        "receipt_id": stored.pk,
        "sha256": stored.sha256,
        "reading": reading.as_json(),
        "error": reading.error,
        "seconds": reading.seconds,
    }


@router.post("/ocr/receipt", response={200: ReceiptOut, **API_ERRORS})
def ocr_receipt(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """Read a receipt without keeping it (`urakata ocr receipt` over HTTP)."""
    require(request.user, "expenses.submit")
    upload_size_check(file, refusal=_("領収書を読み取れません。"))
    reading = services.receipt_preview(actor=request.user, upload=file)
    return {
        "receipt_id": None,
        "sha256": None,
        "reading": reading.as_json(),
        "error": reading.error,
        "seconds": reading.seconds,
    }


class CommuterPassIn(Schema):
    stations: Annotated[str, Field(max_length=2000)]
    valid_from: BusinessDate
    valid_until: BusinessDate


class CommuterPassOut(Schema):
    stations: str
    valid_from: dt.date
    valid_until: dt.date


@router.put("/commuter-pass", response={200: CommuterPassOut, **API_ERRORS})
def commuter_pass_save(request: HttpRequest, payload: CommuterPassIn) -> Any:
    """Set one's own commuter pass (通勤定期); transport lines inside it are flagged on submit."""
    return services.commuter_pass_save(
        actor=request.user,
        stations=payload.stations,
        valid_from=payload.valid_from,
        valid_until=payload.valid_until,
    )
