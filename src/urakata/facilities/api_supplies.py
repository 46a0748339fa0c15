"""Supplies, purchase orders, receipts and loans in the facilities API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import Field

from urakata.core.api import API_ERRORS
from urakata.core.schema_types import BusinessDate, NonNegativeYen, RowId
from urakata.facilities import matching, order_send, supplies, supply_requests

router = Router(tags=["facilities"])
ERRORS = API_ERRORS
Quantity = Annotated[Decimal, Field(ge=0, le=1_000_000, max_digits=12, decimal_places=2)]
TaxRate = Annotated[Decimal, Field(ge=0, le=1, max_digits=4, decimal_places=3)]


class ItemIn(Schema):
    code: Annotated[str, Field(max_length=20)]
    name: Annotated[str, Field(max_length=200)]
    category: Annotated[str, Field(max_length=50)] = ""
    unit: Annotated[str, Field(max_length=10)] = "個"
    unit_price: NonNegativeYen = 0
    vendor_id: RowId | None = None
    consumable: bool = True
    stock: Quantity = Decimal(0)
    reorder_point: Quantity = Decimal(0)
    asset_category: Annotated[str, Field(max_length=20)] = ""
    asset_life: Annotated[int, Field(ge=0, le=100)] = 0
    tax_rate: TaxRate = Decimal("0.10")


class SupplyItemOut(Schema):
    id: int
    code: str
    name: str
    category: str
    unit: str
    unit_price: int
    vendor_id: int | None
    consumable: bool
    stock: Decimal
    reorder_point: Decimal
    asset_category: str
    asset_life: int


class OrderLineIn(Schema):
    item_id: RowId
    quantity: Quantity
    unit_price: NonNegativeYen | None = None


class OrderIn(Schema):
    vendor_id: RowId
    lines: Annotated[list[OrderLineIn], Field(min_length=1, max_length=100)]
    delivery_address: Annotated[str, Field(max_length=300)] = ""
    ordered_on: BusinessDate | None = None
    due_on: BusinessDate | None = None


class OrderLineOut(Schema):
    id: int
    item_id: int
    quantity: Decimal
    unit_price: int
    amount: int
    tax_rate: Decimal
    received_quantity: Decimal


class OrderOut(Schema):
    id: int
    number: str
    vendor_id: int
    ordered_on: dt.date
    delivery_address: str
    status: str
    total: int
    due_on: dt.date | None
    sent_at: dt.datetime | None
    sent_to: str
    document_id: int | None
    lines: list[OrderLineOut]
    invoice_matches: list[FacInvoiceMatchOut]


class FacInvoiceMatchOut(Schema):
    received_invoice_id: int
    invoice_number: str
    issue_date: dt.date
    matched_by: str
    subtotal: int
    total: int
    ordered: int
    received: int
    difference: int
    status: str


class OrderSendIn(Schema):
    email: Annotated[str, Field(max_length=254)] = ""


class ReceiveIn(Schema):
    quantities: Annotated[dict[int, Quantity], Field(max_length=100)]
    received_on: BusinessDate | None = None


class LoanIn(Schema):
    employee_id: RowId
    kind: Annotated[str, Field(max_length=10)]
    name: Annotated[str, Field(max_length=200)]
    serial_number: Annotated[str, Field(max_length=100)] = ""
    lent_on: BusinessDate | None = None
    due_on: BusinessDate | None = None


class LoanOut(Schema):
    id: int
    kind: str
    name: str
    serial_number: str
    employee_id: int
    lent_on: dt.date
    due_on: dt.date | None
    returned_on: dt.date | None


def _order(order: Any) -> dict[str, Any]:
    skip = ("lines", "invoice_matches")
    data = {field: getattr(order, field) for field in OrderOut.model_fields if field not in skip}
    data["lines"] = list(order.lines.all())
    data["invoice_matches"] = [
        {
            **{f: getattr(s.match, f) for f in ("received_invoice_id", "invoice_number")},
            **{f: getattr(s.match, f) for f in ("issue_date", "matched_by", "subtotal", "total")},
            "ordered": s.ordered,
            "received": s.received,
            "difference": s.difference,
            "status": s.status,
        }
        for s in matching.order_matches(order)
    ]
    return data


@router.get("/items", response={200: list[SupplyItemOut], **ERRORS})
def list_items(
    request: HttpRequest, q: Annotated[str, Field(max_length=100)] = "", low_stock: bool = False
) -> Any:
    return list(supplies.item_list(actor=request.user, q=q, low_stock=low_stock)[:500])


@router.post("/items", response={201: SupplyItemOut, **ERRORS})
def create_item(request: HttpRequest, payload: ItemIn) -> Any:
    return 201, supplies.item_create(actor=request.user, **payload.dict())


@router.get("/orders", response={200: list[OrderOut], **ERRORS})
def list_orders(request: HttpRequest, status: Annotated[str, Field(max_length=10)] = "") -> Any:
    orders = supplies.order_list(actor=request.user, status=status).prefetch_related("lines")
    return [_order(order) for order in orders[:200]]


@router.post("/orders", response={201: OrderOut, **ERRORS})
def create_order(request: HttpRequest, payload: OrderIn) -> Any:
    order = supplies.purchase_order_create(
        actor=request.user,
        vendor_id=payload.vendor_id,
        lines=[line.dict() for line in payload.lines],
        delivery_address=payload.delivery_address,
        ordered_on=payload.ordered_on,
        due_on=payload.due_on,
    )
    return 201, _order(order)


@router.get("/orders/{order_id}", response={200: OrderOut, **ERRORS})
def get_order(request: HttpRequest, order_id: RowId) -> Any:
    return _order(supplies.order_get(actor=request.user, order_id=order_id))


@router.post("/orders/{order_id}/receive", response={200: OrderOut, **ERRORS})
def receive_order(request: HttpRequest, order_id: RowId, payload: ReceiveIn) -> Any:
    order = supplies.order_receive(
        actor=request.user,
        order_id=order_id,
        quantities=payload.quantities,
        received_on=payload.received_on,
    )
    return _order(order)


@router.get("/orders/{order_id}/pdf", response={200: None, **ERRORS})
def order_pdf(request: HttpRequest, order_id: RowId) -> HttpResponse:
    """The 発注書 (PDF)."""
    order, content = order_send.order_pdf_get(actor=request.user, order_id=order_id)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{order.number}.pdf"'
    return response


@router.post("/orders/{order_id}/send", response={200: OrderOut, **ERRORS})
def send_order(request: HttpRequest, order_id: RowId, payload: OrderSendIn) -> Any:
    """E-mail the 発注書 to the vendor and file it as 注文書."""
    order = order_send.purchase_order_send(
        actor=request.user, order_id=order_id, email=payload.email
    )
    return _order(order)


@router.post("/orders/{order_id}/cancel", response={200: OrderOut, **ERRORS})
def cancel_order(request: HttpRequest, order_id: RowId) -> Any:
    return _order(supplies.order_cancel(actor=request.user, order_id=order_id))


@router.get("/loans", response={200: list[LoanOut], **ERRORS})
def list_loans(request: HttpRequest, leaving_only: bool = False) -> Any:
    return list(supplies.loans_open(actor=request.user, leaving_only=leaving_only)[:500])


@router.post("/loans", response={201: LoanOut, **ERRORS})
def create_loan(request: HttpRequest, payload: LoanIn) -> Any:
    return 201, supplies.loan_create(actor=request.user, **payload.dict())


@router.post("/loans/{loan_id}/return", response={200: LoanOut, **ERRORS})
def return_loan(request: HttpRequest, loan_id: RowId) -> Any:
    return supplies.loan_return(actor=request.user, loan_id=loan_id)


class RequestIn(Schema):
    item_id: RowId
    quantity: Quantity
    reason: Annotated[str, Field(max_length=300)] = ""


class SupplyRequestOut(Schema):
    id: int
    item_id: int
    quantity: Decimal
    amount: int
    reason: str
    status: str
    order_id: int | None


@router.get("/requests", response={200: list[SupplyRequestOut], **ERRORS})
def list_requests(request: HttpRequest) -> Any:
    return list(supply_requests.supply_request_list(actor=request.user)[:200])


@router.post("/requests", response={201: SupplyRequestOut, **ERRORS})
def submit_request(request: HttpRequest, payload: RequestIn) -> Any:
    return 201, supply_requests.supply_request_submit(actor=request.user, **payload.dict())
