"""Expense claim pages: list, claim with its lines, receipt capture (camera) with OCR pre-fill."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urakata.core.error_pages import flash_error
from urakata.core.errors import Conflict, PermissionDenied, ValidationFailed
from urakata.core.files import stored_file_response
from urakata.core.http import querystring_without_page
from urakata.core.labels import error_lines
from urakata.core.permissions import can, require
from urakata.expenses import policy, selectors, services
from urakata.expenses.models import ClaimLine, ExpenseClaim

PAGE_SIZE = 30
FORM_FIELDS = (
    "kind", "date", "category", "payee", "purpose", "amount", "amount_8", "amount_exempt",
    "registration_number", "attendees", "attendee_count", "route_from", "route_to", "round_trip",
    "receipt_id",
)  # fmt: skip


@login_required
def claim_list(request: HttpRequest) -> HttpResponse:
    require(request.user, "expenses.submit")
    status = request.GET.get("status", "")
    if status not in ExpenseClaim.Status.values:
        status = ""
    mine = request.GET.get("scope", "mine") == "mine"
    rows = selectors.claim_list(actor=request.user, status=status or None, mine=mine)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "expenses/claim_list.html",
        {
            "page_obj": page,
            "status": status,
            "mine": mine,
            "statuses": ExpenseClaim.Status.choices,
            "sees_others": can(request.user, "expenses.view_department")
            or can(request.user, "expenses.view_all"),
            "querystring": querystring_without_page(request),
        },
    )


@login_required
@require_POST
def claim_new(request: HttpRequest) -> HttpResponse:
    try:
        claim = services.claim_create(actor=request.user, title=request.POST.get("title", ""))
    except ValidationFailed as error:
        flash_error(request, error)
        return redirect("expenses:claim_list")
    return redirect("expenses:claim_detail", claim_id=claim.pk)


def _detail_context(request: HttpRequest, claim: ExpenseClaim, **extra: Any) -> dict[str, Any]:
    own = claim.employee.user_id == request.user.pk
    lines = selectors.claim_lines(claim)
    editable = own and (claim.editable or services.is_returned(claim))
    findings = services.claim_check(actor=request.user, claim=claim) if editable else claim.findings
    by_line: dict[Any, list[dict[str, Any]]] = {}
    for finding in findings or []:
        by_line.setdefault(finding.get("line"), []).append(finding)
    context = {
        "claim": claim,
        "lines": [(line, by_line.get(line.pk, [])) for line in lines],
        "claim_findings": by_line.get(None, []),
        "editable": editable,
        "categories": [(c.code, c.label) for c in policy.CATEGORIES.values()],
        "kinds": ClaimLine.Kind.choices,
        "form": {"kind": "expense", "category": "supplies", "date": timezone.localdate()},
        "today": timezone.localdate(),
        "errors": [],
    }
    context.update(extra)
    return context


@login_required
def claim_detail(request: HttpRequest, claim_id: int) -> HttpResponse:
    claim = selectors.claim_get(actor=request.user, claim_id=claim_id)
    return render(request, "expenses/claim_detail.html", _detail_context(request, claim))


@login_required
@require_POST
def receipt_scan(request: HttpRequest, claim_id: int) -> HttpResponse:
    """Store the photographed receipt, read it, and show the line form filled in to confirm."""
    claim = selectors.claim_get(actor=request.user, claim_id=claim_id)
    if claim.employee.user_id != request.user.pk:
        raise PermissionDenied(_("本人の経費精算だけを編集できます。"))
    upload = request.FILES.get("receipt")
    if upload is None:
        messages.error(request, _("領収書の画像を選んでください。"))
        return redirect("expenses:claim_detail", claim_id=claim.pk)
    try:
        stored, reading = services.receipt_upload(actor=request.user, upload=upload)
    except ValidationFailed as error:
        flash_error(request, error)
        return redirect("expenses:claim_detail", claim_id=claim.pk)
    tax_8 = reading.tax.get("8")
    form: dict[str, Any] = {
        "kind": "expense",
        "category": "supplies",
        "date": reading.date or timezone.localdate(),
        "payee": reading.payee or "",
        "amount": reading.total or "",
        "amount_8": round(tax_8 * 108 / 8) if tax_8 else "",
        "registration_number": reading.registration_number or "",
        "receipt_id": stored.pk,
    }
    if reading.error:
        messages.warning(request, reading.error)
    context = _detail_context(request, claim, form=form, reading=reading, receipt_name=stored.name)
    return render(request, "expenses/claim_detail.html", context)


@login_required
@require_POST
def line_add(request: HttpRequest, claim_id: int) -> HttpResponseBase:
    values: dict[str, Any] = {k: request.POST.get(k, "") for k in FORM_FIELDS}
    values["round_trip"] = bool(request.POST.get("round_trip"))
    try:
        services.line_save(actor=request.user, claim_id=claim_id, values=values)
    except ValidationFailed as error:
        claim = selectors.claim_get(actor=request.user, claim_id=claim_id)
        context = _detail_context(request, claim, form=values, errors=error_lines(error, None))
        return render(request, "expenses/claim_detail.html", context, status=422)
    except Conflict as error:
        flash_error(request, error)
    else:
        messages.success(request, _("明細を追加しました。"))
    return redirect("expenses:claim_detail", claim_id=claim_id)


@login_required
@require_POST
def line_delete(request: HttpRequest, claim_id: int, line_id: int) -> HttpResponse:
    try:
        services.line_delete(actor=request.user, claim_id=claim_id, line_id=line_id)
    except Conflict as error:
        flash_error(request, error)
    return redirect("expenses:claim_detail", claim_id=claim_id)


@login_required
@require_POST
def claim_submit(request: HttpRequest, claim_id: int) -> HttpResponse:
    try:
        services.claim_submit(
            actor=request.user, claim_id=claim_id, comment=request.POST.get("comment", "")
        )
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    else:
        messages.success(request, _("申請しました。上長の承認を待っています。"))
    return redirect("expenses:claim_detail", claim_id=claim_id)


@login_required
@require_POST
def claim_delete(request: HttpRequest, claim_id: int) -> HttpResponse:
    try:
        services.claim_delete(actor=request.user, claim_id=claim_id)
    except Conflict as error:
        flash_error(request, error)
        return redirect("expenses:claim_detail", claim_id=claim_id)
    messages.success(request, _("下書きを削除しました。"))
    return redirect("expenses:claim_list")


@login_required
def receipt_file(request: HttpRequest, claim_id: int, line_id: int) -> HttpResponseBase:
    stored = selectors.receipt_get(actor=request.user, claim_id=claim_id, line_id=line_id)
    return stored_file_response(stored)
