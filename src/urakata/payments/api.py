"""Payments REST endpoints under /api/v1/payments: batches, requests, bank accounts, file parsing."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest, HttpResponseBase
from django.utils.translation import gettext as _
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from urakata.core.api import API_ERRORS, PageMeta, paginate
from urakata.core.errors import NotFound
from urakata.core.files import stored_file_response, upload_size_check
from urakata.core.permissions import require
from urakata.core.schema_types import BusinessDate, PageNumber, PageSize, RowId
from urakata.payments import batches, selectors, services, settle, zengin
from urakata.payments.banks import bank_lookup, branch_lookup
from urakata.payments.models import CompanyBankAccount, PaymentBatch

router = Router(tags=["payments"])
ERRORS = API_ERRORS

KindIn = Literal["transfer", "salary", "bonus"]
Digits4 = Annotated[str, Field(pattern=r"^\d{4}$")]
Digits3 = Annotated[str, Field(pattern=r"^\d{3}$")]


class BatchOut(Schema):
    id: int
    kind: str
    transfer_date: dt.date
    status: str
    company_account_id: int
    item_count: int
    total_amount: int
    total_fee: int
    has_file: bool
    paid_on: dt.date | None
    journal_entry_id: int | None

    @staticmethod
    def resolve_has_file(obj: PaymentBatch | dict[str, Any]) -> bool:
        if isinstance(obj, dict):  # the detail's dict (already resolved)
            return bool(obj["has_file"])
        return obj.file_id is not None


class BatchPage(Schema):
    meta: PageMeta
    items: list[BatchOut]


class PaymentItemOut(Schema):
    id: int
    request_id: int
    source: str
    source_id: int
    payee: str
    bank_code: str
    branch_code: str
    account_type: str
    account_number: str
    payee_name_kana: str
    amount: int
    fee: int


class BatchDetailOut(BatchOut):
    items: list[PaymentItemOut]


class BatchIn(Schema):
    transfer_date: BusinessDate
    kind: KindIn = "transfer"
    company_account_id: RowId | None = None
    request_ids: list[RowId] | None = Field(default=None, max_length=10_000)


class CreatedOut(Schema):
    batch: BatchOut
    skipped: list[dict[str, Any]]


class PaidIn(Schema):
    paid_on: BusinessDate | None = None


class PaymentRequestOut(Schema):
    id: int
    source: str
    source_id: int
    payee_employee_id: int | None
    payee_counterparty_id: int | None
    amount: int
    due_date: dt.date
    description: str
    kind: str
    liability_account_code: str
    status: str
    paid_on: dt.date | None


class PaymentRequestPage(Schema):
    meta: PageMeta
    items: list[PaymentRequestOut]


class PayeeAccountIn(Schema):
    bank_code: Annotated[str, Field(max_length=10)]
    branch_code: Annotated[str, Field(max_length=10)]
    account_type: Annotated[str, Field(max_length=2)] = "1"
    account_number: Annotated[str, Field(max_length=10)]
    account_holder_kana: Annotated[str, Field(max_length=100)]


class PayeeAccountOut(Schema):
    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: str
    account_number: str
    account_holder_kana: str


class CompanyAccountIn(PayeeAccountIn):
    label: Annotated[str, Field(max_length=100)]
    consignor_code: Annotated[str, Field(max_length=12)]
    consignor_name_kana: Annotated[str, Field(max_length=100)]
    line_ending: Literal["crlf", "none"] = "crlf"
    fee_same_bank: Annotated[int, Field(ge=0, le=100_000)] = 0
    fee_other_bank: Annotated[int, Field(ge=0, le=100_000)] = 0
    ledger_sub_account: Annotated[str, Field(max_length=20)] = ""
    is_default: bool = False


class CompanyAccountOut(PayeeAccountOut):
    id: int
    label: str
    consignor_code: str
    consignor_name_kana: str
    line_ending: str
    fee_same_bank: int
    fee_other_bank: int
    is_default: bool
    is_active: bool


class BankOut(Schema):
    code: str
    name: str
    kana: str


def _account_out(row: Any, *, visible: bool) -> dict[str, Any]:
    data = {k: getattr(row, k) for k in PayeeAccountOut.model_fields}
    if not visible:
        data["account_number"] = selectors.mask(row.account_number)
    return data


def _company_out(row: CompanyBankAccount, user: Any) -> dict[str, Any]:
    visible = selectors.account_number_visible(user)
    data = _account_out(row, visible=visible)
    data.update({k: getattr(row, k) for k in CompanyAccountOut.model_fields if k not in data})
    if not visible:
        data["consignor_code"] = selectors.mask(row.consignor_code)
    return data


def _detail(batch: PaymentBatch, user: Any) -> dict[str, Any]:
    visible = selectors.account_number_visible(user)
    items = [
        {
            "id": i.pk,
            "request_id": i.request_id,
            "source": i.request.source,
            "source_id": i.request.source_id,
            "payee": str(i.request.payee),
            "bank_code": i.bank_code,
            "branch_code": i.branch_code,
            "account_type": i.account_type,
            "account_number": i.account_number if visible else selectors.mask(i.account_number),
            "payee_name_kana": i.payee_name_kana,
            "amount": i.amount,
            "fee": i.fee,
        }
        for i in selectors.batch_items(actor=user, batch=batch)
    ]
    return {**BatchOut.from_orm(batch).model_dump(), "items": items}


@router.get("/batches", response={200: BatchPage, **ERRORS})
def batch_list(
    request: HttpRequest,
    status: Annotated[str, Field(max_length=20)] = "",
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> Any:
    rows, meta = paginate(
        selectors.batches(actor=request.user, status=status or None), page=page, page_size=page_size
    )
    return {"meta": meta, "items": rows}


@router.post("/batches", response={201: CreatedOut, **ERRORS})
def batch_create(request: HttpRequest, payload: BatchIn) -> Any:
    batch, skipped = batches.batch_create(
        actor=request.user,
        transfer_date=payload.transfer_date,
        kind=payload.kind,
        company_account_id=payload.company_account_id,
        request_ids=payload.request_ids,
    )
    return Status(
        201,
        {
            "batch": batch,
            "skipped": [{"request_id": s.request.pk, "reason": s.reason} for s in skipped],
        },
    )


@router.get("/batches/{batch_id}", response={200: BatchDetailOut, **ERRORS})
def batch_detail(request: HttpRequest, batch_id: RowId) -> Any:
    return _detail(selectors.batch_get(actor=request.user, batch_id=batch_id), request.user)


@router.post("/batches/{batch_id}/submit", response={200: BatchOut, **ERRORS})
def batch_submit(request: HttpRequest, batch_id: RowId) -> Any:
    return batches.batch_submit(actor=request.user, batch_id=batch_id)


@router.post("/batches/{batch_id}/cancel", response={200: BatchOut, **ERRORS})
def batch_cancel(request: HttpRequest, batch_id: RowId) -> Any:
    return batches.batch_cancel(actor=request.user, batch_id=batch_id)


@router.post("/batches/{batch_id}/file", response={201: BatchOut, **ERRORS})
def batch_file_create(request: HttpRequest, batch_id: RowId) -> Any:
    settle.batch_file(actor=request.user, batch_id=batch_id)
    return Status(201, selectors.batch_get(actor=request.user, batch_id=batch_id))


@router.get("/batches/{batch_id}/file", response={200: None, **ERRORS})
def batch_file_download(request: HttpRequest, batch_id: RowId) -> HttpResponseBase:
    require(request.user, "payments.view_account_numbers")  # the file carries account numbers
    batch = selectors.batch_get(actor=request.user, batch_id=batch_id)
    if batch.file is None:
        raise NotFound(_("全銀ファイルはまだ作成されていません。"))
    return stored_file_response(batch.file, download=True)


@router.post("/batches/{batch_id}/paid", response={200: BatchOut, **ERRORS})
def batch_paid(request: HttpRequest, batch_id: RowId, payload: PaidIn) -> Any:
    return settle.batch_mark_paid(actor=request.user, batch_id=batch_id, paid_on=payload.paid_on)


@router.get("/requests", response={200: PaymentRequestPage, **ERRORS})
def request_list(
    request: HttpRequest,
    status: Annotated[str, Field(max_length=20)] = "",
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> Any:
    rows, meta = paginate(
        selectors.requests(actor=request.user, status=status or None),
        page=page,
        page_size=page_size,
    )
    return {"meta": meta, "items": rows}


@router.get("/company-accounts", response={200: list[CompanyAccountOut], **ERRORS})
def company_account_list(request: HttpRequest) -> Any:
    return [_company_out(a, request.user) for a in selectors.company_accounts(actor=request.user)]


@router.post("/company-accounts", response={201: CompanyAccountOut, **ERRORS})
def company_account_add(request: HttpRequest, payload: CompanyAccountIn) -> Any:
    account = services.company_account_save(actor=request.user, data=payload.dict())
    return Status(201, _company_out(account, request.user))


@router.get("/my-account", response={200: PayeeAccountOut | None, **ERRORS})
def my_account(request: HttpRequest) -> Any:
    require(request.user, "payments.own_account")
    employee = selectors.own_employee(request.user)
    if employee is None:
        raise NotFound(_("社員として登録されていません。"))
    row = selectors.payee_account_for(actor=request.user, employee_id=employee.pk)
    return _account_out(row, visible=True) if row else None


@router.put("/my-account", response={200: PayeeAccountOut, **ERRORS})
def my_account_save(request: HttpRequest, payload: PayeeAccountIn) -> Any:
    require(request.user, "payments.own_account")
    employee = selectors.own_employee(request.user)
    if employee is None:
        raise NotFound(_("社員として登録されていません。"))
    row = services.payee_account_save(
        actor=request.user, employee_id=employee.pk, data=payload.dict()
    )
    return _account_out(row, visible=True)


@router.put("/payee-accounts/employee/{employee_id}", response={200: PayeeAccountOut, **ERRORS})
def employee_account_save(request: HttpRequest, employee_id: RowId, payload: PayeeAccountIn) -> Any:
    require(request.user, "payments.manage_payees")
    row = services.payee_account_save(
        actor=request.user, employee_id=employee_id, data=payload.dict()
    )
    return _account_out(row, visible=True)


@router.put(
    "/payee-accounts/counterparty/{counterparty_id}", response={200: PayeeAccountOut, **ERRORS}
)
def counterparty_account_save(
    request: HttpRequest, counterparty_id: RowId, payload: PayeeAccountIn
) -> Any:
    require(request.user, "payments.manage_payees")
    row = services.payee_account_save(
        actor=request.user, counterparty_id=counterparty_id, data=payload.dict()
    )
    return _account_out(row, visible=True)


@router.get("/banks/{bank_code}", response={200: BankOut, **ERRORS})
def bank(request: HttpRequest, bank_code: Digits4) -> Any:
    require(request.user, "payments.own_account")
    found = bank_lookup(bank_code)
    if found is None:
        raise NotFound(_("銀行コード %(code)s の金融機関はありません。") % {"code": bank_code})
    return found


@router.get("/banks/{bank_code}/branches/{branch_code}", response={200: BankOut, **ERRORS})
def branch(request: HttpRequest, bank_code: Digits4, branch_code: Digits3) -> Any:
    require(request.user, "payments.own_account")
    found = branch_lookup(bank_code, branch_code)
    if found is None:
        raise NotFound(_("支店が見つかりません。"))
    return found


@router.post("/parse", response={200: dict[str, Any], **ERRORS})
def parse(request: HttpRequest, file: File[UploadedFile]) -> Any:
    """Read a 全銀 file back, record by record (nothing is stored)."""
    require(request.user, "payments.view")
    upload_size_check(file, refusal=_("全銀ファイルを読めません。"))
    return zengin.zengin_parse(file.read())
