"""Ledger REST endpoints: closing months and fiscal years, and asking to reopen them."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from urakata.core.permissions import require
from urakata.core.schema_types import Year
from urakata.ledger import closing, selectors, services
from urakata.ledger.api_common import ERRORS, op_id

router = Router()  # mounted under ledger.api.router, whose "ledger" tag it inherits


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


# ---------------------------------------------------------------- periods


@router.get(
    "/ledger/periods", operation_id=op_id("list_periods"), response={200: list[PeriodOut], **ERRORS}
)
def list_periods(request: HttpRequest, fiscal_year: Year) -> Any:
    return selectors.period_list(actor=request.user, fiscal_year=fiscal_year)


@router.post(
    "/ledger/periods/{period}/close",
    operation_id=op_id("close_period"),
    response={200: PeriodOut, **ERRORS},
)
def close_period(request: HttpRequest, period: str) -> Any:
    require(request.user, "ledger.close")
    row = services.period_close(actor=request.user, period=period)
    return {"period": row.period, "label": str(row), "is_closed": row.is_closed, "entries": 0}


@router.post(
    "/ledger/periods/{period}/reopen",
    operation_id=op_id("reopen_period"),
    response={202: ReopenRequestOut, **ERRORS},
)
def reopen_period(request: HttpRequest, period: str, payload: ReopenIn) -> Any:
    """Ask to reopen a closed month: 202 with the request; another accountant approves it."""
    require(request.user, "ledger.close")
    row = closing.reopen_request_submit(
        actor=request.user, kind="month", period=period, reason=payload.reason
    )
    return 202, _reopen_out(row)


@router.post(
    "/ledger/fiscal-years/{fiscal_year}/close",
    operation_id=op_id("close_fiscal_year"),
    response={200: FiscalYearOut, **ERRORS},
)
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
    "/ledger/fiscal-years/{fiscal_year}/reopen",
    operation_id=op_id("reopen_fiscal_year"),
    response={202: ReopenRequestOut, **ERRORS},
)
def reopen_fiscal_year(request: HttpRequest, fiscal_year: Year, payload: ReopenIn) -> Any:
    """Ask to reopen a closed year (approved by another accountant)."""
    require(request.user, "ledger.close")
    row = closing.reopen_request_submit(
        actor=request.user, kind="year", period=fiscal_year, reason=payload.reason
    )
    return 202, _reopen_out(row)
