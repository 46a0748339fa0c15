"""Recurring invoices page (定期請求): list, create, edit, pause / resume, next run, history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urakata.core.error_pages import flash_error
from urakata.core.errors import DomainError
from urakata.core.permissions import can, require
from urakata.invoicing import recurring, selectors
from urakata.invoicing.calc import CATEGORY_ORDER
from urakata.invoicing.models import Rounding, TaxCategory
from urakata.org.models import Counterparty

ROWS = 5
FIELDS = ("description", "quantity", "unit", "unit_price", "tax_category")


def _data(request: HttpRequest) -> dict[str, Any]:
    try:
        next_date: dt.date | None = dt.date.fromisoformat(request.POST.get("next_date", ""))
    except ValueError:
        next_date = None
    lines = []
    for i in range(ROWS):
        row = {name: request.POST.get(f"{name}_{i}", "").strip() for name in FIELDS}
        if row["description"] or row["unit_price"]:
            lines.append(row)
    return {
        "counterparty_id": request.POST.get("counterparty_id", ""),
        "subject": request.POST.get("subject", "").strip(),
        "next_date": next_date,
        "due_days": request.POST.get("due_days", "").strip() or "30",
        "rounding": request.POST.get("rounding", "floor"),
        "lines": lines,
    }


def _rows(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    filled = [{name: line.get(name, "") for name in FIELDS} for line in lines]
    return filled + [dict.fromkeys(FIELDS, "") for _ in range(ROWS - len(filled))]


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    return {
        "customers": Counterparty.objects.filter(is_customer=True, is_active=True),
        "roundings": Rounding.choices,
        "categories": [(c, TaxCategory(c).label) for c in CATEGORY_ORDER],
        "can_manage": can(request.user, "invoicing.manage"),
        **extra,
    }


def _monthly(lines: list[dict[str, Any]]) -> int:
    """The lines' amount before tax (a preview; the invoice computes the real totals)."""
    from decimal import Decimal

    from urakata.invoicing.calc import line_amount

    return sum(line_amount(Decimal(x["quantity"]), int(x["unit_price"])) for x in lines)


@login_required
def recurring_list(request: HttpRequest) -> HttpResponse:
    """Every recurring invoice with its next run, and the form for a new one."""
    items = list(selectors.recurring_list(actor=request.user))
    for item in items:
        item.monthly = _monthly(item.lines)  # type: ignore[attr-defined]
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"due_days": "30", "rounding": "floor"}
    rows = _rows([])
    if request.method == "POST":
        require(request.user, "invoicing.manage")
        data = _data(request)
        try:
            item = recurring.recurring_create(actor=request.user, data=data)
        except DomainError as error:
            errors = error.errors or {"__all__": [error.message]}
            values, rows = request.POST.dict(), _rows(data["lines"])
        else:
            messages.success(request, _("定期請求を登録しました。"))
            return redirect("invoicing:recurring_detail", recurring_id=item.pk)
    context = _context(request, items=items, errors=errors, values=values, rows=rows)
    return render(request, "invoicing/recurring_list.html", context)


@login_required
def recurring_detail(request: HttpRequest, recurring_id: int) -> HttpResponse:
    """One recurring invoice: edit it, and the invoices it issued (history)."""
    item = selectors.recurring_get(actor=request.user, recurring_id=recurring_id)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {
        "counterparty_id": str(item.counterparty_id),
        "subject": item.subject,
        "next_date": item.next_date.isoformat(),
        "due_days": str(item.due_days),
        "rounding": item.rounding,
    }
    rows = _rows(item.lines)
    if request.method == "POST":
        require(request.user, "invoicing.manage")
        data = _data(request)
        try:
            recurring.recurring_update(actor=request.user, item=item, data=data)
        except DomainError as error:
            errors = error.errors or {"__all__": [error.message]}
            values, rows = request.POST.dict(), _rows(data["lines"])
        else:
            messages.success(request, _("定期請求を更新しました。"))
            return redirect("invoicing:recurring_detail", recurring_id=item.pk)
    history = item.invoices.order_by("-issue_date", "-pk")[:60]
    context = _context(request, item=item, history=history, errors=errors, values=values, rows=rows)
    return render(request, "invoicing/recurring_detail.html", context)


@login_required
@require_POST
def recurring_toggle(request: HttpRequest, recurring_id: int) -> HttpResponse:
    """Pause a running recurring invoice, or resume a paused one."""
    require(request.user, "invoicing.manage")
    item = selectors.recurring_get(actor=request.user, recurring_id=recurring_id)
    try:
        item = recurring.recurring_set_active(
            actor=request.user, item=item, active=not item.is_active
        )
    except DomainError as error:
        flash_error(request, error)
    else:
        messages.success(
            request, _("再開しました。") if item.is_active else _("一時停止しました。")
        )
    return redirect("invoicing:recurring_detail", recurring_id=item.pk)
