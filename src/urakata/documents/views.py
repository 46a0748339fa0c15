"""Document pages: the 電帳法 search list, filing form, detail with versions (訂正削除履歴),
new version, key changes, legal hold, disposal, CSV index and the tax-examination ZIP."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urakata.core.error_pages import flash_error
from urakata.core.errors import Conflict, ValidationFailed
from urakata.core.files import stored_file_response
from urakata.core.http import querystring_without_page
from urakata.core.permissions import can, require
from urakata.core.tables import table_response
from urakata.documents import exports, folders, lifecycle, selectors, services
from urakata.documents.models import Capture, DocType, Tag
from urakata.org.models import Counterparty, Department

PAGE_SIZE = 50


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _int(value: str | None) -> int | None:
    text = (value or "").replace(",", "").strip()
    return int(text) if text.isdigit() and len(text) < 16 else None


def _choices() -> dict[str, Any]:
    return {
        "doc_types": DocType.choices,
        "captures": Capture.choices,
        "counterparties": Counterparty.objects.filter(is_active=True).order_by("code"),
        "departments": Department.objects.filter(is_active=True).order_by("sort_order", "code"),
    }


class _Page:
    """A Paginator-compatible slice of a ranked search (counted once)."""

    def __init__(self, result: selectors.SearchResult, number: int) -> None:
        self.object_list = result.documents
        self.number = number
        self.count = result.count
        self.num_pages = max(1, -(-result.count // PAGE_SIZE))
        self.paginator = self

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def has_previous(self) -> bool:
        return self.number > 1

    def has_next(self) -> bool:
        return self.number < self.num_pages

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1


@login_required
def document_list(request: HttpRequest) -> HttpResponseBase:
    """文書の検索: 取引年月日・金額の範囲, 取引先, 書類区分, 部署, タグ, 全文; combined (AND)."""
    require(request.user, "documents.view")
    filters = selectors.document_filters(request.GET)
    if request.GET.get("format") == "csv" and not filters.errors:
        rows = exports.index_table(actor=request.user, filters=filters)
        exports.index_csv_audit(actor=request.user, filters=filters, rows=len(rows))
        return table_response(
            file_format="csv",
            header=selectors.INDEX_HEADER,
            rows=rows,
            filename="documents_index",
        )
    number = max(1, min(_int(request.GET.get("page")) or 1, 100_000))
    result = selectors.SearchResult([], 0, {}, {})
    if not filters.errors:
        result = selectors.document_search(
            actor=request.user, filters=filters, offset=(number - 1) * PAGE_SIZE, limit=PAGE_SIZE
        )
    department_key = "none" if filters.no_department else str(filters.department_id or "")
    context = {
        "filters": filters,
        "errors": filters.errors,
        "folders": folders.folder_tree(
            actor=request.user, department_key=department_key, doc_type=filters.doc_type
        ),
        "folder_key": department_key,
        "folder_query": _folder_query(request),
        "page_obj": _Page(result, number),
        "snippets": result.snippets,
        "querystring": querystring_without_page(request),
        "tags": Tag.objects.all()[:200],
        "can_upload": can(request.user, "documents.upload"),
        "can_export": can(request.user, "documents.export"),
        **_choices(),
    }
    template = "documents/partials/_browse.html" if request.htmx else "documents/list.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def _folder_query(request: HttpRequest) -> str:
    """The current search without page, department and type, ready for a folder's link."""
    query = request.GET.copy()
    for name in ("page", "department_id", "doc_type", "format"):
        query.pop(name, None)
    encoded = query.urlencode()
    return f"{encoded}&" if encoded else ""


FORM_FIELDS = (
    "title",
    "doc_type",
    "capture",
    "transaction_date",
    "amount",
    "counterparty_id",
    "registration_number",
    "department_id",
    "confidential",
    "tags",
    "description",
)


def _values_from_post(request: HttpRequest) -> dict[str, str]:
    return {name: request.POST.get(name, "") for name in FORM_FIELDS}


def _values_from_document(document: Any) -> dict[str, str]:
    return {
        "title": document.title,
        "doc_type": document.doc_type,
        "capture": document.capture,
        "transaction_date": document.transaction_date.isoformat()
        if document.transaction_date
        else "",
        "amount": "" if document.amount is None else str(document.amount),
        "counterparty_id": str(document.counterparty_id or ""),
        "registration_number": document.registration_number,
        "department_id": str(document.department_id or ""),
        "confidential": "1" if document.confidential else "",
        "tags": ", ".join(t.name for t in document.tags.all()),
        "description": document.description,
    }


def _keys_from_post(request: HttpRequest) -> services.DocumentKeys:
    post = request.POST
    return services.DocumentKeys(
        title=post.get("title", "")[:300],
        doc_type=post.get("doc_type", ""),
        capture=post.get("capture", Capture.ELECTRONIC),
        transaction_date=_date(post.get("transaction_date")),
        amount=_int(post.get("amount")),
        counterparty_id=_int(post.get("counterparty_id")),
        registration_number=post.get("registration_number", "")[:20],
        department_id=_int(post.get("department_id")),
        confidential=post.get("confidential") in ("1", "on", "true"),
        tags=tuple(post.get("tags", "")[:400].replace("、", ",").split(",")),
        description=post.get("description", "")[:20_000],
    )


@login_required
def document_new(request: HttpRequest) -> HttpResponse:
    """文書の登録: a file and its keys; scans are checked (200 dpi, colour) before saving."""
    require(request.user, "documents.upload")
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        keys = _keys_from_post(request)
        upload = request.FILES.get("file")
        if upload is None:
            errors = {"file": [_("ファイルを選んでください。")]}
        else:
            try:
                document = services.document_upload(actor=request.user, upload=upload, keys=keys)
            except ValidationFailed as error:
                errors = error.errors or {"file": [str(error)]}
            else:
                messages.success(request, _("文書を登録しました。"))
                return redirect("documents:document_detail", document_id=document.pk)
    context = {"errors": errors, "values": _values_from_post(request), **_choices()}
    return render(request, "documents/form.html", context, status=422 if errors else 200)


@login_required
def document_detail(request: HttpRequest, document_id: int) -> HttpResponse:
    """文書の詳細: keys, every version (who, when, why) and the 訂正削除履歴."""
    document = selectors.document_get(actor=request.user, document_id=document_id)
    history = selectors.document_history(actor=request.user, document=document)
    context = {
        "document": document,
        "versions": list(document.versions.all()),
        "history": history,
        "values": _values_from_document(document),
        "can_edit": services._may_edit(request.user, document),
        "can_manage": can(request.user, "documents.manage"),
        **_choices(),
    }
    return render(request, "documents/detail.html", context)


@login_required
@require_POST
def version_add(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.document_get(actor=request.user, document_id=document_id)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationFailed(_("ファイルを選んでください。"))
        services.version_add(
            actor=request.user,
            document=document,
            upload=upload,
            reason=request.POST.get("reason", "")[:300],
        )
    except ValidationFailed as error:
        flash_error(request, error)
    else:
        messages.success(request, _("新しい版を登録しました。前の版もそのまま保存されています。"))
    return redirect("documents:document_detail", document_id=document.pk)


@login_required
def version_download(request: HttpRequest, document_id: int, number: int) -> HttpResponseBase:
    version = selectors.version_get(actor=request.user, document_id=document_id, number=number)
    return stored_file_response(version.stored_file, download=request.GET.get("download") == "1")


@login_required
@require_POST
def document_update(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.document_get(actor=request.user, document_id=document_id)
    keys = _keys_from_post(request)
    changes = {
        field: getattr(keys, field)
        for field in services.UPDATABLE
        if field in request.POST or field == "confidential"
    }
    if "tags" in request.POST:
        changes["tags"] = keys.tags
    try:
        services.document_update(
            actor=request.user,
            document=document,
            changes=changes,
            reason=request.POST.get("reason", "")[:300],
        )
    except ValidationFailed as error:
        flash_error(request, error)
    else:
        messages.success(request, _("文書の属性を変更しました。変更前の値は履歴に残ります。"))
    return redirect("documents:document_detail", document_id=document.pk)


@login_required
@require_POST
def document_hold(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.document_get(actor=request.user, document_id=document_id)
    try:
        lifecycle.document_hold(
            actor=request.user,
            document=document,
            hold=request.POST.get("hold") == "1",
            reason=request.POST.get("reason", "")[:300],
        )
    except ValidationFailed as error:
        flash_error(request, error)
    return redirect("documents:document_detail", document_id=document.pk)


@login_required
@require_POST
def document_dispose(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.document_get(actor=request.user, document_id=document_id)
    try:
        lifecycle.document_dispose(
            actor=request.user, document=document, reason=request.POST.get("reason", "")[:300]
        )
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
        return redirect("documents:document_detail", document_id=document.pk)
    messages.success(request, _("文書を廃棄しました。"))
    return redirect("documents:document_list")


@login_required
def document_export(request: HttpRequest) -> HttpResponseBase:
    """税務調査用ダウンロード: the search's CSV index and files as one ZIP."""
    require(request.user, "documents.export")
    filters = selectors.document_filters(request.GET)
    try:
        data, _count = exports.tax_examination_zip(actor=request.user, filters=filters)
    except ValidationFailed as error:
        flash_error(request, error)
        return redirect("documents:document_list")
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="documents_export.zip"'
    return response
