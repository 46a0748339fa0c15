"""Invoicing REST endpoints: invoices (draft, issue, send, credit notes, PDF, JP PINT), payments,
aging, matching proposals and bulk confirm, PINT validation, received invoices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from urakata.core.api import API_ERRORS, PageMeta, paginate
from urakata.core.files import upload_size_check
from urakata.core.permissions import require
from urakata.core.schema_types import (
    BusinessDate,
    LongText,
    NonNegativeYen,
    PageNumber,
    PageSize,
    RowId,
    Yen,
)
from urakata.invoicing import delivery, received, reconcile, recurring, selectors, services
from urakata.invoicing.models import Invoice, ReceivedInvoice, RecurringInvoice
from urakata.invoicing.pint_read import pint_validate

router = Router(tags=["invoicing"])
ERRORS = API_ERRORS
Short = Annotated[str, Field(max_length=200)]


class InvoiceLineIn(Schema):
    description: Annotated[str, Field(min_length=1, max_length=200)]
    quantity: Annotated[Decimal, Field(gt=0, lt=10**9, max_digits=12, decimal_places=3)] = Decimal(
        1
    )
    unit: Annotated[str, Field(max_length=20)] = ""
    unit_price: Yen
    tax_category: Annotated[str, Field(pattern="^(S|AA|G|E)$")] = "S"


class InvoiceAllowanceIn(Schema):
    is_charge: bool = False
    reason: Annotated[str, Field(min_length=1, max_length=100)]
    amount: Annotated[int, Field(gt=0, lt=10**12)]
    tax_category: Annotated[str, Field(pattern="^(S|AA|G|E)$")] = "S"


class InvoiceIn(Schema):
    kind: Annotated[str, Field(pattern="^(invoice|simplified)$")] = "invoice"
    counterparty_id: RowId | None = None
    recipient_name: Short = ""
    issue_date: BusinessDate
    transaction_date: BusinessDate | None = None
    period_start: BusinessDate | None = None
    due_date: BusinessDate | None = None
    rounding: Annotated[str, Field(pattern="^(floor|half_up|ceiling)$")] = "floor"
    prices_include_tax: bool = False
    subject: Short = ""
    notes: Annotated[str, Field(max_length=2000)] = ""
    lines: Annotated[list[InvoiceLineIn], Field(min_length=1, max_length=200)]
    allowances: Annotated[list[InvoiceAllowanceIn], Field(max_length=20)] = []


class CreditNoteIn(Schema):
    issue_date: BusinessDate
    notes: Annotated[str, Field(max_length=2000)] = ""
    lines: Annotated[list[InvoiceLineIn], Field(min_length=1, max_length=200)]


class InvoiceLineOut(Schema):
    position: int
    description: str
    quantity: Decimal
    unit: str
    unit_price: int
    amount: int
    tax_category: str


class TaxTotalOut(Schema):
    tax_category: str
    taxable: int
    tax: int


class InvoiceOut(Schema):
    id: int
    kind: str
    number: str
    status: str
    counterparty_id: int | None
    recipient_name: str
    issue_date: dt.date
    transaction_date: dt.date
    due_date: dt.date | None
    rounding: str
    prices_include_tax: bool
    subtotal: int
    tax_total: int
    total: int
    paid_amount: int
    open_amount: int
    original_id: int | None
    journal_entry_id: int | None


class InvoiceDetail(InvoiceOut):
    subject: str
    notes: str
    lines: list[InvoiceLineOut]
    tax_totals: list[TaxTotalOut]

    @staticmethod
    def resolve_lines(obj: Invoice) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_tax_totals(obj: Invoice) -> list[Any]:
        return list(obj.tax_totals.all())


class InvoicePage(Schema):
    items: list[InvoiceOut]
    meta: PageMeta


class InvoiceQuery(Schema):
    status: Annotated[str, Field(max_length=20)] = ""
    q: Short = ""
    page: PageNumber = 1
    page_size: PageSize = 50


class SendIn(Schema):
    to: Annotated[str, Field(max_length=254)] = ""


class PaymentIn(Schema):
    date: BusinessDate
    amount: NonNegativeYen
    fee: NonNegativeYen = 0


class AllocationIn(Schema):
    invoice_id: RowId
    amount: NonNegativeYen
    fee: NonNegativeYen = 0


class MatchIn(Schema):
    bank_transaction_id: RowId
    allocations: Annotated[list[AllocationIn], Field(min_length=1, max_length=50)]


class MatchConfirmIn(Schema):
    matches: Annotated[list[MatchIn], Field(min_length=1, max_length=1000)]


class ProblemOut(Schema):
    id: str
    message: str
    location: str


class ValidationOut(Schema):
    valid: bool
    errors: list[ProblemOut]
    warnings: list[ProblemOut]


class ReceivedOut(Schema):
    id: int
    issuer_name: str
    registration_number: str
    registration_ok: bool
    number: str
    issue_date: dt.date
    due_date: dt.date | None
    subtotal: int
    tax_total: int
    total: int
    status: str
    source: str
    counterparty_id: int | None
    journal_entry_id: int | None
    tax_totals: list[TaxTotalOut]

    @staticmethod
    def resolve_tax_totals(obj: ReceivedInvoice) -> list[Any]:
        return list(obj.tax_totals.all())


class ReceivedIn(Schema):
    issuer_name: Annotated[str, Field(min_length=1, max_length=200)]
    registration_number: Annotated[str, Field(max_length=20)] = ""
    number: Annotated[str, Field(max_length=60)] = ""
    issue_date: BusinessDate
    due_date: BusinessDate | None = None
    description: Short = ""
    expense_account: Annotated[str, Field(max_length=10)] = "7290"
    taxable_10: NonNegativeYen = 0
    tax_10: NonNegativeYen = 0
    taxable_8: NonNegativeYen = 0
    tax_8: NonNegativeYen = 0
    taxable_exempt: NonNegativeYen = 0


class InvoiceRejectIn(Schema):
    reason: LongText = ""


def _lines(payload: Any) -> list[dict[str, Any]]:
    return [line.dict() for line in payload.lines]


def _invoice(request: HttpRequest, invoice_id: int) -> Invoice:
    return selectors.invoice_get(actor=request.user, invoice_id=invoice_id)


@router.get("/invoices", response={200: InvoicePage, **ERRORS})
def list_invoices(request: HttpRequest, query: Query[InvoiceQuery]) -> Any:
    """Invoices (status: draft, issued, sent, partly_paid, paid, credited, or open)."""
    queryset = selectors.invoice_list(actor=request.user, status=query.status, q=query.q)
    items, meta = paginate(queryset, page=query.page, page_size=query.page_size)
    return {"items": items, "meta": meta}


@router.post("/invoices", response={201: InvoiceDetail, **ERRORS})
def create_invoice(request: HttpRequest, payload: InvoiceIn) -> Any:
    data = payload.dict()
    data["lines"] = _lines(payload)
    invoice = services.invoice_create(actor=request.user, data=data)
    return 201, selectors.invoice_get(actor=request.user, invoice_id=invoice.pk)


@router.get("/invoices/{invoice_id}", response={200: InvoiceDetail, **ERRORS})
def get_invoice(request: HttpRequest, invoice_id: RowId) -> Any:
    return _invoice(request, invoice_id)


@router.put("/invoices/{invoice_id}", response={200: InvoiceDetail, **ERRORS})
def update_invoice(request: HttpRequest, invoice_id: RowId, payload: InvoiceIn) -> Any:
    require(request.user, "invoicing.manage")
    data = payload.dict()
    data["lines"] = _lines(payload)
    services.invoice_update(actor=request.user, invoice=_invoice(request, invoice_id), data=data)
    return _invoice(request, invoice_id)


@router.post("/invoices/{invoice_id}/issue", response={200: InvoiceDetail, **ERRORS})
def issue_invoice(request: HttpRequest, invoice_id: RowId) -> Any:
    require(request.user, "invoicing.manage")
    services.invoice_issue(actor=request.user, invoice=_invoice(request, invoice_id))
    return _invoice(request, invoice_id)


@router.post("/invoices/{invoice_id}/send", response={200: InvoiceDetail, **ERRORS})
def send_invoice(request: HttpRequest, invoice_id: RowId, payload: SendIn) -> Any:
    require(request.user, "invoicing.manage")
    delivery.invoice_send(actor=request.user, invoice=_invoice(request, invoice_id), to=payload.to)
    return _invoice(request, invoice_id)


@router.post("/invoices/{invoice_id}/credit-notes", response={201: InvoiceDetail, **ERRORS})
def create_credit_note(request: HttpRequest, invoice_id: RowId, payload: CreditNoteIn) -> Any:
    require(request.user, "invoicing.manage")
    data = payload.dict()
    data["lines"] = _lines(payload)
    note = services.credit_note_create(
        actor=request.user, original=_invoice(request, invoice_id), data=data
    )
    return 201, _invoice(request, note.pk)


@router.post("/invoices/{invoice_id}/payments", response={200: InvoiceDetail, **ERRORS})
def record_payment(request: HttpRequest, invoice_id: RowId, payload: PaymentIn) -> Any:
    """A receipt typed in (cash, another account): 普通預金 (+ 支払手数料) / 売掛金."""
    require(request.user, "invoicing.manage")
    invoice = _invoice(request, invoice_id)
    services.payment_apply(
        actor=request.user, date=payload.date, allocations=[(invoice, payload.amount, payload.fee)]
    )
    return _invoice(request, invoice_id)


@router.get("/invoices/{invoice_id}/pdf", response={200: None, **ERRORS})
def invoice_pdf(request: HttpRequest, invoice_id: RowId) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    response = HttpResponse(delivery.pdf_bytes(invoice), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{delivery.filename(invoice, "pdf")}"'
    return response


@router.get("/invoices/{invoice_id}/pint", response={200: None, **ERRORS})
def invoice_pint(request: HttpRequest, invoice_id: RowId) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    response = HttpResponse(delivery.pint_bytes(invoice), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{delivery.filename(invoice, "xml")}"'
    return response


@router.get("/aging", response={200: dict[str, Any], **ERRORS})
def aging(request: HttpRequest, today: BusinessDate | None = None) -> Any:
    """売掛金年齢表 by days past due (current, 1-30, 31-60, 61-90, over_90)."""
    from django.utils import timezone

    return selectors.aging(actor=request.user, today=today or timezone.localdate())


@router.get("/matches", response={200: list[dict[str, Any]], **ERRORS})
def list_matches(request: HttpRequest) -> Any:
    """Proposed matches of unmatched deposits to open invoices, with a score."""
    return reconcile.match_proposals(actor=request.user)


@router.post("/matches/confirm", response={200: dict[str, Any], **ERRORS})
def confirm_matches(request: HttpRequest, payload: MatchConfirmIn) -> Any:
    """Confirm matches in bulk; each posts its 消込 entry (failures are listed, not fatal)."""
    return reconcile.matches_confirm(
        actor=request.user, selections=[m.dict() for m in payload.matches]
    )


@router.post("/pint/validate", response={200: ValidationOut, **ERRORS})
def validate_pint(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """Check a JP PINT XML file against the JP rules and UBL structure (nothing is saved)."""
    require(request.user, "invoicing.view")
    upload_size_check(file, refusal="XML")
    return pint_validate(file.read())


class InvRegistryOut(Schema):
    """The public registry's answer on a 登録番号 (`checked` false: off, bad format, unreachable)."""

    number: str
    checked: bool
    found: bool
    registered: bool
    name: str
    registered_on: dt.date | None
    cancelled_on: dt.date | None
    expired_on: dt.date | None
    message: str


@router.get("/registry/{number}", response={200: InvRegistryOut, **ERRORS})
def registry_check(
    request: HttpRequest, number: Annotated[str, Field(min_length=1, max_length=20)]
) -> Any:
    """Look a 登録番号 up in the 国税庁 公表サイト (when configured), e.g. while entering a
    counterparty or a received invoice; cached per number and day."""
    from django.utils import timezone

    from urakata.invoicing.registry import registry_lookup

    require(request.user, "invoicing.view")
    answer = registry_lookup(number)
    return {
        **answer.__dict__,
        "registered": answer.registered_on_day(timezone.localdate()),
    }


@router.get("/received", response={200: list[ReceivedOut], **ERRORS})
def list_received(request: HttpRequest, status: Annotated[str, Field(max_length=20)] = "") -> Any:
    return list(
        selectors.received_list(actor=request.user, status=status).prefetch_related("tax_totals")[
            :200
        ]
    )


@router.post("/received", response={201: ReceivedOut, **ERRORS})
def create_received(request: HttpRequest, payload: ReceivedIn) -> Any:
    item = received.received_create(actor=request.user, data=payload.dict())
    return 201, selectors.received_get(actor=request.user, received_id=item.pk)


@router.post("/received/pint", response={201: ReceivedOut, **ERRORS})
def import_received_pint(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """Import a supplier's JP PINT invoice (validated first; refused with every error)."""
    require(request.user, "invoicing.manage")
    upload_size_check(file, refusal="XML")
    item = received.received_import_pint(actor=request.user, data=file.read())
    return 201, selectors.received_get(actor=request.user, received_id=item.pk)


@router.get("/received/{received_id}", response={200: ReceivedOut, **ERRORS})
def get_received(request: HttpRequest, received_id: RowId) -> Any:
    return selectors.received_get(actor=request.user, received_id=received_id)


@router.post("/received/{received_id}/approve", response={200: ReceivedOut, **ERRORS})
def approve_received(request: HttpRequest, received_id: RowId) -> Any:
    require(request.user, "invoicing.approve")
    item = selectors.received_get(actor=request.user, received_id=received_id)
    received.received_approve(actor=request.user, received=item)
    return selectors.received_get(actor=request.user, received_id=received_id)


@router.post("/received/{received_id}/submit", response={200: ReceivedOut, **ERRORS})
def submit_received(request: HttpRequest, received_id: RowId) -> Any:
    """Route the received invoice for approval (workflow); the approver's decision posts it."""
    from urakata.invoicing.received_workflow import received_submit

    require(request.user, "invoicing.manage")
    item = selectors.received_get(actor=request.user, received_id=received_id)
    received_submit(actor=request.user, received=item)
    return selectors.received_get(actor=request.user, received_id=received_id)


@router.post("/received/{received_id}/reject", response={200: ReceivedOut, **ERRORS})
def reject_received(request: HttpRequest, received_id: RowId, payload: InvoiceRejectIn) -> Any:
    require(request.user, "invoicing.approve")
    item = selectors.received_get(actor=request.user, received_id=received_id)
    received.received_reject(actor=request.user, received=item, reason=payload.reason)
    return selectors.received_get(actor=request.user, received_id=received_id)


class RecurringIn(Schema):
    counterparty_id: RowId
    subject: Short = ""
    next_date: BusinessDate
    due_days: Annotated[int, Field(ge=0, le=365)] = 30
    rounding: Annotated[str, Field(pattern="^(floor|half_up|ceiling)$")] = "floor"
    lines: Annotated[list[InvoiceLineIn], Field(min_length=1, max_length=200)]


class RecurringOut(Schema):
    id: int
    counterparty_id: int
    subject: str
    next_date: dt.date
    due_days: int
    is_active: bool
    last_invoice_id: int | None


@router.get("/recurring", response={200: list[RecurringOut], **ERRORS})
def list_recurring(request: HttpRequest) -> Any:
    require(request.user, "invoicing.view")
    return list(RecurringInvoice.objects.all()[:500])


@router.post("/recurring", response={201: RecurringOut, **ERRORS})
def create_recurring(request: HttpRequest, payload: RecurringIn) -> Any:
    """A monthly invoice issued on its day each month (the daily job `invoicing.recurring`)."""
    data = payload.dict()
    data["lines"] = _lines(payload)
    return 201, recurring.recurring_create(actor=request.user, data=data)


@router.post("/recurring/run", response={200: list[InvoiceOut], **ERRORS})
def run_recurring(request: HttpRequest, today: BusinessDate | None = None) -> Any:
    """Issue the recurring invoices due by `today` now (what the daily job does)."""
    from django.utils import timezone

    invoices = recurring.recurring_run(actor=request.user, today=today or timezone.localdate())
    return [selectors.invoice_get(actor=request.user, invoice_id=i.pk) for i in invoices]
