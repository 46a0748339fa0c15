"""Ledger REST endpoints: reports (trial balance, P&L, balance sheet, ledger, consumption tax)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from urakata.ledger import reports, selectors, tax_return
from urakata.ledger.api_common import ERRORS, op_id

router = Router()  # mounted under ledger.api.router, whose "ledger" tag it inherits


# ---------------------------------------------------------------- reports


def _range(from_: str, to: str) -> tuple[int, int]:
    return selectors.parse_month(from_, "from"), selectors.parse_month(to, "to")


@router.get(
    "/ledger/reports/trial-balance",
    operation_id=op_id("trial_balance"),
    response={200: dict[str, Any], **ERRORS},
)
def trial_balance(
    request: HttpRequest, from_: str = Query(..., alias="from"), to: str = "", department: str = ""
) -> Any:
    first, last = _range(from_, to or from_)
    return reports.trial_balance(
        actor=request.user, from_period=first, to_period=last, department_code=department or None
    ).as_dict()


@router.get(
    "/ledger/reports/trial-balance-by-department",
    operation_id=op_id("trial_balance_by_department"),
    response={200: dict[str, Any], **ERRORS},
)
def trial_balance_by_department(
    request: HttpRequest, from_: str = Query(..., alias="from"), to: str = ""
) -> Any:
    first, last = _range(from_, to or from_)
    return reports.trial_balance_by_department(
        actor=request.user, from_period=first, to_period=last
    )


@router.get(
    "/ledger/reports/profit-and-loss",
    operation_id=op_id("profit_and_loss"),
    response={200: dict[str, Any], **ERRORS},
)
def profit_and_loss(
    request: HttpRequest, from_: str = Query(..., alias="from"), to: str = "", department: str = ""
) -> Any:
    first, last = _range(from_, to or from_)
    return reports.profit_and_loss(
        actor=request.user, from_period=first, to_period=last, department_code=department or None
    )


@router.get(
    "/ledger/reports/balance-sheet",
    operation_id=op_id("balance_sheet"),
    response={200: dict[str, Any], **ERRORS},
)
def balance_sheet(request: HttpRequest, as_of: str) -> Any:
    return reports.balance_sheet(actor=request.user, as_of=selectors.parse_month(as_of, "as_of"))


@router.get(
    "/ledger/reports/general-ledger",
    operation_id=op_id("general_ledger"),
    response={200: dict[str, Any], **ERRORS},
)
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


@router.get(
    "/ledger/reports/tax-return",
    operation_id=op_id("tax_return_report"),
    response={200: dict[str, Any], **ERRORS},
)
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


@router.get(
    "/ledger/reports/tax-summary",
    operation_id=op_id("tax_summary"),
    response={200: list[dict[str, Any]], **ERRORS},
)
def tax_summary(request: HttpRequest, from_: str = Query(..., alias="from"), to: str = "") -> Any:
    first, last = _range(from_, to or from_)
    return reports.tax_summary(actor=request.user, from_period=first, to_period=last)
