"""E-contract pages: register, new contract, detail (approval, signature, signing-link trail),
the counterparty's public signing page, and signature verification."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urakata.core.error_pages import flash_error
from urakata.core.errors import Conflict, NotFound, ValidationFailed
from urakata.core.files import stored_file_response, upload_check
from urakata.core.permissions import can, require
from urakata.core.tables import table_response
from urakata.documents import contract_selectors, contracts, signing
from urakata.documents.stamp_duty import StampCategory
from urakata.org.models import Counterparty

FIELDS = (
    "title",
    "contract_type",
    "counterparty_id",
    "amount",
    "stamp_category",
    "start_date",
    "end_date",
    "auto_renew",
    "notice_days",
    "body",
    "signer_name",
    "signer_email",
)


def _parse(post: Any) -> dict[str, Any]:
    def day(name: str) -> dt.date | None:
        try:
            return dt.date.fromisoformat(post.get(name, ""))
        except ValueError:
            return None

    def number(name: str) -> int | None:
        text = post.get(name, "").replace(",", "").strip()
        return int(text) if text.isdigit() and len(text) < 16 else None

    return {
        "title": post.get("title", "")[:300],
        "contract_type": post.get("contract_type", "業務委託")[:40],
        "counterparty_id": number("counterparty_id"),
        "amount": number("amount"),
        "stamp_category": post.get("stamp_category", "")[:20],
        "start_date": day("start_date"),
        "end_date": day("end_date"),
        "auto_renew": post.get("auto_renew") in ("1", "on"),
        "notice_days": min(number("notice_days") or 30, 3650),
        "body": post.get("body", "")[:20_000],
        "signer_name": post.get("signer_name", "")[:100],
        "signer_email": post.get("signer_email", "")[:254],
    }


@login_required
def contract_list(request: HttpRequest) -> HttpResponseBase:
    """契約台帳: state, parties, amount, term, renewal and notice deadlines, 印紙代の節約額 (and
    their total); `?format=csv` downloads it."""
    rows = contract_selectors.contract_list(actor=request.user, today=timezone.localdate())
    if request.GET.get("format") == "csv":
        return table_response(
            file_format="csv",
            header=contract_selectors.REGISTER_HEADER,
            rows=[contract_selectors.register_row(r) for r in rows],
            filename="contract_register",
        )
    return render(
        request,
        "documents/contract_list.html",
        {
            "rows": rows,
            "totals": contract_selectors.contract_totals(rows),
            "can_manage": can(request.user, "documents.contract_manage"),
        },
    )


@login_required
def contract_new(request: HttpRequest) -> HttpResponse:
    require(request.user, "documents.contract_manage")
    errors: dict[str, list[str]] = {}
    values = {name: request.POST.get(name, "") for name in FIELDS}
    if request.method == "POST":
        try:
            contract = contracts.contract_create(actor=request.user, data=_parse(request.POST))
        except ValidationFailed as error:
            errors = error.errors or {"title": [str(error)]}
        else:
            messages.success(request, _("契約書案を作成しました。"))
            return redirect("documents:contract_detail", contract_id=contract.pk)
    context = {
        "errors": errors,
        "values": values,
        "counterparties": Counterparty.objects.filter(is_active=True).order_by("code"),
        "stamp_categories": StampCategory.choices,
    }
    return render(request, "documents/contract_form.html", context, status=422 if errors else 200)


@login_required
def contract_detail(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = contract_selectors.contract_get(actor=request.user, contract_id=contract_id)
    today = timezone.localdate()
    context = {
        "contract": contract,
        "stamp_duty": contract_selectors.contract_stamp_duty(contract, today),
        "links": list(contract.links.all()),
        "can_manage": can(request.user, "documents.contract_manage"),
        "can_sign": can(request.user, "documents.contract_sign"),
    }
    return render(request, "documents/contract_detail.html", context)


@login_required
@require_POST
def contract_submit(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = contract_selectors.contract_get(actor=request.user, contract_id=contract_id)
    try:
        contracts.contract_submit(actor=request.user, contract=contract)
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    else:
        messages.success(request, _("稟議を申請しました。"))
    return redirect("documents:contract_detail", contract_id=contract.pk)


@login_required
@require_POST
def contract_sign(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = contract_selectors.contract_get(actor=request.user, contract_id=contract_id)
    try:
        contracts.contract_company_sign(
            actor=request.user, contract=contract, base_url=request.build_absolute_uri("/")[:-1]
        )
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    else:
        messages.success(request, _("当社の電子署名を行い、相手方に署名依頼のメールを送りました。"))
    return redirect("documents:contract_detail", contract_id=contract.pk)


def sign_page(request: HttpRequest, token: str) -> HttpResponse:
    """The counterparty's page (no login): the contract, its PDF, and the e-mailed code."""
    try:
        link = contracts.link_get(token=token)
    except (NotFound, Conflict) as error:
        return render(request, "documents/sign_closed.html", {"message": str(error)}, status=410)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            contracts.counterparty_sign(
                token=token,
                code=request.POST.get("code", "")[:20],
                ip=request.META.get("REMOTE_ADDR"),
                agent=request.META.get("HTTP_USER_AGENT", ""),
            )
        except ValidationFailed as error:
            errors = error.errors or {"code": [str(error)]}
        except (NotFound, Conflict) as error:
            return render(
                request, "documents/sign_closed.html", {"message": str(error)}, status=410
            )
        else:
            return render(request, "documents/sign_done.html", {"contract": link.contract})
    return render(
        request,
        "documents/sign_page.html",
        {"link": link, "contract": link.contract, "token": token, "errors": errors},
        status=422 if errors else 200,
    )


def sign_pdf(request: HttpRequest, token: str) -> HttpResponseBase:
    """The PDF the counterparty is asked to sign (while the link is open)."""
    try:
        link = contracts.link_get(token=token)
    except (NotFound, Conflict) as error:
        return render(request, "documents/sign_closed.html", {"message": str(error)}, status=410)
    document = link.contract.document
    version = document.versions.order_by("-number").first() if document else None
    if version is None:
        raise NotFound(_("契約書がありません。"))
    return stored_file_response(version.stored_file)


@login_required
def contract_verify(request: HttpRequest) -> HttpResponse:
    """署名の検証: upload a signed PDF; every signature is checked against this installation's CA."""
    report: dict[str, Any] | None = None
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        upload = request.FILES.get("file")
        checked, problems = (
            upload_check(upload=upload, purpose="evidence")
            if upload
            else (None, [_("ファイルを選んでください。")])
        )
        if checked is None:
            errors = {"file": problems}
        else:
            report = signing.verify_pdf(checked.content)
    return render(request, "documents/contract_verify.html", {"report": report, "errors": errors})
