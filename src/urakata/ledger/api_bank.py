"""Ledger REST endpoints: bank statement import, suggestions, rules and confirmation."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from urakata.core.api import PageMeta, paginate
from urakata.core.errors import ValidationFailed
from urakata.core.files import upload_size_check
from urakata.core.permissions import require
from urakata.core.schema_types import PageNumber, PageSize, RowId, SortOrder, Yen
from urakata.ledger import bank_import
from urakata.ledger.api_common import ERRORS, Code, op_id

router = Router()  # mounted under ledger.api.router, whose "ledger" tag it inherits


# ---------------------------------------------------------------- bank statements


class BankTransactionOut(Schema):
    id: int
    date: dt.date
    description: str
    amount: int
    status: str
    account_code: str | None
    tax_code: str | None
    counterparty_id: int | None
    department_id: int | None
    suggestion_source: str
    confidence: float | None
    entry_id: int | None

    @staticmethod
    def resolve_account_code(obj: Any) -> str | None:
        return obj.account.code if obj.account else None

    @staticmethod
    def resolve_tax_code(obj: Any) -> str | None:
        return obj.tax_code.code if obj.tax_code else None

    @staticmethod
    def resolve_confidence(obj: Any) -> float | None:
        return float(obj.confidence) if obj.confidence is not None else None


class BankPage(Schema):
    meta: PageMeta
    items: list[BankTransactionOut]


class ConfirmIn(Schema):
    ids: list[RowId] = Field(max_length=10_000)
    account: Code | None = None
    tax_code: Code | None = None
    # 摘要 per line id (e.g. a suggested one); lines not named keep the statement text.
    descriptions: dict[str, Annotated[str, Field(max_length=200)]] = Field(
        default_factory=dict, max_length=10_000
    )


@router.post(
    "/ledger/bank/import",
    operation_id=op_id("bank_import_file"),
    response={201: dict[str, Any], **ERRORS},
)
def bank_import_file(
    request: HttpRequest,
    file: File[UploadedFile],
    feed: Form[str],
    preset: Form[str] = "generic",
) -> Any:
    require(request.user, "ledger.bank_import")
    upload_size_check(file, refusal=_("明細を取り込めません。"))
    result = bank_import.statement_import(
        actor=request.user, feed_name=feed, preset=preset, data=file.read()
    )
    return 201, result


@router.get(
    "/ledger/bank/transactions",
    operation_id=op_id("bank_transactions"),
    response={200: BankPage, **ERRORS},
)
def bank_transactions(
    request: HttpRequest, status: str = "", page: PageNumber = 1, page_size: PageSize = 50
) -> Any:
    items, meta = paginate(
        bank_import.transaction_list(actor=request.user, status=status),
        page=page,
        page_size=page_size,
    )
    return {"meta": meta, "items": items}


@router.post(
    "/ledger/bank/suggest",
    operation_id=op_id("bank_suggest"),
    response={200: dict[str, Any], **ERRORS},
)
def bank_suggest(request: HttpRequest) -> Any:
    require(request.user, "ledger.bank_import")
    return bank_import.suggestions_refresh(actor=request.user)


@router.post(
    "/ledger/bank/confirm",
    operation_id=op_id("bank_confirm"),
    response={200: dict[str, Any], **ERRORS},
)
def bank_confirm(request: HttpRequest, payload: ConfirmIn) -> Any:
    require(request.user, "ledger.bank_import")
    descriptions: dict[int, str] = {}
    for key, text in payload.descriptions.items():
        if not key.isdigit() or len(key) > 18:
            raise ValidationFailed(
                _("摘要の明細IDが正しくありません。"), errors={"descriptions": [key[:20]]}
            )
        descriptions[int(key)] = text
    return bank_import.transactions_confirm(
        actor=request.user,
        ids=payload.ids,
        account=payload.account,
        tax_code=payload.tax_code,
        descriptions=descriptions,
    )


class RuleIn(Schema):
    name: Annotated[str, Field(max_length=100)]
    pattern: Annotated[str, Field(max_length=200)]
    match: Annotated[str, Field(max_length=10)] = "contains"
    priority: SortOrder = 100
    amount_min: Yen | None = None
    amount_max: Yen | None = None
    account: Code
    tax_code: Code | None = None
    counterparty_id: int | None = None
    department_id: int | None = None


class RuleOut(Schema):
    id: int
    name: str
    priority: int
    match: str
    pattern: str
    amount_min: int | None
    amount_max: int | None
    account_id: int
    tax_code_id: int | None
    is_active: bool


@router.get(
    "/ledger/bank/rules", operation_id=op_id("bank_rules"), response={200: list[RuleOut], **ERRORS}
)
def bank_rules(request: HttpRequest) -> Any:
    require(request.user, "ledger.bank_import")
    from urakata.ledger.models import BankRule

    return list(BankRule.objects.order_by("priority", "pk"))


@router.post(
    "/ledger/bank/rules", operation_id=op_id("bank_rule_create"), response={201: RuleOut, **ERRORS}
)
def bank_rule_create(request: HttpRequest, payload: RuleIn) -> Any:
    return 201, bank_import.bank_rule_create(actor=request.user, data=payload.model_dump())


@router.get(
    "/ledger/bank/accuracy",
    operation_id=op_id("bank_accuracy"),
    response={200: dict[str, Any], **ERRORS},
)
def bank_accuracy(request: HttpRequest, holdout: float = 0.2) -> Any:
    require(request.user, "ledger.view")
    return bank_import.suggestion_accuracy(holdout=holdout)
