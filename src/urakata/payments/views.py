"""Payments pages: batches (create, approve, file, paid), requests, company and payee accounts."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urakata.core.error_pages import flash_error
from urakata.core.errors import Conflict, NotFound, ValidationFailed
from urakata.core.files import stored_file_response
from urakata.core.permissions import can, require
from urakata.org.models import Counterparty, Employee
from urakata.payments import batches, selectors, services, settle
from urakata.payments.models import CompanyBankAccount, Kind, PaymentBatch, PaymentRequest

ACCOUNT_FIELDS = (
    "bank_code",
    "branch_code",
    "account_type",
    "account_number",
    "account_holder_kana",
)


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    """振込バッチ: the list, and a form gathering the due requests into a new batch."""
    status = request.GET.get("status", "")
    rows = selectors.batches(actor=request.user, status=status or None)[:200]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            batch, skipped = batches.batch_create(
                actor=request.user,
                transfer_date=_date(request.POST.get("transfer_date")) or dt.date(1900, 1, 1),
                kind=request.POST.get("kind", Kind.TRANSFER),
                company_account_id=int(request.POST.get("company_account") or 0) or None,
            )
        except ValidationFailed as error:
            errors = error.errors
        else:
            messages.success(
                request, _("振込バッチを作成しました(%(n)s件)。") % {"n": batch.item_count}
            )
            for item in skipped:
                messages.warning(request, f"#{item.request.pk} {item.request.payee}: {item.reason}")
            return redirect("payments:batch_detail", batch_id=batch.pk)
    today = timezone.localdate()
    return render(
        request,
        "payments/batch_list.html",
        {
            "batches": rows,
            "status": status,
            "statuses": PaymentBatch.Status.choices,
            "kinds": Kind.choices,
            "can_manage": can(request.user, "payments.manage"),
            "company_accounts": CompanyBankAccount.objects.filter(is_active=True),
            "next_day": batches.next_business_day(today + dt.timedelta(days=1)),
            "open_count": PaymentRequest.objects.open().count(),
            "errors": errors,
            "form": request.POST,
        },
    )


@login_required
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.batch_get(actor=request.user, batch_id=batch_id)
    visible = selectors.account_number_visible(request.user)
    items = list(selectors.batch_items(actor=request.user, batch=batch))
    for item in items:
        item.shown_number = item.account_number if visible else selectors.mask(item.account_number)  # type: ignore[attr-defined]
    return render(
        request,
        "payments/batch_detail.html",
        {
            "batch": batch,
            "items": items,
            "can_manage": can(request.user, "payments.manage"),
            "can_download": visible,
        },
    )


_ACTIONS = {
    "submit": (batches.batch_submit, _("承認を申請しました。")),
    "cancel": (batches.batch_cancel, _("バッチを取り消しました。")),
    "file": (settle.batch_file, _("全銀ファイルを作成しました。")),
    "paid": (settle.batch_mark_paid, _("支払済みにし、仕訳を記帳しました。")),
}


@login_required
@require_POST
def batch_action(request: HttpRequest, batch_id: int, action: str) -> HttpResponse:
    """申請 / 取消 / 全銀ファイル作成 / 支払済 (POST, audited)."""
    if action not in _ACTIONS:
        raise Http404
    service, done = _ACTIONS[action]
    try:
        service(actor=request.user, batch_id=batch_id)
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    else:
        messages.success(request, str(done))
    return redirect("payments:batch_detail", batch_id=batch_id)


@login_required
def batch_file_download(request: HttpRequest, batch_id: int) -> HttpResponseBase:
    require(request.user, "payments.view_account_numbers")
    batch = selectors.batch_get(actor=request.user, batch_id=batch_id)
    if batch.file is None:
        raise NotFound(_("全銀ファイルはまだ作成されていません。"))
    return stored_file_response(batch.file, download=True)


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    rows = selectors.requests(actor=request.user, status=status or None)[:500]
    return render(
        request,
        "payments/request_list.html",
        {"requests": rows, "status": status, "statuses": PaymentRequest.Status.choices},
    )


@login_required
def company_list(request: HttpRequest) -> HttpResponse:
    """自社口座: the paying accounts; accounting adds one (委託者コード, fees, line ending)."""
    rows = list(selectors.company_accounts(actor=request.user))
    visible = selectors.account_number_visible(request.user)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            services.company_account_save(actor=request.user, data=request.POST.dict())
        except ValidationFailed as error:
            errors = error.errors
        else:
            messages.success(request, _("自社口座を保存しました。"))
            return redirect("payments:company_list")
    for row in rows:
        row.shown_number = row.account_number if visible else selectors.mask(row.account_number)  # type: ignore[attr-defined]
    return render(
        request,
        "payments/company_list.html",
        {
            "accounts": rows,
            "can_manage": can(request.user, "payments.manage"),
            "errors": errors,
            "form": request.POST,
        },
    )


@login_required
def payee_list(request: HttpRequest) -> HttpResponse:
    """振込先口座: employees' and counterparties' accounts (accounting)."""
    rows = selectors.payee_accounts(actor=request.user)[:500]
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        owner = request.POST.get("owner", "")
        kind, _sep, pk = owner.partition(":")
        try:
            if not pk.isdigit() or kind not in ("employee", "counterparty"):
                raise ValidationFailed(
                    _("口座を保存できません。"),
                    errors={"owner": [_("社員か取引先を選んでください。")]},
                )
            services.payee_account_save(
                actor=request.user,
                employee_id=int(pk) if kind == "employee" else None,
                counterparty_id=int(pk) if kind == "counterparty" else None,
                data={k: request.POST.get(k, "") for k in ACCOUNT_FIELDS},
            )
        except (ValidationFailed, NotFound) as error:
            errors = error.errors or {"owner": [error.message]}
        else:
            messages.success(request, _("振込先口座を保存しました。"))
            return redirect("payments:payee_list")
    return render(
        request,
        "payments/payee_list.html",
        {
            "accounts": rows,
            "employees": Employee.objects.order_by("code")[:1000],
            "counterparties": Counterparty.objects.filter(is_active=True).order_by("code")[:1000],
            "errors": errors,
            "form": request.POST,
        },
    )


@login_required
def my_account(request: HttpRequest) -> HttpResponse:
    """自分の振込口座: the employee's own account for expense refunds and salary."""
    require(request.user, "payments.own_account")
    employee = selectors.own_employee(request.user)
    errors: dict[str, list[str]] = {}
    account: Any = None
    if employee is not None:
        account = selectors.payee_account_for(actor=request.user, employee_id=employee.pk)
        if request.method == "POST":
            try:
                account = services.payee_account_save(
                    actor=request.user,
                    employee_id=employee.pk,
                    data={k: request.POST.get(k, "") for k in ACCOUNT_FIELDS},
                )
            except ValidationFailed as error:
                errors = error.errors
            else:
                messages.success(request, _("振込口座を保存しました。"))
                return redirect("payments:my_account")
    form = request.POST if errors else {k: getattr(account, k, "") for k in ACCOUNT_FIELDS}
    return render(
        request,
        "payments/my_account.html",
        {"employee": employee, "account": account, "errors": errors, "form": form},
    )
