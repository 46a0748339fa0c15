"""Ledger REST endpoints: accounts, entries (list/detail/post/correct), periods, reports, bank."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from pydantic import Field

from urakata.core.api import ErrorOut, PageMeta, paginate
from urakata.core.errors import NotFound
from urakata.core.files import upload_size_check
from urakata.core.permissions import require
from urakata.core.schema_types import (
    BusinessDate,
    NonNegativeYen,
    PageNumber,
    PageSize,
    RowId,
    SortOrder,
    Year,
    Yen,
)
from urakata.ledger import (
    accounts,
    bank_import,
    closing,
    reports,
    selectors,
    services,
    tax_return,
)
from urakata.ledger.models import Account, JournalEntry, JournalLine

router = Router(tags=["ledger"])
ERRORS: dict[int, type[ErrorOut]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}


class SubAccountOut(Schema):
    id: int
    code: str
    name: str
    is_active: bool


class AccountOut(Schema):
    id: int
    code: str
    name: str
    category: str
    section: str
    normal_side: str
    default_tax_code: str | None
    is_active: bool
    sub_accounts: list[SubAccountOut]

    @staticmethod
    def resolve_default_tax_code(obj: Account) -> str | None:
        return obj.default_tax_code.code if obj.default_tax_code else None

    @staticmethod
    def resolve_sub_accounts(obj: Account) -> list[Any]:
        return list(obj.sub_accounts.all())


class AccountIn(Schema):
    code: Annotated[str, Field(min_length=1, max_length=10)]
    name: Annotated[str, Field(min_length=1, max_length=60)]
    category: Annotated[str, Field(max_length=10)]
    section: Annotated[str, Field(max_length=30)]
    normal_side: Annotated[str, Field(max_length=6)] = ""
    default_tax_code: Annotated[str, Field(max_length=10)] = ""
    is_active: bool = True


class AccountPatch(Schema):
    """Name, default tax code and active flag; code/category/section/side while unused."""

    name: Annotated[str, Field(min_length=1, max_length=60)] | None = None
    default_tax_code: Annotated[str, Field(max_length=10)] | None = None
    is_active: bool | None = None
    code: Annotated[str, Field(min_length=1, max_length=10)] | None = None
    category: Annotated[str, Field(max_length=10)] | None = None
    section: Annotated[str, Field(max_length=30)] | None = None
    normal_side: Annotated[str, Field(max_length=6)] | None = None


class SubAccountIn(Schema):
    code: Annotated[str, Field(min_length=1, max_length=10)]
    name: Annotated[str, Field(min_length=1, max_length=60)]


class SubAccountPatch(Schema):
    code: Annotated[str, Field(min_length=1, max_length=10)] | None = None
    name: Annotated[str, Field(min_length=1, max_length=60)] | None = None
    is_active: bool | None = None


class TaxRateOut(Schema):
    valid_from: dt.date
    rate: str
    deductible_ratio: str


class TaxCodeOut(Schema):
    code: str
    name: str
    kind: str
    treatment: str
    rates: list[TaxRateOut]

    @staticmethod
    def resolve_rates(obj: Any) -> list[dict[str, Any]]:
        return [
            {
                "valid_from": r.valid_from,
                "rate": str(r.rate),
                "deductible_ratio": str(r.deductible_ratio),
            }
            for r in obj.rates.all()
        ]


class LineOut(Schema):
    line_no: int
    account_code: str
    account_name: str
    sub_account: str | None
    debit: int
    credit: int
    tax_code: str | None
    tax_amount: int
    department_id: int | None
    counterparty_id: int | None
    memo: str

    @staticmethod
    def resolve_account_code(obj: JournalLine) -> str:
        return obj.account.code

    @staticmethod
    def resolve_account_name(obj: JournalLine) -> str:
        return obj.account.name

    @staticmethod
    def resolve_sub_account(obj: JournalLine) -> str | None:
        return obj.sub_account.code if obj.sub_account else None

    @staticmethod
    def resolve_tax_code(obj: JournalLine) -> str | None:
        return obj.tax_code.code if obj.tax_code else None


class EntryOut(Schema):
    id: int
    fiscal_year: int
    number: int
    date: dt.date
    description: str
    source: str
    source_ref: str
    amount: int
    reverses_id: int | None
    replaces_id: int | None
    reversed_by: list[int]
    replaced_by: list[int]
    correction_reason: str
    posted_at: dt.datetime
    lines: list[LineOut]

    @staticmethod
    def resolve_lines(obj: JournalEntry) -> list[Any]:
        return list(obj.lines.all())

    @staticmethod
    def resolve_reversed_by(obj: JournalEntry) -> list[int]:
        return [e.pk for e in obj.reversed_by.all()]

    @staticmethod
    def resolve_replaced_by(obj: JournalEntry) -> list[int]:
        return [e.pk for e in obj.replaced_by.all()]


class EntryPage(Schema):
    meta: PageMeta
    items: list[EntryOut]


Code = Annotated[str, Field(max_length=10)]
# One entry holds at most this many lines (a pay run's journal is a few hundred).
MAX_LINES = 1000


class LineIn(Schema):
    account: Code
    sub_account: Code | None = None
    debit: NonNegativeYen = 0
    credit: NonNegativeYen = 0
    tax_code: Code | None = None
    tax_amount: NonNegativeYen | None = None
    department_id: int | None = None
    counterparty_id: int | None = None
    memo: Annotated[str, Field(max_length=200)] = ""


class EntryIn(Schema):
    date: BusinessDate
    description: Annotated[str, Field(max_length=200)]
    lines: Annotated[list[LineIn], Field(max_length=MAX_LINES)]
    tax_entry: Annotated[str, Field(max_length=10)] | None = None


class CorrectionIn(Schema):
    reason: Annotated[str, Field(max_length=200)]
    date: BusinessDate | None = None
    description: Annotated[str, Field(max_length=200)] | None = None
    lines: Annotated[list[LineIn], Field(max_length=MAX_LINES)] | None = None
    tax_entry: Annotated[str, Field(max_length=10)] | None = None


class CorrectionOut(Schema):
    reversal: EntryOut
    replacement: EntryOut | None


class PeriodOut(Schema):
    period: int
    label: str
    is_closed: bool
    entries: int


class ReopenIn(Schema):
    reason: str


class ReopenRequestOut(Schema):
    id: int
    kind: str
    period: int
    status: str
    reason: str


class FiscalYearOut(Schema):
    fiscal_year: int
    is_closed: bool
    net_income: int


def _reopen_out(row: Any) -> dict[str, Any]:
    return {
        "id": row.pk,
        "kind": row.kind,
        "period": row.period,
        "status": row.status,
        "reason": row.reason,
    }


# ---------------------------------------------------------------- accounts


@router.get("/ledger/accounts", response={200: list[AccountOut], **ERRORS})
def list_accounts(request: HttpRequest, q: str = "", active: bool | None = None) -> Any:
    return list(selectors.account_list(actor=request.user, q=q, active=active))


@router.post("/ledger/accounts", response={201: AccountOut, **ERRORS})
def create_account(request: HttpRequest, payload: AccountIn) -> Any:
    require(request.user, "ledger.manage_accounts")
    account = accounts.account_create(actor=request.user, data=payload.model_dump())
    return 201, selectors.account_get(actor=request.user, account_id=account.pk)


@router.patch("/ledger/accounts/{account_id}", response={200: AccountOut, **ERRORS})
def update_account(request: HttpRequest, account_id: int, payload: AccountPatch) -> Any:
    require(request.user, "ledger.manage_accounts")
    account = selectors.account_get(actor=request.user, account_id=account_id)
    accounts.account_update(
        actor=request.user, account=account, data=payload.model_dump(exclude_unset=True)
    )
    return selectors.account_get(actor=request.user, account_id=account_id)


@router.post("/ledger/accounts/{account_id}/sub-accounts", response={201: AccountOut, **ERRORS})
def create_sub_account(request: HttpRequest, account_id: int, payload: SubAccountIn) -> Any:
    require(request.user, "ledger.manage_accounts")
    account = selectors.account_get(actor=request.user, account_id=account_id)
    accounts.sub_account_create(
        actor=request.user, account=account, code=payload.code, name=payload.name
    )
    return 201, selectors.account_get(actor=request.user, account_id=account_id)


@router.patch(
    "/ledger/accounts/{account_id}/sub-accounts/{sub_id}", response={200: AccountOut, **ERRORS}
)
def update_sub_account(
    request: HttpRequest, account_id: int, sub_id: int, payload: SubAccountPatch
) -> Any:
    require(request.user, "ledger.manage_accounts")
    account = selectors.account_get(actor=request.user, account_id=account_id)
    sub = account.sub_accounts.filter(pk=sub_id).first()
    if sub is None:
        raise NotFound("補助科目が見つかりません。")
    accounts.sub_account_update(
        actor=request.user, sub=sub, data=payload.model_dump(exclude_unset=True)
    )
    return selectors.account_get(actor=request.user, account_id=account_id)


@router.get("/ledger/tax-codes", response={200: list[TaxCodeOut], **ERRORS})
def list_tax_codes(request: HttpRequest) -> Any:
    return list(selectors.tax_code_list(actor=request.user))


class SettingsOut(Schema):
    rounding: str
    tax_entry: str


class SettingsPatch(Schema):
    rounding: str | None = None
    tax_entry: str | None = None


@router.get("/ledger/settings", response={200: SettingsOut, **ERRORS})
def get_settings(request: HttpRequest) -> Any:
    require(request.user, "ledger.view")
    from urakata.ledger.models import LedgerSettings

    return LedgerSettings.objects.order_by("pk").first() or LedgerSettings()


@router.patch("/ledger/settings", response={200: SettingsOut, **ERRORS})
def update_settings(request: HttpRequest, payload: SettingsPatch) -> Any:
    require(request.user, "ledger.manage_accounts")
    return accounts.ledger_settings_update(
        actor=request.user, rounding=payload.rounding, tax_entry=payload.tax_entry
    )


# ---------------------------------------------------------------- entries


class EntryQuery(Schema):
    q: Annotated[str, Field(max_length=200)] = ""
    date_from: BusinessDate | None = None
    date_to: BusinessDate | None = None
    account: Code = ""
    source: Annotated[str, Field(max_length=20)] = ""
    fiscal_year: Annotated[int, Field(ge=1900, le=2100)] | None = None
    amount_min: Yen | None = None
    amount_max: Yen | None = None
    counterparty_id: int | None = None
    page: PageNumber = 1
    page_size: PageSize = 50


@router.get("/ledger/entries", response={200: EntryPage, **ERRORS})
def list_entries(request: HttpRequest, query: Query[EntryQuery]) -> Any:
    filters = selectors.EntryFilters(
        q=query.q,
        date_from=query.date_from,
        date_to=query.date_to,
        account_code=query.account,
        source=query.source,
        fiscal_year=query.fiscal_year,
        amount_min=query.amount_min,
        amount_max=query.amount_max,
        counterparty_id=query.counterparty_id,
    )
    items, meta = paginate(
        selectors.entry_list(actor=request.user, filters=filters),
        page=query.page,
        page_size=query.page_size,
    )
    return {"meta": meta, "items": items}


@router.get("/ledger/entries/{entry_id}", response={200: EntryOut, **ERRORS})
def get_entry(request: HttpRequest, entry_id: int) -> Any:
    return selectors.entry_get(actor=request.user, entry_id=entry_id)


@router.get("/ledger/entries/{entry_id}/history", response={200: list[EntryOut], **ERRORS})
def entry_history(request: HttpRequest, entry_id: int) -> Any:
    entry = selectors.entry_get(actor=request.user, entry_id=entry_id)
    ids = [e.pk for e in selectors.entry_history(actor=request.user, entry=entry)]
    found = {e.pk: e for e in selectors.entry_list(actor=request.user).filter(pk__in=ids)}
    return [found[pk] for pk in ids if pk in found]


@router.post("/ledger/entries", response={201: EntryOut, **ERRORS})
def post_entry(request: HttpRequest, payload: EntryIn) -> Any:
    require(request.user, "ledger.post")
    entry = services.journal_entry_post(
        actor=request.user,
        date=payload.date,
        description=payload.description,
        lines=[line.model_dump() for line in payload.lines],
        tax_entry=payload.tax_entry,
    )
    return 201, selectors.entry_get(actor=request.user, entry_id=entry.pk)


@router.post("/ledger/entries/{entry_id}/correct", response={201: CorrectionOut, **ERRORS})
def correct_entry(request: HttpRequest, entry_id: int, payload: CorrectionIn) -> Any:
    require(request.user, "ledger.post")
    entry = selectors.entry_get(actor=request.user, entry_id=entry_id)
    reversal, replacement = services.journal_entry_correct(
        actor=request.user,
        entry=entry,
        reason=payload.reason,
        date=payload.date,
        description=payload.description,
        lines=[line.model_dump() for line in payload.lines] if payload.lines is not None else None,
        tax_entry=payload.tax_entry,
    )
    return 201, {
        "reversal": selectors.entry_get(actor=request.user, entry_id=reversal.pk),
        "replacement": selectors.entry_get(actor=request.user, entry_id=replacement.pk)
        if replacement
        else None,
    }


class AttachmentOut(Schema):
    id: int
    filename: str
    sha256: str
    size: int


@router.post("/ledger/entries/{entry_id}/attachments", response={201: AttachmentOut, **ERRORS})
def add_attachment(request: HttpRequest, entry_id: int, file: File[UploadedFile]) -> Any:
    require(request.user, "ledger.post")
    entry = selectors.entry_get(actor=request.user, entry_id=entry_id)
    return 201, services.attachment_add(
        actor=request.user, entry=entry, filename=file.name or "", content=file
    )


# ---------------------------------------------------------------- periods


@router.get("/ledger/periods", response={200: list[PeriodOut], **ERRORS})
def list_periods(request: HttpRequest, fiscal_year: Year) -> Any:
    return selectors.period_list(actor=request.user, fiscal_year=fiscal_year)


@router.post("/ledger/periods/{period}/close", response={200: PeriodOut, **ERRORS})
def close_period(request: HttpRequest, period: str) -> Any:
    require(request.user, "ledger.close")
    row = services.period_close(actor=request.user, period=period)
    return {"period": row.period, "label": str(row), "is_closed": row.is_closed, "entries": 0}


@router.post("/ledger/periods/{period}/reopen", response={202: ReopenRequestOut, **ERRORS})
def reopen_period(request: HttpRequest, period: str, payload: ReopenIn) -> Any:
    """Ask to reopen a closed month: 202 with the request; another accountant approves it."""
    require(request.user, "ledger.close")
    row = closing.reopen_request_submit(
        actor=request.user, kind="month", period=period, reason=payload.reason
    )
    return 202, _reopen_out(row)


@router.post("/ledger/fiscal-years/{fiscal_year}/close", response={200: FiscalYearOut, **ERRORS})
def close_fiscal_year(request: HttpRequest, fiscal_year: Year) -> Any:
    """決算確定: close every month of the year and lock it."""
    require(request.user, "ledger.close")
    row = closing.fiscal_year_close(actor=request.user, fiscal_year=fiscal_year)
    return {
        "fiscal_year": row.fiscal_year,
        "is_closed": row.is_closed,
        "net_income": row.net_income,
    }


@router.post(
    "/ledger/fiscal-years/{fiscal_year}/reopen", response={202: ReopenRequestOut, **ERRORS}
)
def reopen_fiscal_year(request: HttpRequest, fiscal_year: Year, payload: ReopenIn) -> Any:
    """Ask to reopen a closed year (approved by another accountant)."""
    require(request.user, "ledger.close")
    row = closing.reopen_request_submit(
        actor=request.user, kind="year", period=fiscal_year, reason=payload.reason
    )
    return 202, _reopen_out(row)


# ---------------------------------------------------------------- reports


def _range(from_: str, to: str) -> tuple[int, int]:
    return selectors.parse_month(from_, "from"), selectors.parse_month(to, "to")


@router.get("/ledger/reports/trial-balance", response={200: dict[str, Any], **ERRORS})
def trial_balance(
    request: HttpRequest, from_: str = Query(..., alias="from"), to: str = "", department: str = ""
) -> Any:
    first, last = _range(from_, to or from_)
    return reports.trial_balance(
        actor=request.user, from_period=first, to_period=last, department_code=department or None
    ).as_dict()


@router.get("/ledger/reports/trial-balance-by-department", response={200: dict[str, Any], **ERRORS})
def trial_balance_by_department(
    request: HttpRequest, from_: str = Query(..., alias="from"), to: str = ""
) -> Any:
    first, last = _range(from_, to or from_)
    return reports.trial_balance_by_department(
        actor=request.user, from_period=first, to_period=last
    )


@router.get("/ledger/reports/profit-and-loss", response={200: dict[str, Any], **ERRORS})
def profit_and_loss(
    request: HttpRequest, from_: str = Query(..., alias="from"), to: str = "", department: str = ""
) -> Any:
    first, last = _range(from_, to or from_)
    return reports.profit_and_loss(
        actor=request.user, from_period=first, to_period=last, department_code=department or None
    )


@router.get("/ledger/reports/balance-sheet", response={200: dict[str, Any], **ERRORS})
def balance_sheet(request: HttpRequest, as_of: str) -> Any:
    return reports.balance_sheet(actor=request.user, as_of=selectors.parse_month(as_of, "as_of"))


@router.get("/ledger/reports/general-ledger", response={200: dict[str, Any], **ERRORS})
def general_ledger(
    request: HttpRequest,
    account: str,
    from_: str = Query(..., alias="from"),
    to: str = "",
    department: str = "",
) -> Any:
    first, last = _range(from_, to or from_)
    return reports.general_ledger(
        actor=request.user,
        account_code=account,
        from_period=first,
        to_period=last,
        department_code=department or None,
    )


@router.get("/ledger/reports/tax-return", response={200: dict[str, Any], **ERRORS})
def tax_return_report(
    request: HttpRequest,
    from_: str = Query(..., alias="from"),
    to: str = "",
    method: str | None = None,
    credit_method: str | None = None,
    category: int | None = None,
    interim_national: int = 0,
    interim_local: int = 0,
) -> Any:
    """消費税申告の計算 (keys documented in docs/modules/ledger.md)."""
    first, last = _range(from_, to)
    return tax_return.tax_return(
        actor=request.user,
        from_period=first,
        to_period=last,
        method=method,
        credit_method=credit_method,
        category=category,
        interim_national=interim_national,
        interim_local=interim_local,
    )


@router.get("/ledger/reports/tax-summary", response={200: list[dict[str, Any]], **ERRORS})
def tax_summary(request: HttpRequest, from_: str = Query(..., alias="from"), to: str = "") -> Any:
    first, last = _range(from_, to or from_)
    return reports.tax_summary(actor=request.user, from_period=first, to_period=last)


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
    account: str | None = None
    tax_code: str | None = None


@router.post("/ledger/bank/import", response={201: dict[str, Any], **ERRORS})
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


@router.get("/ledger/bank/transactions", response={200: BankPage, **ERRORS})
def bank_transactions(
    request: HttpRequest, status: str = "", page: PageNumber = 1, page_size: PageSize = 50
) -> Any:
    items, meta = paginate(
        bank_import.transaction_list(actor=request.user, status=status),
        page=page,
        page_size=page_size,
    )
    return {"meta": meta, "items": items}


@router.post("/ledger/bank/suggest", response={200: dict[str, Any], **ERRORS})
def bank_suggest(request: HttpRequest) -> Any:
    require(request.user, "ledger.bank_import")
    return bank_import.suggestions_refresh(actor=request.user)


@router.post("/ledger/bank/confirm", response={200: dict[str, Any], **ERRORS})
def bank_confirm(request: HttpRequest, payload: ConfirmIn) -> Any:
    require(request.user, "ledger.bank_import")
    return bank_import.transactions_confirm(
        actor=request.user, ids=payload.ids, account=payload.account, tax_code=payload.tax_code
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


@router.get("/ledger/bank/rules", response={200: list[RuleOut], **ERRORS})
def bank_rules(request: HttpRequest) -> Any:
    require(request.user, "ledger.bank_import")
    from urakata.ledger.models import BankRule

    return list(BankRule.objects.order_by("priority", "pk"))


@router.post("/ledger/bank/rules", response={201: RuleOut, **ERRORS})
def bank_rule_create(request: HttpRequest, payload: RuleIn) -> Any:
    return 201, bank_import.bank_rule_create(actor=request.user, data=payload.model_dump())


@router.get("/ledger/bank/accuracy", response={200: dict[str, Any], **ERRORS})
def bank_accuracy(request: HttpRequest, holdout: float = 0.2) -> Any:
    require(request.user, "ledger.view")
    return bank_import.suggestion_accuracy(holdout=holdout)
