"""経理 pages of the assistant: 月次報告 (list, create, read) and the 摘要の候補 fragment."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from urakata.assistant import accounting, services
from urakata.assistant.views import _guard
from urakata.core.error_pages import flash_error
from urakata.core.errors import Conflict, NotFound, ValidationFailed
from urakata.core.permissions import can, require
from urakata.ledger import selectors as ledger_selectors


@_guard
def monthly_report_list(request: HttpRequest) -> HttpResponse:
    """月次報告: pick a closed month; the report goes to the review queue before it is shared."""
    reports = accounting.monthly_report_list(actor=request.user)
    if request.method == "POST":
        require(request.user, "assistant.monthly_report")
        try:
            period = ledger_selectors.parse_month(request.POST.get("period", ""))
            report = services.monthly_report_generate(actor=request.user, period=period)
        except (ValidationFailed, Conflict) as error:
            flash_error(request, error)
        else:
            messages.success(request, _("月次報告を作成し、レビューに回しました。"))
            return redirect("assistant:monthly_report_detail", report_id=report.pk)
    return render(
        request,
        "assistant/monthly_report_list.html",
        {
            "reports": reports[:100],
            "can_create": can(request.user, "assistant.monthly_report"),
        },
    )


@_guard
def monthly_report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = accounting.monthly_report_get(actor=request.user, report_id=report_id)
    return render(request, "assistant/monthly_report_detail.html", {"report": report})


@_guard
def description_suggestions(request: HttpRequest) -> HttpResponse:
    """摘要の候補 as a fragment (HTMX) for the journal entry form and the bank confirmation."""
    raw_counterparty = request.GET.get("counterparty_id", "")
    raw_date = request.GET.get("date", "")
    try:
        date = dt.date.fromisoformat(raw_date) if raw_date else None
    except ValueError:
        date = None
    try:
        suggestions = services.description_suggest(
            actor=request.user,
            counterparty_id=int(raw_counterparty) if raw_counterparty.isdigit() else None,
            account_code=(request.GET.get("account_code") or request.GET.get("account_0", ""))[:10],
            date=date,
        )
    except (ValidationFailed, NotFound):
        suggestions = []
    return render(
        request,
        "assistant/_description_suggestions.html",
        {"suggestions": suggestions, "target": request.GET.get("target", "description")[:40]},
    )
