"""Invoicing pages: invoice list/detail/form, issue/send/credit note, PDF and JP PINT downloads,
aging, payment matching and received invoices. Thin: parse, call one service or selector."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urakata.core.error_pages import flash_error
from urakata.core.errors import DomainError
from urakata.core.permissions import can, require
from urakata.invoicing import delivery, received, reconcile, selectors, services
from urakata.invoicing.calc import CATEGORY_ORDER
from urakata.invoicing.models import Invoice, Rounding, TaxCategory
from urakata.org.models import Counterparty

FORM_ROWS = 8
LINE_FIELDS = ("description", "quantity", "unit", "unit_price", "tax_category")


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def invoice_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in Invoice.Status.values and status != "open":
        status = ""
    queryset = selectors.invoice_list(
        actor=request.user, status=status, q=request.GET.get("q", "")[:50]
    )
    page = Paginator(queryset, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "invoicing/invoice_list.html",
        {
            "page": page,
            "status": status,
            "statuses": Invoice.Status.choices,
            "can_manage": can(request.user, "invoicing.manage"),
        },
    )


def _form_lines(request: HttpRequest) -> list[dict[str, Any]]:
    lines = []
    for index in range(FORM_ROWS):
        row = {name: request.POST.get(f"{name}_{index}", "").strip() for name in LINE_FIELDS}
        if row["description"] or row["unit_price"]:
            lines.append(row)
    return lines


def _form_allowances(request: HttpRequest) -> list[dict[str, Any]]:
    """The form's 値引き row and 送料など row (ignored when left empty)."""
    out = []
    for prefix, is_charge in (("allowance", False), ("charge", True)):
        amount = request.POST.get(f"{prefix}_amount", "").replace(",", "").strip()
        if amount:
            out.append(
                {
                    "is_charge": is_charge,
                    "reason": request.POST.get(f"{prefix}_reason", "").strip(),
                    "amount": amount,
                    "tax_category": request.POST.get(f"{prefix}_tax_category", "S"),
                }
            )
    return out


@login_required
def invoice_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "invoicing.manage")
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"issue_date": timezone.localdate().isoformat(), "rounding": "floor"}
    rows = [dict.fromkeys(LINE_FIELDS, "") for _ in range(FORM_ROWS)]
    if request.method == "POST":
        values = request.POST.dict()
        data: dict[str, Any] = {
            key: request.POST.get(key, "")
            for key in (
                "kind",
                "counterparty_id",
                "recipient_name",
                "subject",
                "notes",
                "rounding",
                "prices_include_tax",
                "issue_date",
                "transaction_date",
                "period_start",
                "due_date",
            )
        }
        data["lines"] = _form_lines(request)
        data["allowances"] = _form_allowances(request)
        try:
            invoice = services.invoice_create(actor=request.user, data=data)
        except DomainError as error:
            errors = error.errors or {"__all__": [error.message]}
            rows = [
                {name: request.POST.get(f"{name}_{i}", "") for name in LINE_FIELDS}
                for i in range(FORM_ROWS)
            ]
        else:
            messages.success(request, _("請求書の下書きを保存しました。"))
            return redirect("invoicing:invoice_detail", invoice_id=invoice.pk)
    return render(
        request,
        "invoicing/invoice_form.html",
        {
            "errors": errors,
            "values": values,
            "rows": rows,
            "customers": Counterparty.objects.filter(is_customer=True, is_active=True)[:500],
            "categories": [(c, TaxCategory(c).label) for c in CATEGORY_ORDER],
            "roundings": Rounding.choices,
            "allowance_rows": [
                ("allowance", _("値引き"), _("例: 出精値引き")),
                ("charge", _("送料など"), _("例: 送料")),
            ],
            "kinds": [
                (k, label) for k, label in Invoice.Kind.choices if k != Invoice.Kind.CREDIT_NOTE
            ],
        },
    )


@login_required
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_get(actor=request.user, invoice_id=invoice_id)
    return render(
        request,
        "invoicing/invoice_detail.html",
        {
            "invoice": invoice,
            "can_manage": can(request.user, "invoicing.manage"),
            "credit_notes": invoice.credit_notes.all(),
            "categories": [(c, TaxCategory(c).label) for c in CATEGORY_ORDER],
        },
    )


def _act(request: HttpRequest, invoice_id: int, action: Any, done: str) -> HttpResponse:
    require(request.user, "invoicing.manage")
    invoice = selectors.invoice_get(actor=request.user, invoice_id=invoice_id)
    try:
        result = action(invoice)
    except DomainError as error:
        flash_error(request, error)
        return redirect("invoicing:invoice_detail", invoice_id=invoice_id)
    messages.success(request, done)
    target = getattr(result, "pk", invoice_id)
    return redirect("invoicing:invoice_detail", invoice_id=target)


@login_required
@require_POST
def invoice_issue(request: HttpRequest, invoice_id: int) -> HttpResponse:
    return _act(
        request,
        invoice_id,
        lambda inv: services.invoice_issue(actor=request.user, invoice=inv),
        _("請求書を発行し、売上を計上しました。"),
    )


@login_required
@require_POST
def invoice_send(request: HttpRequest, invoice_id: int) -> HttpResponse:
    return _act(
        request,
        invoice_id,
        lambda inv: delivery.invoice_send(
            actor=request.user, invoice=inv, to=request.POST.get("to", "")
        ),
        _("請求書をメールで送付しました。"),
    )


@login_required
@require_POST
def credit_note_new(request: HttpRequest, invoice_id: int) -> HttpResponse:
    data = {
        "issue_date": request.POST.get("issue_date") or timezone.localdate().isoformat(),
        "notes": request.POST.get("notes", ""),
        "lines": [
            {
                "description": request.POST.get("description", ""),
                "quantity": "1",
                "unit_price": request.POST.get("amount", ""),
                "tax_category": request.POST.get("tax_category", "S"),
            }
        ],
    }
    return _act(
        request,
        invoice_id,
        lambda inv: services.credit_note_create(actor=request.user, original=inv, data=data),
        _("返還請求書の下書きを作成しました。"),
    )


def _download(content: bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def invoice_pdf(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_get(actor=request.user, invoice_id=invoice_id)
    return _download(
        delivery.pdf_bytes(invoice), "application/pdf", delivery.filename(invoice, "pdf")
    )


@login_required
def invoice_pint(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = selectors.invoice_get(actor=request.user, invoice_id=invoice_id)
    return _download(
        delivery.pint_bytes(invoice), "application/xml", delivery.filename(invoice, "xml")
    )


@login_required
def aging(request: HttpRequest) -> HttpResponse:
    today = _date(request.GET.get("today")) or timezone.localdate()
    report = selectors.aging(actor=request.user, today=today)
    return render(request, "invoicing/aging.html", {"report": report})


@login_required
def matching(request: HttpRequest) -> HttpResponse:
    require(request.user, "invoicing.manage")
    if request.method == "POST":
        chosen = set(request.POST.getlist("tx"))
        proposals = [
            p
            for p in reconcile.match_proposals(actor=request.user)
            if str(p["bank_transaction_id"]) in chosen
        ]
        result = reconcile.matches_confirm(actor=request.user, selections=proposals)
        messages.success(
            request,
            _("%(n)s 件の入金を消し込みました。") % {"n": len(result["confirmed"])},
        )
        for failure in result["failed"]:
            messages.error(request, failure["error"])
        return redirect("invoicing:matching")
    proposals = reconcile.match_proposals(actor=request.user)
    return render(request, "invoicing/matching.html", {"proposals": proposals})


@login_required
def received_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        require(request.user, "invoicing.manage")
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise DomainError(_("ファイルを選んでください。"))
            item = received.received_import_pint(actor=request.user, data=upload.read())
        except DomainError as error:
            flash_error(request, error)
        else:
            messages.success(request, _("受領請求書 %(n)s を取り込みました。") % {"n": item.number})
        return redirect("invoicing:received_list")
    return _received_page(request)


def _received_page(request: HttpRequest, **extra: Any) -> HttpResponse:
    items = selectors.received_list(actor=request.user).prefetch_related("tax_totals")[:200]
    return render(
        request,
        "invoicing/received_list.html",
        {
            "items": items,
            "can_manage": can(request.user, "invoicing.manage"),
            "can_approve": can(request.user, "invoicing.approve"),
            "prefill": {},
            **extra,
        },
    )


@login_required
@require_POST
def received_read(request: HttpRequest) -> HttpResponse:
    """OCR of a PDF / image invoice: the registration form comes back pre-filled to confirm."""
    from urakata.invoicing.received_ocr import received_ocr_read

    require(request.user, "invoicing.manage")
    try:
        values, reading, token = received_ocr_read(
            actor=request.user, upload=request.FILES.get("file")
        )
    except DomainError as error:
        flash_error(request, error)
        return redirect("invoicing:received_list")
    if reading.error:
        messages.warning(request, reading.error)
    else:
        messages.info(request, _("読み取った内容を確認して登録してください。"))
    return _received_page(request, prefill=values, reading=reading, evidence_token=token)


@login_required
@require_POST
def received_approve(request: HttpRequest, received_id: int) -> HttpResponse:
    require(request.user, "invoicing.approve")
    item = selectors.received_get(actor=request.user, received_id=received_id)
    try:
        received.received_approve(actor=request.user, received=item)
    except DomainError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("受領請求書を承認し、仕訳を記帳しました。"))
    return redirect("invoicing:received_list")


@login_required
@require_POST
def received_submit(request: HttpRequest, received_id: int) -> HttpResponse:
    from urakata.invoicing.received_workflow import received_submit as submit

    require(request.user, "invoicing.manage")
    item = selectors.received_get(actor=request.user, received_id=received_id)
    try:
        submit(actor=request.user, received=item)
    except DomainError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("承認を申請しました。"))
    return redirect("invoicing:received_list")


@login_required
@require_POST
def received_new(request: HttpRequest) -> HttpResponse:
    """A received invoice typed in, with its PDF / image stored as evidence (電帳法)."""
    require(request.user, "invoicing.manage")
    data: dict[str, Any] = {
        key: request.POST.get(key, "").strip()
        for key in ("issuer_name", "registration_number", "number", "description")
    }
    data["issue_date"] = _date(request.POST.get("issue_date"))
    data["due_date"] = _date(request.POST.get("due_date"))
    data["evidence_token"] = request.POST.get("evidence_token", "")
    for key in ("taxable_10", "tax_10", "taxable_8", "tax_8", "taxable_exempt"):
        text = request.POST.get(key, "").replace(",", "").strip()
        data[key] = int(text) if text.isdigit() else 0
    try:
        item = received.received_create(
            actor=request.user, data=data, upload=request.FILES.get("file")
        )
    except DomainError as error:
        flash_error(request, error)
    else:
        messages.success(
            request, _("受領請求書(%(name)s)を登録しました。") % {"name": item.issuer_name}
        )
    return redirect("invoicing:received_list")
