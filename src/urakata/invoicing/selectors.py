"""Invoice reads: lists, detail, aging (売掛金年齢表), received invoices."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Prefetch, QuerySet, Sum
from django.utils.translation import gettext as _

from urakata.core.errors import NotFound, ValidationFailed
from urakata.core.permissions import require
from urakata.invoicing.models import Invoice, InvoiceLine, ReceivedInvoice, RecurringInvoice

OPEN = ("issued", "sent", "partly_paid")
AGING_BUCKETS = ("current", "1-30", "31-60", "61-90", "over_90")


def _with_credits(queryset: QuerySet[Invoice]) -> QuerySet[Invoice]:
    from django.db.models import Q

    return queryset.annotate(
        _credited=Sum("credit_notes__total", filter=~Q(credit_notes__status="draft"), default=0)
    )


def invoice_list(
    *, actor: Any, status: str = "", q: str = "", counterparty_id: int | None = None
) -> QuerySet[Invoice]:
    """Invoices visible to the actor, newest first, filtered by status / text / customer."""
    require(actor, "invoicing.view")
    queryset = Invoice.objects.visible_to(actor).select_related("counterparty")
    if status:
        if status not in Invoice.Status.values and status != "open":
            raise ValidationFailed(_("状態が正しくありません。"), errors={"status": [status]})
        queryset = (
            queryset.filter(status__in=OPEN) if status == "open" else queryset.filter(status=status)
        )
    if q:
        queryset = queryset.filter(number__icontains=q) | queryset.filter(
            recipient_name__icontains=q
        )
    if counterparty_id:
        queryset = queryset.filter(counterparty_id=counterparty_id)
    return _with_credits(queryset).order_by("-issue_date", "-pk")


def invoice_get(*, actor: Any, invoice_id: int | None = None, number: str = "") -> Invoice:
    """One invoice with lines and per-rate totals; NotFound outside the actor's scope."""
    require(actor, "invoicing.view")
    queryset = (
        Invoice.objects.visible_to(actor)
        .select_related("counterparty", "original", "journal_entry")
        .prefetch_related(
            Prefetch("lines", queryset=InvoiceLine.objects.order_by("position")),
            "tax_totals",
            "payments",
        )
    )
    try:
        if invoice_id is not None:
            return _with_credits(queryset).get(pk=invoice_id)
        return _with_credits(queryset).get(number=number)
    except Invoice.DoesNotExist as exc:
        raise NotFound(_("請求書が見つかりません。")) from exc


def open_invoices(*, actor: Any) -> QuerySet[Invoice]:
    """Invoices waiting for payment (issued, sent, partly paid)."""
    require(actor, "invoicing.view")
    return _with_credits(
        Invoice.objects.visible_to(actor)
        .filter(status__in=OPEN)
        .exclude(kind=Invoice.Kind.CREDIT_NOTE)
        .select_related("counterparty")
    )


def bucket_of(due: dt.date | None, today: dt.date) -> str:
    """Aging bucket by days past the due date: not yet due, 1–30, 31–60, 61–90, over 90."""
    days = (today - due).days if due else 0
    if days <= 0:
        return "current"
    if days <= 30:
        return "1-30"
    if days <= 60:
        return "31-60"
    if days <= 90:
        return "61-90"
    return "over_90"


def aging(*, actor: Any, today: dt.date) -> dict[str, Any]:
    """売掛金年齢表: open amounts per customer and bucket (by days past due), with totals."""
    rows: dict[str, dict[str, Any]] = {}
    totals = dict.fromkeys(AGING_BUCKETS, 0)
    overdue = []
    for invoice in open_invoices(actor=actor).order_by("due_date", "pk"):
        open_amount = invoice.open_amount
        if open_amount <= 0:
            continue
        bucket = bucket_of(invoice.due_date, today)
        name = invoice.recipient_name or (invoice.counterparty.name if invoice.counterparty else "")
        row = rows.setdefault(
            name, {"customer": name, **dict.fromkeys(AGING_BUCKETS, 0), "total": 0}
        )
        row[bucket] += open_amount
        row["total"] += open_amount
        totals[bucket] += open_amount
        if bucket != "current":
            overdue.append(
                {
                    "number": invoice.number,
                    "customer": name,
                    "due_date": invoice.due_date,
                    "open_amount": open_amount,
                    "days": (today - invoice.due_date).days if invoice.due_date else 0,
                }
            )
    for row in rows.values():
        row["cells"] = [row[b] for b in AGING_BUCKETS]
    return {
        "today": today,
        "buckets": list(AGING_BUCKETS),
        "rows": sorted(rows.values(), key=lambda r: -r["total"]),
        "total_cells": [totals[b] for b in AGING_BUCKETS],
        "totals": {**totals, "total": sum(totals.values())},
        "overdue": overdue,
    }


def received_list(*, actor: Any, status: str = "") -> QuerySet[ReceivedInvoice]:
    require(actor, "invoicing.view")
    queryset = ReceivedInvoice.objects.visible_to(actor).select_related("counterparty")
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def received_get(*, actor: Any, received_id: int) -> ReceivedInvoice:
    require(actor, "invoicing.view")
    try:
        return (
            ReceivedInvoice.objects.visible_to(actor)
            .prefetch_related("tax_totals")
            .get(pk=received_id)
        )
    except ReceivedInvoice.DoesNotExist as exc:
        raise NotFound(_("受領請求書が見つかりません。")) from exc


def recurring_list(*, actor: Any) -> QuerySet[RecurringInvoice]:
    """Recurring invoices (定期請求) with their customer, soonest first."""
    require(actor, "invoicing.view")
    return RecurringInvoice.objects.select_related("counterparty", "last_invoice").order_by(
        "-is_active", "next_date", "pk"
    )


def recurring_get(*, actor: Any, recurring_id: int) -> RecurringInvoice:
    """One recurring invoice, or NotFound."""
    found = recurring_list(actor=actor).filter(pk=recurring_id).first()
    if found is None:
        raise NotFound(_("定期請求が見つかりません。"))
    return found
