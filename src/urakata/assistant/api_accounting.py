"""経理 endpoints of the assistant under /api/v1/assistant: 摘要の候補 and 月次報告."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Router, Schema, Status
from pydantic import Field

from urakata.assistant import accounting, services
from urakata.assistant.models import MonthlyReport
from urakata.core.api import API_ERRORS
from urakata.core.schema_types import BusinessDate, Month, RowId
from urakata.ledger import selectors as ledger_selectors

router = Router(tags=["assistant"])
ERRORS = API_ERRORS


class DescriptionSuggestionOut(Schema):
    description: str
    count: int
    last_used: str


@router.get("/description-suggestions", response={200: list[DescriptionSuggestionOut], **ERRORS})
def description_suggestions(
    request: HttpRequest,
    counterparty_id: RowId | None = None,
    account_code: Annotated[str, Field(max_length=10)] = "",
    date: BusinessDate | None = None,
) -> list[dict[str, Any]]:
    return services.description_suggest(
        actor=request.user, counterparty_id=counterparty_id, account_code=account_code, date=date
    )


class MonthlyReportIn(Schema):
    period: Annotated[Month, Field(description="YYYY-MM (a closed month)")]


class MonthlyReportOut(Schema):
    id: int
    period: int
    body: str
    figures: dict[str, Any]
    provider: str
    note: str
    shared_at: dt.datetime | None
    created_at: dt.datetime


@router.get("/monthly-reports", response={200: list[MonthlyReportOut], **ERRORS})
def list_monthly_reports(request: HttpRequest) -> list[MonthlyReport]:
    return list(accounting.monthly_report_list(actor=request.user)[:100])


@router.post("/monthly-reports", response={201: MonthlyReportOut, **ERRORS})
def create_monthly_report(request: HttpRequest, payload: MonthlyReportIn) -> Status[MonthlyReport]:
    period = ledger_selectors.parse_month(payload.period)
    return Status(201, services.monthly_report_generate(actor=request.user, period=period))


@router.get("/monthly-reports/{report_id}", response={200: MonthlyReportOut, **ERRORS})
def get_monthly_report(request: HttpRequest, report_id: int) -> MonthlyReport:
    return accounting.monthly_report_get(actor=request.user, report_id=report_id)
