"""Workflow pages: inbox (承認待ち), my requests, request page with its route, new requests."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from urakata.core.error_pages import flash_error
from urakata.core.errors import DomainError, NotFound, ValidationFailed
from urakata.core.files import stored_file_response
from urakata.core.http import querystring_without_page
from urakata.core.labels import labelled
from urakata.core.permissions import can, require
from urakata.org.models import Counterparty, Department, Employee
from urakata.workflow import delegations as delegation_services
from urakata.workflow import selectors, services
from urakata.workflow.forms import (
    form_request_submit,
    form_resubmit,
    request_attach,
    ringi_resubmit,
    ringi_submit,
)
from urakata.workflow.models import ApprovalRequest, FormSubmission, Ringi
from urakata.workflow.notifications import notification_mark_read
from urakata.workflow.registry import subject_types, subject_url

PAGE_SIZE = 50


def _filters(request: HttpRequest, *, mine: bool = False) -> selectors.RequestFilters:
    return selectors.RequestFilters(
        q=request.GET.get("q", "").strip(),
        subject_type=request.GET.get("type", ""),
        status=request.GET.get("status", ""),
        mine=mine,
        overdue=request.GET.get("overdue") == "1",
    )


def _list_context(request: HttpRequest, queryset: Any, filters: Any) -> dict[str, Any]:
    return {
        "page_obj": Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "types": subject_types(),
        "statuses": ApprovalRequest.Status.choices,
        "querystring": querystring_without_page(request),
    }


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """承認待ち: what waits for me (or for those I stand in for), oldest first; bulk approve."""
    filters = _filters(request)
    queryset = selectors.inbox_list(actor=request.user, filters=filters)
    context = _list_context(request, queryset, filters)
    htmx = getattr(request, "htmx", False)
    template = "workflow/partials/_inbox_table.html" if htmx else "workflow/inbox.html"
    return render(request, template, context)


@login_required
@require_POST
def bulk_approve(request: HttpRequest) -> HttpResponse:
    """一括承認 of the ticked rows."""
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()]
    if not ids:
        messages.error(request, _("承認する申請を選んでください。"))
        return redirect("workflow:inbox")
    result = services.request_bulk_approve(
        actor=request.user, request_ids=ids, comment=request.POST.get("comment", "")
    )
    if result["approved"]:
        messages.success(request, _("%(n)d 件を承認しました。") % {"n": len(result["approved"])})
    for request_id, message in result["failed"].items():
        messages.error(request, f"#{request_id}: {message}")
    return redirect("workflow:inbox")


@login_required
def my_requests(request: HttpRequest) -> HttpResponse:
    """自分の申請 (auditors may switch to every request with ?scope=all)."""
    scope_all = request.GET.get("scope") == "all" and can(request.user, "workflow.view_all")
    filters = _filters(request, mine=not scope_all)
    queryset = selectors.request_list(actor=request.user, filters=filters)
    context = _list_context(request, selectors.with_pending_approvers(queryset), filters)
    context["scope_all"] = scope_all
    htmx = getattr(request, "htmx", False)
    template = "workflow/partials/_request_table.html" if htmx else "workflow/my_requests.html"
    return render(request, template, context)


@login_required
def request_detail(request: HttpRequest, request_id: int) -> HttpResponse:
    """The request with its route drawn step by step and its history."""
    item = selectors.request_get(actor=request.user, request_id=request_id)
    subject, described, attachments = selectors.request_subject(request=item)
    inbox_ids = set(
        selectors.inbox_list(actor=request.user).filter(pk=item.pk).values_list("pk", flat=True)
    )
    actions = list(selectors.request_actions(request=item))
    # A returned or rejected request says why at the top, not only in the route and history.
    decision_kind = {"returned": "return", "rejected": "reject"}.get(item.status)
    decision = next((a for a in reversed(actions) if a.kind == decision_kind), None)
    context = {
        "item": item,
        "rounds": selectors.request_route(request=item),
        "actions": actions,
        "decision": decision,
        "described": described,
        "subject_url": subject_url(subject) if subject is not None else "",
        "attachments": attachments,
        "can_decide": item.pk in inbox_ids,
        "is_applicant": item.applicant_id == request.user.pk,
        "can_proxy": can(request.user, "workflow.proxy_approve")
        and item.status == "in_progress"
        and item.applicant_id != request.user.pk,
        "is_ringi": isinstance(subject, Ringi),
        "is_form": isinstance(subject, FormSubmission),
    }
    return render(request, "workflow/request_detail.html", context)


ACTIONS: dict[str, Any] = {
    "approve": services.request_approve,
    "reject": services.request_reject,
    "return": services.request_return,
    "withdraw": services.request_withdraw,
    "resubmit": services.request_resubmit,
    "comment": services.request_comment,
    "proxy_approve": services.request_proxy_approve,
}
# Lazy: these are built at import time, the language is only known per request.
DONE = {
    "approve": gettext_lazy("承認しました。"),
    "reject": gettext_lazy("却下しました。"),
    "return": gettext_lazy("差し戻しました。"),
    "withdraw": gettext_lazy("取り下げました。"),
    "resubmit": gettext_lazy("再申請しました。"),
    "comment": gettext_lazy("コメントしました。"),
    "proxy_approve": gettext_lazy("管理者として代理承認しました。"),
}


@login_required
@require_POST
def request_action(request: HttpRequest, request_id: int, action: str) -> HttpResponse:
    """Every state change on the request page is a POST to one service."""
    service = ACTIONS.get(action)
    if service is None:
        raise Http404
    try:
        service(actor=request.user, request_id=request_id, comment=request.POST.get("comment", ""))
    except NotFound:
        raise
    except DomainError as error:
        flash_error(request, error)
    else:
        messages.success(request, DONE[action])
    if (
        action in ("approve", "reject", "return", "proxy_approve")
        and request.POST.get("next") == "inbox"
    ):
        return redirect("workflow:inbox")
    return redirect("workflow:request_detail", request_id=request_id)


@login_required
@require_POST
def request_attach_view(request: HttpRequest, request_id: int) -> HttpResponse:
    """The applicant adds files to an open request."""
    try:
        item = selectors.request_get(actor=request.user, request_id=request_id)
        request_attach(actor=request.user, request=item, files=request.FILES.getlist("files"))
    except NotFound:
        raise
    except DomainError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("添付しました。"))
    return redirect("workflow:request_detail", request_id=request_id)


@login_required
def new_request(request: HttpRequest) -> HttpResponse:
    """新規申請: 稟議 or one of the administrator-defined forms."""
    forms = selectors.form_list(actor=request.user)
    return render(request, "workflow/new_request.html", {"forms": forms})


def _ringi_context(user: Any, values: dict[str, Any]) -> dict[str, Any]:
    # 取引先 follow the org rule: only roles that deal with them get the list.
    return {
        "values": values,
        "departments": Department.objects.filter(is_active=True).order_by("sort_order", "code"),
        "counterparties": Counterparty.objects.visible_to(user)
        .filter(is_active=True)
        .order_by("code"),
    }


@login_required
def ringi_new(request: HttpRequest) -> HttpResponse:
    """稟議の申請."""
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = request.POST.dict()
        try:
            created = ringi_submit(
                actor=request.user, data=values, files=request.FILES.getlist("attachments")
            )
        except ValidationFailed as error:
            messages.error(request, error.message)
            errors = error.errors
        else:
            messages.success(request, _("%(number)s を申請しました。") % {"number": created.number})
            return redirect("workflow:request_detail", request_id=created.pk)
    context = {**_ringi_context(request.user, values), "errors": errors, "resubmit": None}
    return render(request, "workflow/ringi_form.html", context, status=422 if errors else 200)


@login_required
def ringi_resubmit_view(request: HttpRequest, request_id: int) -> HttpResponse:
    """Correct a returned 稟議 and resubmit it."""
    require(request.user, "workflow.use")  # a role-less user: 403, not a 500
    item = selectors.request_get(actor=request.user, request_id=request_id)
    if item.subject_type != "workflow.ringi" or item.applicant_id != request.user.pk:
        raise Http404
    ringi = Ringi.objects.get(pk=item.subject_id)
    values: dict[str, Any] = {
        "title": ringi.title,
        "purpose": ringi.purpose,
        "amount": ringi.amount,
        "department": ringi.department_id,
        "counterparty": ringi.counterparty_id,
    }
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = request.POST.dict()
        try:
            ringi_resubmit(
                actor=request.user,
                request=item,
                data=values,
                comment=values.get("comment", ""),
                files=request.FILES.getlist("attachments"),
            )
        except DomainError as error:
            messages.error(request, error.message)
            errors = error.errors
        else:
            messages.success(request, _("再申請しました。"))
            return redirect("workflow:request_detail", request_id=item.pk)
    context = {**_ringi_context(request.user, values), "errors": errors, "resubmit": item}
    return render(request, "workflow/ringi_form.html", context, status=422 if errors else 200)


def _form_page(
    request: HttpRequest,
    form: Any,
    values: dict[str, Any],
    errors: dict[str, list[str]],
    resubmit: ApprovalRequest | None,
) -> HttpResponse:
    fields = [
        {
            **spec,
            "value": str(values.get(spec["name"], "") or ""),
            "errors": errors.get(spec["name"], []),
        }
        for spec in form.fields
    ]
    context = {
        "form": form,
        "fields": fields,
        "resubmit": resubmit,
        "comment": values.get("comment", ""),
        "other_errors": [
            line
            for key, found in errors.items()
            if key not in form.field_names
            for line in labelled(key, found, {f["name"]: f["label"] for f in form.fields})
        ],
        "employees": Employee.objects.filter(status=Employee.Status.ACTIVE).order_by("code"),
        "departments": Department.objects.filter(is_active=True).order_by("sort_order", "code"),
    }
    return render(request, "workflow/form_request.html", context, status=422 if errors else 200)


@login_required
def form_new(request: HttpRequest, code: str) -> HttpResponse:
    """An administrator-defined form (名刺発注, 住所変更届, …)."""
    require(request.user, "workflow.use")  # a role-less user: 403, not a 500
    form = selectors.form_get(actor=request.user, code=code)
    values: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = request.POST.dict()
        files = {name: request.FILES.getlist(name) for name in request.FILES}
        try:
            created = form_request_submit(actor=request.user, form=form, data=values, files=files)
        except ValidationFailed as error:
            messages.error(request, error.message)
            errors = error.errors
        else:
            messages.success(request, _("%(number)s を申請しました。") % {"number": created.number})
            return redirect("workflow:request_detail", request_id=created.pk)
    return _form_page(request, form, values, errors, None)


@login_required
def form_resubmit_view(request: HttpRequest, request_id: int) -> HttpResponse:
    """Correct a returned form request and resubmit it."""
    require(request.user, "workflow.use")  # a role-less user: 403, not a 500
    item = selectors.request_get(actor=request.user, request_id=request_id)
    if item.subject_type != "workflow.formsubmission" or item.applicant_id != request.user.pk:
        raise Http404
    submission = FormSubmission.objects.select_related("form").get(pk=item.subject_id)
    values: dict[str, Any] = dict(submission.values)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        values = request.POST.dict()
        files = {name: request.FILES.getlist(name) for name in request.FILES}
        try:
            form_resubmit(
                actor=request.user,
                request=item,
                data=values,
                files=files,
                comment=values.get("comment", ""),
            )
        except DomainError as error:
            messages.error(request, error.message)
            errors = error.errors or {"__all__": [error.message]}
        else:
            messages.success(request, _("再申請しました。"))
            return redirect("workflow:request_detail", request_id=item.pk)
    return _form_page(request, submission.form, values, errors, item)


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    """Download an attachment of a request one may see."""
    attachment = selectors.attachment_get(actor=request.user, attachment_id=attachment_id)
    return stored_file_response(attachment.stored, download=request.GET.get("download") == "1")


@login_required
def delegations(request: HttpRequest) -> HttpResponse:
    """代理承認の設定: who may approve for me, when."""
    require(request.user, "workflow.use")  # a role-less user: 403, not a 500
    if request.method == "POST":
        delegate = (
            get_user_model()
            .objects.filter(username=request.POST.get("delegate", "").strip())
            .first()
        )
        try:
            delegation_services.delegation_create(
                actor=request.user,
                delegate=delegate,
                start_date=dt.date.fromisoformat(request.POST.get("start_date", "")),
                end_date=dt.date.fromisoformat(request.POST.get("end_date", "")),
                reason=request.POST.get("reason", ""),
            )
        except ValueError:
            messages.error(request, _("日付を YYYY-MM-DD で入力してください。"))
        except DomainError as error:
            flash_error(request, error)
        else:
            messages.success(request, _("代理承認を設定しました。"))
            return redirect("workflow:delegations")
    rows = selectors.delegation_list(actor=request.user)
    return render(request, "workflow/delegations.html", {"delegations": rows})


@login_required
@require_POST
def delegation_revoke(request: HttpRequest, delegation_id: int) -> HttpResponse:
    delegation_services.delegation_revoke(actor=request.user, delegation_id=delegation_id)
    messages.success(request, _("代理承認を終了しました。"))
    return redirect("workflow:delegations")


@login_required
def notifications(request: HttpRequest) -> HttpResponse:
    """お知らせ; POST marks them all read."""
    if request.method == "POST":
        notification_mark_read(actor=request.user)
        return redirect("workflow:notifications")
    rows = selectors.notification_list(actor=request.user)
    page_obj = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "workflow/notifications.html", {"page_obj": page_obj, "querystring": ""})
