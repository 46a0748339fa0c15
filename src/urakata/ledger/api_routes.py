"""The ledger API as mounted: api.py's router plus routes kept in their own modules
(api.py is being split; new routes go here rather than growing it)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router

from urakata.ledger import api, equity_statement

router = api.router
reports = Router(tags=["ledger"])


@reports.get("/ledger/reports/equity-statement", response={200: dict[str, Any], **api.ERRORS})
def equity_statement_report(request: HttpRequest, fy: int) -> Any:
    """株主資本等変動計算書 of fiscal year `fy` (keys documented in docs/modules/ledger.md)."""
    return equity_statement.equity_statement(actor=request.user, fiscal_year=fy)


router.add_router("", reports)
