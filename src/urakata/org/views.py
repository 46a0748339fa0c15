"""Org pages: lists (full page or HTMX partial) sharing the API's selectors and filters."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from urakata.core.errors import PermissionDenied
from urakata.core.http import querystring_without_page
from urakata.org import selectors
from urakata.org.models import Employee

PAGE_SIZE = 50


def _forbidden(request: HttpRequest, error: PermissionDenied) -> HttpResponse:
    return render(request, "web/forbidden.html", {"message": error.message}, status=403)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


@login_required
def employee_list(request: HttpRequest) -> HttpResponse:
    """従業員一覧: search by name/kana/code, filter by department and status."""
    filters = selectors.EmployeeFilters(
        q=request.GET.get("q", "").strip(),
        department_id=_int(request.GET.get("department")),
        status=request.GET.get("status", ""),
        employment_type=request.GET.get("employment_type", ""),
    )
    try:
        employees = selectors.employee_list(actor=request.user, filters=filters)
    except PermissionDenied as error:
        return _forbidden(request, error)
    context = {
        "page_obj": Paginator(employees, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "departments": selectors.department_list(actor=request.user),
        "statuses": Employee.Status.choices,
        "querystring": querystring_without_page(request),
    }
    template = "org/partials/_employee_table.html" if request.htmx else "org/employee_list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
def department_list(request: HttpRequest) -> HttpResponse:
    """部署一覧 as a tree with managers and head counts."""
    try:
        tree = selectors.department_tree(actor=request.user)
    except PermissionDenied as error:
        return _forbidden(request, error)
    return render(request, "org/department_list.html", {"tree": tree})


@login_required
def counterparty_list(request: HttpRequest) -> HttpResponse:
    """取引先一覧: search by name/kana/法人番号/登録番号, filter customers or suppliers."""
    filters = selectors.CounterpartyFilters(
        q=request.GET.get("q", "").strip(), kind=request.GET.get("kind", "")
    )
    try:
        counterparties = selectors.counterparty_list(actor=request.user, filters=filters)
    except PermissionDenied as error:
        return _forbidden(request, error)
    context = {
        "page_obj": Paginator(counterparties, PAGE_SIZE).get_page(request.GET.get("page")),
        "filters": filters,
        "querystring": querystring_without_page(request),
    }
    template = (
        "org/partials/_counterparty_table.html" if request.htmx else "org/counterparty_list.html"  # type: ignore[attr-defined]
    )
    return render(request, template, context)
