"""勘定科目 maintenance pages: the chart grouped by section (CSV/Excel), account detail with its
補助科目, create/edit forms. Reads need ledger.view_reports, writes ledger.manage_accounts."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urakata.core import tables
from urakata.core.errors import DomainError, NotFound
from urakata.core.permissions import can, require
from urakata.ledger import accounts, selectors
from urakata.ledger.chart import SECTION_CODE_PREFIX
from urakata.ledger.models import Account, Category, Section, Side, SubAccount, TaxCode


def chart_table(rows: list[Account]) -> tuple[list[str], list[list[Any]]]:
    headers = [
        _("科目コード"),
        _("科目名"),
        _("区分"),
        _("表示区分"),
        _("残高の側"),
        _("既定の税区分"),
        _("有効"),
        _("補助科目数"),
    ]
    table = [
        [
            a.code,
            a.name,
            str(Category(a.category).label),
            str(Section(a.section).label),
            str(Side(a.normal_side).label),
            a.default_tax_code.name if a.default_tax_code else "",
            _("有効") if a.is_active else _("停止"),
            getattr(a, "sub_account_count", 0),
        ]
        for a in rows
    ]
    return headers, table


@login_required
def chart_list(request: HttpRequest) -> HttpResponseBase:
    """勘定科目一覧: grouped by statement section, searchable, exportable."""
    q = request.GET.get("q", "").strip()
    state = request.GET.get("active", "")
    active = {"1": True, "0": False}.get(state)
    rows = list(selectors.chart_list(actor=request.user, q=q, active=active))
    fmt = request.GET.get("format", "")
    if fmt in ("csv", "xlsx"):
        headers, table = chart_table(rows)
        tables.audit_export(
            actor=request.user,
            action="ledger.chart.export",
            file_format=fmt,
            rows=len(table),
            filters={"q": q, "active": state},
        )
        return tables.table_response(
            file_format=fmt,
            header=headers,
            rows=table,
            filename="chart_of_accounts",
            title=_("勘定科目"),
        )
    by_section: dict[str, list[Account]] = {}
    for account in rows:
        by_section.setdefault(account.section, []).append(account)
    groups = [
        {
            "section": label,
            "category": Category(next(iter(by_section[value])).category).label,
            "accounts": by_section[value],
        }
        for value, label in Section.choices
        if value in by_section
    ]
    return render(
        request,
        "ledger/chart_list.html",
        {
            "groups": groups,
            "q": q,
            "active": state,
            "total": len(rows),
            "can_manage": can(request.user, "ledger.manage_accounts"),
        },
    )


@login_required
def account_detail(request: HttpRequest, account_id: int) -> HttpResponse:
    """An account and its 補助科目, with the add form for accounting."""
    account = selectors.chart_account_get(actor=request.user, account_id=account_id)
    return render(
        request,
        "ledger/account_detail.html",
        {
            "account": account,
            "subs": list(account.sub_accounts.all()),
            "used": accounts.account_is_used(account),
            "can_manage": can(request.user, "ledger.manage_accounts"),
            "errors": {},
            "values": {},
        },
    )


def _form_context(account: Account | None, values: dict[str, Any], errors: Any) -> dict[str, Any]:
    return {
        "account": account,
        "values": values,
        "errors": errors,
        "categories": Category.choices,
        "sections": Section.choices,
        "sides": Side.choices,
        "tax_codes": TaxCode.objects.order_by("sort_order", "code"),
        "prefixes": sorted({(p, str(Section(s).label)) for s, p in SECTION_CODE_PREFIX.items()}),
        "locked": account is not None and accounts.account_is_used(account),
    }


def _account_values(account: Account) -> dict[str, Any]:
    return {
        "code": account.code,
        "name": account.name,
        "category": account.category,
        "section": account.section,
        "normal_side": account.normal_side,
        "default_tax_code": account.default_tax_code.code if account.default_tax_code else "",
        "is_active": account.is_active,
    }


@login_required
def account_new(request: HttpRequest) -> HttpResponse:
    """Create an account; every problem is shown next to the form."""
    require(request.user, "ledger.manage_accounts")
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"is_active": True}
    if request.method == "POST":
        values = dict(request.POST.dict())
        values["is_active"] = "is_active" in request.POST
        try:
            account = accounts.account_create(actor=request.user, data=values)
        except DomainError as error:
            errors = error.errors or {"__all__": [error.message]}
        else:
            messages.success(request, _("勘定科目「%(name)s」を登録しました。") % {"name": account})
            return redirect("ledger:account_detail", account_id=account.pk)
    return render(
        request,
        "ledger/account_form.html",
        _form_context(None, values, errors),
        status=422 if errors else 200,
    )


@login_required
def account_edit(request: HttpRequest, account_id: int) -> HttpResponse:
    """Edit an account; code/category/section/side only while no journal line uses it."""
    require(request.user, "ledger.manage_accounts")
    account = selectors.chart_account_get(actor=request.user, account_id=account_id)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = _account_values(account)
    if request.method == "POST":
        values = dict(request.POST.dict())
        values["is_active"] = "is_active" in request.POST
        data = {
            k: values.get(k, "")
            for k in ("name", "default_tax_code", "is_active", *accounts.STRUCTURAL_FIELDS)
            if k in values
        }
        try:
            accounts.account_update(actor=request.user, account=account, data=data)
        except DomainError as error:
            errors = error.errors or {"__all__": [error.message]}
            for name in accounts.STRUCTURAL_FIELDS:
                values.setdefault(name, getattr(account, name))
        else:
            messages.success(request, _("勘定科目を更新しました。"))
            return redirect("ledger:account_detail", account_id=account.pk)
    return render(
        request,
        "ledger/account_form.html",
        _form_context(account, values, errors),
        status=422 if errors else 200,
    )


@login_required
@require_POST
def sub_account_new(request: HttpRequest, account_id: int) -> HttpResponse:
    """Add a 補助科目 (from the account page); errors are shown there."""
    require(request.user, "ledger.manage_accounts")
    account = selectors.chart_account_get(actor=request.user, account_id=account_id)
    try:
        sub = accounts.sub_account_create(
            actor=request.user,
            account=account,
            code=request.POST.get("code", ""),
            name=request.POST.get("name", ""),
        )
    except DomainError as error:
        account = selectors.chart_account_get(actor=request.user, account_id=account_id)
        return render(
            request,
            "ledger/account_detail.html",
            {
                "account": account,
                "subs": list(account.sub_accounts.all()),
                "used": accounts.account_is_used(account),
                "can_manage": True,
                "errors": error.errors or {"__all__": [error.message]},
                "values": request.POST.dict(),
            },
            status=422,
        )
    messages.success(request, _("補助科目「%(name)s」を登録しました。") % {"name": sub.name})
    return redirect("ledger:account_detail", account_id=account.pk)


def _sub_get(account_id: int, sub_id: int) -> SubAccount:
    sub = SubAccount.objects.select_related("account").filter(pk=sub_id, account_id=account_id)
    found = sub.first()
    if found is None:
        raise NotFound(_("補助科目が見つかりません。"))
    return found


@login_required
def sub_account_edit(request: HttpRequest, account_id: int, sub_id: int) -> HttpResponse:
    """Edit a 補助科目 (code, name, active); its code is fixed once journal lines use it."""
    require(request.user, "ledger.manage_accounts")
    sub = _sub_get(account_id, sub_id)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"code": sub.code, "name": sub.name, "is_active": sub.is_active}
    if request.method == "POST":
        values = dict(request.POST.dict())
        values["is_active"] = "is_active" in request.POST
        data: dict[str, Any] = {k: values[k] for k in ("code", "name", "is_active") if k in values}
        try:
            accounts.sub_account_update(actor=request.user, sub=sub, data=data)
        except DomainError as error:
            errors = error.errors or {"__all__": [error.message]}
        else:
            messages.success(request, _("補助科目を更新しました。"))
            return redirect("ledger:account_detail", account_id=account_id)
    return render(
        request,
        "ledger/sub_account_form.html",
        {
            "sub": sub,
            "values": values,
            "errors": errors,
            "locked": accounts.sub_account_is_used(sub),
        },
        status=422 if errors else 200,
    )


@login_required
@require_POST
def sub_account_toggle(request: HttpRequest, account_id: int, sub_id: int) -> HttpResponse:
    """Deactivate (or reactivate) a 補助科目 from the account page."""
    require(request.user, "ledger.manage_accounts")
    sub = _sub_get(account_id, sub_id)
    accounts.sub_account_update(actor=request.user, sub=sub, data={"is_active": not sub.is_active})
    if sub.is_active:
        messages.success(request, _("補助科目「%(name)s」を停止しました。") % {"name": sub.name})
    else:
        messages.success(request, _("補助科目「%(name)s」を再開しました。") % {"name": sub.name})
    return redirect("ledger:account_detail", account_id=account_id)
