"""E-contract REST endpoints: register, create, detail, submit for approval, company signature,
the counterparty's signature (token + code, no login), and signature verification."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import File, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from urakata.core.api import API_ERRORS
from urakata.core.errors import ValidationFailed
from urakata.core.files import upload_check
from urakata.core.schema_types import BusinessDate, LongText, NonNegativeYen, RowId
from urakata.core.tables import table_response
from urakata.documents import contract_selectors, contracts, signing
from urakata.documents.contract_models import Contract
from urakata.documents.stamp_duty import StampCategory

router = Router(tags=["contracts"])


class ContractOut(Schema):
    id: int
    title: str
    contract_type: str
    counterparty_id: int
    amount: int
    stamp_category: str
    stamp_duty: int  # the 印紙税 a paper original would need
    stamp_saved: int  # saved by concluding it electronically (0 until concluded)
    start_date: dt.date
    end_date: dt.date
    auto_renew: bool
    notice_days: int
    status: str
    signer_name: str
    signer_email: str
    company_signed_at: dt.datetime | None
    counterparty_signed_at: dt.datetime | None
    document_id: int | None

    @staticmethod
    def resolve_stamp_duty(obj: Contract) -> int:
        return contract_selectors.contract_stamp_duty(obj, timezone.localdate())

    @staticmethod
    def resolve_stamp_saved(obj: Contract) -> int:
        if obj.status != Contract.Status.SIGNED:
            return 0
        return contract_selectors.contract_stamp_duty(obj, timezone.localdate())


class ContractIn(Schema):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    contract_type: Annotated[str, Field(max_length=40)] = "業務委託"
    counterparty_id: RowId
    amount: NonNegativeYen
    stamp_category: StampCategory | None = None  # by default from contract_type
    start_date: BusinessDate
    end_date: BusinessDate
    auto_renew: bool = False
    notice_days: Annotated[int, Field(ge=0, le=3650)] = 30
    body: LongText
    signer_name: Annotated[str, Field(min_length=1, max_length=100)]
    signer_email: Annotated[str, Field(min_length=3, max_length=254)]


class ContractRegisterTotalsOut(Schema):
    contracts: int
    concluded: int
    stamp_saved: int  # 印紙代の節約額 of the concluded contracts
    stamp_pending: int  # … of those not yet concluded (not rejected)


@router.get("/contracts", response={200: list[ContractOut], **API_ERRORS})
def contract_list(request: HttpRequest) -> list[Contract]:
    """The contract register, with the 印紙代 each contract saves."""
    rows = contract_selectors.contract_list(actor=request.user, today=timezone.localdate())
    return [row.contract for row in rows]


@router.get("/contracts/totals", response={200: ContractRegisterTotalsOut, **API_ERRORS})
def contract_totals(request: HttpRequest) -> contract_selectors.ContractTotals:
    """The register's totals: 印紙代の節約額 (concluded) and still to save."""
    rows = contract_selectors.contract_list(actor=request.user, today=timezone.localdate())
    return contract_selectors.contract_totals(rows)


@router.get("/contracts/register.csv", response={200: None, **API_ERRORS})
def contract_register_csv(request: HttpRequest) -> HttpResponse:
    """The contract register as CSV, with 印紙税の区分, the duty and the 節約額 per contract."""
    rows = contract_selectors.contract_list(actor=request.user, today=timezone.localdate())
    return table_response(  # type: ignore[return-value]
        file_format="csv",
        header=contract_selectors.REGISTER_HEADER,
        rows=[contract_selectors.register_row(r) for r in rows],
        filename="contract_register",
    )


@router.post("/contracts", response={201: ContractOut, **API_ERRORS})
def contract_create(request: HttpRequest, payload: ContractIn) -> Status[Contract]:
    """A draft contract and its PDF."""
    return Status(201, contracts.contract_create(actor=request.user, data=payload.model_dump()))


@router.get("/contracts/{int:contract_id}", response={200: ContractOut, **API_ERRORS})
def contract_detail(request: HttpRequest, contract_id: RowId) -> Contract:
    return contract_selectors.contract_get(actor=request.user, contract_id=contract_id)


@router.post("/contracts/{int:contract_id}/submit", response={200: ContractOut, **API_ERRORS})
def contract_submit(request: HttpRequest, contract_id: RowId) -> Contract:
    """Route the draft for internal approval (稟議)."""
    contract = contract_selectors.contract_get(actor=request.user, contract_id=contract_id)
    return contracts.contract_submit(actor=request.user, contract=contract)


class SignedOut(Schema):
    contract: ContractOut
    signing_url: str


@router.post("/contracts/{int:contract_id}/sign", response={200: SignedOut, **API_ERRORS})
def contract_sign(request: HttpRequest, contract_id: RowId) -> dict[str, Any]:
    """The company's signature; the counterparty gets the link and the code by e-mail (the code
    is never in the response)."""
    contract = contract_selectors.contract_get(actor=request.user, contract_id=contract_id)
    base = request.build_absolute_uri("/")[:-1]
    token = contracts.contract_company_sign(actor=request.user, contract=contract, base_url=base)
    contract.refresh_from_db()
    return {"contract": contract, "signing_url": f"{base}/documents/sign/{token}/"}


class CounterpartySignIn(Schema):
    token: Annotated[str, Field(min_length=10, max_length=100)]
    code: Annotated[str, Field(min_length=1, max_length=12)]


class CounterpartySignOut(Schema):
    status: str
    title: str


@router.post(
    "/contracts/counterparty-sign", response={200: CounterpartySignOut, **API_ERRORS}, auth=None
)
def counterparty_sign(request: HttpRequest, payload: CounterpartySignIn) -> dict[str, str]:
    """The counterparty's agreement (no login: the one-time token and the e-mailed code)."""
    contract = contracts.counterparty_sign(
        token=payload.token,
        code=payload.code,
        ip=request.META.get("REMOTE_ADDR"),
        agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    return {"status": contract.status, "title": contract.title}


@router.post("/contracts/verify", response={200: dict[str, Any], **API_ERRORS})
def contract_verify(request: HttpRequest, file: File[UploadedFile]) -> dict[str, Any]:
    """Every signature of an uploaded PDF: valid, signer, signing time, modified after signing."""
    checked, problems = upload_check(upload=file, purpose="evidence")
    if checked is None:
        raise ValidationFailed("ファイルを確認できません。", errors={"file": problems})
    return signing.verify_pdf(checked.content)
