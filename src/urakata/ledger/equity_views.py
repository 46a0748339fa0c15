"""株主資本等変動計算書 page with CSV / Excel / PDF export."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone

from urakata.ledger import cache, equity_statement
from urakata.ledger.views import _export


@login_required
def equity_statement_page(request: HttpRequest) -> HttpResponseBase:
    """株主資本等変動計算書 of a fiscal year (?fy=2025)."""
    fy_text = request.GET.get("fy", "")
    fiscal_year = (
        int(fy_text)
        if fy_text.isdigit() and len(fy_text) == 4
        else cache.fiscal_year_of(timezone.localdate())
    )
    statement = equity_statement.equity_statement(actor=request.user, fiscal_year=fiscal_year)
    headers, table = equity_statement.equity_statement_table(statement)
    exported = _export(
        request,
        f"equity_statement_{fiscal_year}",
        (headers, table),
        title=f"株主資本等変動計算書 {fiscal_year}年度",
    )
    if exported:
        return exported
    return render(
        request,
        "ledger/equity_statement.html",
        {"s": statement, "headers": headers, "table": table, "fiscal_year": fiscal_year},
    )
