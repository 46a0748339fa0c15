"""Org pages: lists (full page or HTMX partial), details, and create/edit forms.

Lists share the API's selectors and filters; forms post to the services, which validate; an error
re-renders the form with each message beside its field and the user's input kept.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from urakata.core.errors import ValidationFailed
from urakata.core.http import querystring_without_page
from urakata.core.permissions import can, require
from urakata.org import form_fields, selectors, services
from urakata.org.form_fields import FormField
from urakata.org.models import Employee

PAGE_SIZE = 50
View = Callable[..., HttpResponse]


def page_view(view: View) -> View:
    """Login required; domain errors become their 4xx page (core.error_pages middleware)."""
    return login_required(view)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def _form(
    request: HttpRequest,
    *,
    title: str,
    groups: Sequence[tuple[Any, Sequence[FormField]]],
    values: dict[str, Any],
    errors: dict[str, list[str]] | None = None,
    choices: dict[str, Any] | None = None,
    cancel_url: str,
    message: str = "",
    status: int = 200,
) -> HttpResponse:
    """Render `org/form.html`: fieldsets of bound fields, errors beside them."""
    errors = errors or {}
    context = {
        "title": title,
        "fieldsets": [
            (legend, form_fields.bind(fields, values, errors, choices)) for legend, fields in groups
        ],
        "form_error": message,
        "other_errors": form_fields.unplaced_errors([f for _l, f in groups], errors),
        "cancel_url": cancel_url,
    }
    return render(request, "org/form.html", context, status=status)


# ---------------------------------------------------------------- employees


def request_employee_filters(request: HttpRequest) -> selectors.EmployeeFilters:
    return selectors.EmployeeFilters(
        q=request.GET.get("q", "").strip(),
        department_id=_int(request.GET.get("department")),
        status=request.GET.get("status", ""),
        employment_type=request.GET.get("employment_type", ""),
    )


@page_view
def employee_list(request: HttpRequest) -> HttpResponse:
    """従業員一覧: search by name/kana/code, filter by department, status and employment type."""
    filters = request_employee_filters(request)
    employees = selectors.employee_list(actor=request.user, filters=filters)
    context = {
        "page_obj": Paginator(employees, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "departments": selectors.department_list(actor=request.user),
        "statuses": Employee.Status.choices,
        "employment_types": Employee.EmploymentType.choices,
        "querystring": querystring_without_page(request),
        "can_manage": can(request.user, "org.manage_employees"),
        "can_import_export": can(request.user, "org.import_export")
        and can(request.user, "org.manage_employees"),
    }
    template = (
        "org/partials/_employee_table.html" if _is_htmx(request) else "org/employee_list.html"
    )
    return render(request, template, context)


@page_view
def employee_detail(request: HttpRequest, employee_id: int) -> HttpResponse:
    """従業員詳細: master data, manager, direct reports."""
    employee = selectors.employee_get(actor=request.user, employee_id=employee_id)
    context = {
        "employee": employee,
        "reports": selectors.employee_reports(actor=request.user, employee=employee),
        "can_manage": can(request.user, "org.manage_employees"),
        "can_view_private": can(request.user, "org.view_employee_private"),
    }
    return render(request, "org/employee_detail.html", context)


def _employee_choices(request: HttpRequest) -> dict[str, Any]:
    departments = selectors.department_list(actor=request.user)
    return {
        "department": [(d.pk, f"{d.code} {d.name}") for d in departments],
        "position": [(p.pk, p.name) for p in selectors.position_list(actor=request.user)],
    }


@page_view
def employee_create(request: HttpRequest) -> HttpResponse:
    """従業員の新規登録 (入社登録)."""
    require(request.user, "org.manage_employees")
    fields = [*form_fields.EMPLOYEE, form_fields.EMPLOYEE_CREATE_LOGIN]
    values: dict[str, Any] = {
        "employment_type": Employee.EmploymentType.REGULAR,
        "status": Employee.Status.ACTIVE,
        "create_login": True,
    }
    errors: dict[str, list[str]] = {}
    message = ""
    if request.method == "POST":
        values = form_fields.posted(fields, request.POST)
        data = {k: v for k, v in values.items() if k != "create_login"}
        try:
            employee = services.employee_create(
                actor=request.user, data=data, create_login=bool(values["create_login"])
            )
        except ValidationFailed as error:
            errors, message = error.errors, error.message
        else:
            messages.success(request, _("従業員「%(name)s」を登録しました。") % {"name": employee})
            return redirect("org:employee_detail", employee_id=employee.pk)
    return _form(
        request,
        title=_("従業員の登録"),
        groups=[(gettext_lazy("基本情報"), fields)],
        values=values,
        errors=errors,
        choices=_employee_choices(request),
        cancel_url=reverse("org:employee_list"),
        message=message,
        status=422 if errors else 200,
    )


@page_view
def employee_edit(request: HttpRequest, employee_id: int) -> HttpResponse:
    """従業員の編集."""
    require(request.user, "org.manage_employees")
    employee = selectors.employee_get(actor=request.user, employee_id=employee_id)
    values = form_fields.employee_initial(employee)
    errors: dict[str, list[str]] = {}
    message = ""
    if request.method == "POST":
        values = form_fields.posted(form_fields.EMPLOYEE, request.POST)
        try:
            employee = services.employee_update(actor=request.user, employee=employee, data=values)
        except ValidationFailed as error:
            errors, message = error.errors, error.message
        else:
            messages.success(request, _("従業員「%(name)s」を更新しました。") % {"name": employee})
            return redirect("org:employee_detail", employee_id=employee.pk)
    return _form(
        request,
        title=_("従業員の編集: %(name)s") % {"name": employee},
        groups=[(gettext_lazy("基本情報"), form_fields.EMPLOYEE)],
        values=values,
        errors=errors,
        choices=_employee_choices(request),
        cancel_url=reverse("org:employee_detail", args=[employee.pk]),
        message=message,
        status=422 if errors else 200,
    )


# ---------------------------------------------------------------- departments


@page_view
def department_list(request: HttpRequest) -> HttpResponse:
    """部署一覧 as a tree with managers and head counts."""
    tree = selectors.department_tree(actor=request.user)
    context = {"tree": tree, "can_manage": can(request.user, "org.manage_departments")}
    return render(request, "org/department_list.html", context)


@page_view
def department_detail(request: HttpRequest, department_id: int) -> HttpResponse:
    """部署詳細: manager, parent, sub-departments and members."""
    department = selectors.department_get(actor=request.user, department_id=department_id)
    context = {
        "department": department,
        "children": selectors.department_children(actor=request.user, department=department),
        "members": selectors.department_members(actor=request.user, department=department),
        "can_manage": can(request.user, "org.manage_departments"),
    }
    return render(request, "org/department_detail.html", context)


def _department_choices(request: HttpRequest, exclude: int | None = None) -> dict[str, Any]:
    departments = selectors.department_list(actor=request.user)
    return {"parent": [(d.pk, f"{d.code} {d.name}") for d in departments if d.pk != exclude]}


@page_view
def department_create(request: HttpRequest) -> HttpResponse:
    """部署の新規登録."""
    require(request.user, "org.manage_departments")
    groups = [(gettext_lazy("部署"), form_fields.DEPARTMENT)]
    values: dict[str, Any] = {"is_active": True, "sort_order": 0}
    errors: dict[str, list[str]] = {}
    message = ""
    if request.method == "POST":
        values = form_fields.posted(form_fields.DEPARTMENT, request.POST)
        try:
            department = services.department_create(actor=request.user, data=values)
        except ValidationFailed as error:
            errors, message = error.errors, error.message
        else:
            messages.success(request, _("部署「%(name)s」を登録しました。") % {"name": department})
            return redirect("org:department_detail", department_id=department.pk)
    return _form(
        request,
        title=_("部署の登録"),
        groups=groups,
        values=values,
        errors=errors,
        choices=_department_choices(request),
        cancel_url=reverse("org:department_list"),
        message=message,
        status=422 if errors else 200,
    )


@page_view
def department_edit(request: HttpRequest, department_id: int) -> HttpResponse:
    """部署の編集 (name, parent, manager, order, active)."""
    require(request.user, "org.manage_departments")
    department = selectors.department_get(actor=request.user, department_id=department_id)
    groups = [(gettext_lazy("部署"), form_fields.DEPARTMENT)]
    values = form_fields.department_initial(department)
    errors: dict[str, list[str]] = {}
    message = ""
    if request.method == "POST":
        values = form_fields.posted(form_fields.DEPARTMENT, request.POST)
        try:
            department = services.department_update(
                actor=request.user, department=department, data=values
            )
        except ValidationFailed as error:
            errors, message = error.errors, error.message
        else:
            messages.success(request, _("部署「%(name)s」を更新しました。") % {"name": department})
            return redirect("org:department_detail", department_id=department.pk)
    return _form(
        request,
        title=_("部署の編集: %(name)s") % {"name": department},
        groups=groups,
        values=values,
        errors=errors,
        choices=_department_choices(request, exclude=department.pk),
        cancel_url=reverse("org:department_list"),
        message=message,
        status=422 if errors else 200,
    )


# ---------------------------------------------------------------- counterparties


def request_counterparty_filters(request: HttpRequest) -> selectors.CounterpartyFilters:
    active = request.GET.get("active", "")
    return selectors.CounterpartyFilters(
        q=request.GET.get("q", "").strip(),
        kind=request.GET.get("kind", ""),
        active={"1": True, "0": False}.get(active),
    )


@page_view
def counterparty_list(request: HttpRequest) -> HttpResponse:
    """取引先一覧: search by name/kana/法人番号/登録番号, filter customers or suppliers."""
    filters = request_counterparty_filters(request)
    counterparties = selectors.counterparty_list(actor=request.user, filters=filters)
    context = {
        "page_obj": Paginator(counterparties, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "querystring": querystring_without_page(request),
        "can_manage": can(request.user, "org.manage_counterparties"),
        "can_import_export": can(request.user, "org.import_export")
        and can(request.user, "org.manage_counterparties"),
    }
    template = (
        "org/partials/_counterparty_table.html"
        if _is_htmx(request)
        else "org/counterparty_list.html"
    )
    return render(request, template, context)


@page_view
def counterparty_detail(request: HttpRequest, counterparty_id: int) -> HttpResponse:
    """取引先詳細: identifiers (法人番号・登録番号), contact and bank account."""
    counterparty = selectors.counterparty_get(actor=request.user, counterparty_id=counterparty_id)
    context = {
        "counterparty": counterparty,
        "can_manage": can(request.user, "org.manage_counterparties"),
    }
    return render(request, "org/counterparty_detail.html", context)


COUNTERPARTY_GROUPS = [
    (gettext_lazy("取引先"), form_fields.COUNTERPARTY),
    (gettext_lazy("振込口座"), form_fields.BANK),
]


@page_view
def counterparty_create(request: HttpRequest) -> HttpResponse:
    """取引先の新規登録."""
    require(request.user, "org.manage_counterparties")
    values: dict[str, Any] = {"is_active": True, "is_customer": True}
    errors: dict[str, list[str]] = {}
    message = ""
    if request.method == "POST":
        values = form_fields.posted([*form_fields.COUNTERPARTY, *form_fields.BANK], request.POST)
        try:
            counterparty = services.counterparty_create(actor=request.user, data=values)
        except ValidationFailed as error:
            errors, message = error.errors, error.message
        else:
            messages.success(
                request, _("取引先「%(name)s」を登録しました。") % {"name": counterparty}
            )
            return redirect("org:counterparty_detail", counterparty_id=counterparty.pk)
    return _form(
        request,
        title=_("取引先の登録"),
        groups=COUNTERPARTY_GROUPS,
        values=values,
        errors=errors,
        cancel_url=reverse("org:counterparty_list"),
        message=message,
        status=422 if errors else 200,
    )


@page_view
def counterparty_edit(request: HttpRequest, counterparty_id: int) -> HttpResponse:
    """取引先の編集."""
    require(request.user, "org.manage_counterparties")
    counterparty = selectors.counterparty_get(actor=request.user, counterparty_id=counterparty_id)
    values = form_fields.counterparty_initial(counterparty)
    errors: dict[str, list[str]] = {}
    message = ""
    if request.method == "POST":
        values = form_fields.posted([*form_fields.COUNTERPARTY, *form_fields.BANK], request.POST)
        try:
            counterparty = services.counterparty_update(
                actor=request.user, counterparty=counterparty, data=values
            )
        except ValidationFailed as error:
            errors, message = error.errors, error.message
        else:
            messages.success(
                request, _("取引先「%(name)s」を更新しました。") % {"name": counterparty}
            )
            return redirect("org:counterparty_detail", counterparty_id=counterparty.pk)
    return _form(
        request,
        title=_("取引先の編集: %(name)s") % {"name": counterparty},
        groups=COUNTERPARTY_GROUPS,
        values=values,
        errors=errors,
        cancel_url=reverse("org:counterparty_list"),
        message=message,
        status=422 if errors else 200,
    )


# ---------------------------------------------------------------- company


@page_view
def company_settings(request: HttpRequest) -> HttpResponse:
    """自社情報: 法人番号, 登録番号, 期首月, address and the company's bank account (admin only)."""
    require(request.user, "org.manage_company")
    groups = [
        (gettext_lazy("自社情報"), form_fields.COMPANY),
        (gettext_lazy("振込口座"), form_fields.BANK),
    ]
    values = form_fields.company_initial(selectors.company_get())
    errors: dict[str, list[str]] = {}
    message = ""
    if request.method == "POST":
        values = form_fields.posted([*form_fields.COMPANY, *form_fields.BANK], request.POST)
        try:
            services.company_update(actor=request.user, data=values)
        except ValidationFailed as error:
            errors, message = error.errors, error.message
        else:
            messages.success(request, _("自社情報を保存しました。"))
            return redirect("org:company_settings")
    return _form(
        request,
        title=_("自社情報"),
        groups=groups,
        values=values,
        errors=errors,
        cancel_url=reverse("web:home"),
        message=message,
        status=422 if errors else 200,
    )
