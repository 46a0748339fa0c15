"""Import and export pages for employees and counterparties; the work is in `import_export`."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from urakata.core.error_pages import flash_error
from urakata.core.errors import ValidationFailed
from urakata.core.labels import error_lines
from urakata.core.permissions import require
from urakata.org import import_export
from urakata.org.import_export import COUNTERPARTY_COLUMNS, EMPLOYEE_COLUMNS, ExportFile
from urakata.org.views import page_view, request_counterparty_filters, request_employee_filters


def _download(export: ExportFile) -> HttpResponse:
    response = HttpResponse(export.content, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


@require_GET
@page_view
def employee_export(request: HttpRequest) -> HttpResponse:
    """The filtered 従業員一覧 as `?format=csv` (UTF-8 BOM) or `?format=xlsx`."""
    try:
        export = import_export.employee_export(
            actor=request.user,
            filters=request_employee_filters(request),
            file_format=request.GET.get("format", "csv"),
        )
    except ValidationFailed as error:
        flash_error(request, error)
        return redirect("org:employee_list")
    return _download(export)


@require_GET
@page_view
def counterparty_export(request: HttpRequest) -> HttpResponse:
    """The filtered 取引先一覧 as `?format=csv` (UTF-8 BOM) or `?format=xlsx`."""
    try:
        export = import_export.counterparty_export(
            actor=request.user,
            filters=request_counterparty_filters(request),
            file_format=request.GET.get("format", "csv"),
        )
    except ValidationFailed as error:
        flash_error(request, error)
        return redirect("org:counterparty_list")
    return _download(export)


def _import_page(
    request: HttpRequest,
    *,
    entity: str,
    columns: list[import_export.Column],
    run: Any,
    list_url: str,
    sample: str,
) -> HttpResponse:
    context: dict[str, Any] = {
        "entity": entity,
        "columns": [c for c in columns if not c.export_only],
        "list_url": list_url,
        "sample": sample,
        "is_employee": entity == "employee",
    }
    if request.method != "POST":
        return render(request, "org/import.html", context)
    try:
        result = run(request)
    except import_export.ImportRejected as error:
        context.update({"error": error.message, "row_errors": error.rows})
        return render(request, "org/import.html", context, status=422)
    except ValidationFailed as error:
        context.update({"error": error.message, "file_errors": error_lines(error)})
        return render(request, "org/import.html", context, status=422)
    messages.success(
        request,
        _(
            "%(total)s 行を取り込みました(新規 %(created)s 件、更新 %(updated)s 件、"
            "変更なし %(unchanged)s 件)。"
        )
        % result.as_dict(),
    )
    return redirect(list_url)


@page_view
def employee_import(request: HttpRequest) -> HttpResponse:
    """従業員の一括取り込み: upload a CSV/Excel file; all rows are written or none."""
    require(request.user, "org.import_export")
    require(request.user, "org.manage_employees")
    return _import_page(
        request,
        entity="employee",
        columns=EMPLOYEE_COLUMNS,
        run=lambda r: import_export.employee_import(
            actor=r.user,
            upload=r.FILES.get("file"),
            create_logins="create_logins" in r.POST,
        ),
        list_url="org:employee_list",
        sample="employees.csv",
    )


@page_view
def counterparty_import(request: HttpRequest) -> HttpResponse:
    """取引先の一括取り込み: upload a CSV/Excel file; all rows are written or none."""
    require(request.user, "org.import_export")
    require(request.user, "org.manage_counterparties")
    return _import_page(
        request,
        entity="counterparty",
        columns=COUNTERPARTY_COLUMNS,
        run=lambda r: import_export.counterparty_import(actor=r.user, upload=r.FILES.get("file")),
        list_url="org:counterparty_list",
        sample="counterparties.csv",
    )
