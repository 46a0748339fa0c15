"""Documents REST endpoints: search, file, read, versions, keys, legal hold, disposal, exports."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from urakata.core.api import API_ERRORS, PageMeta
from urakata.core.files import stored_file_response, upload_size_check
from urakata.core.permissions import require
from urakata.core.schema_types import (
    BusinessDate,
    LongText,
    NonNegativeYen,
    PageNumber,
    PageSize,
    RowId,
)
from urakata.documents import exports, folders, lifecycle, selectors, services
from urakata.documents.contract_api import router as contract_router
from urakata.documents.models import Document, DocumentVersion

router = Router(tags=["documents"])
ERRORS = API_ERRORS

Title = Annotated[str, Field(min_length=1, max_length=200)]
Short = Annotated[str, Field(max_length=40)]
Reason = Annotated[str, Field(min_length=1, max_length=200)]
Registration = Annotated[str, Field(max_length=14)]


class VersionOut(Schema):
    number: int
    file_name: str
    content_type: str
    size: int
    sha256: str
    reason: str
    created_by: str
    created_at: dt.datetime
    text_source: str
    scan_dpi: int | None

    @staticmethod
    def resolve_file_name(obj: DocumentVersion) -> str:
        return obj.stored_file.name

    @staticmethod
    def resolve_content_type(obj: DocumentVersion) -> str:
        return obj.stored_file.content_type

    @staticmethod
    def resolve_size(obj: DocumentVersion) -> int:
        return obj.stored_file.size

    @staticmethod
    def resolve_created_by(obj: DocumentVersion) -> str:
        return obj.created_by.get_username() if obj.created_by else "system"


class DocumentOut(Schema):
    id: int
    title: str
    doc_type: str
    capture: str
    transaction_date: dt.date | None
    amount: int | None
    counterparty_id: int | None
    counterparty: str
    registration_number: str
    department_id: int | None
    confidential: bool
    tags: list[str]
    related_type: str
    related_id: int | None
    retain_until: dt.date | None
    legal_hold: bool
    version_count: int
    created_at: dt.datetime

    @staticmethod
    def resolve_counterparty(obj: Document) -> str:
        return obj.counterparty.name if obj.counterparty else ""

    @staticmethod
    def resolve_tags(obj: Document) -> list[str]:
        return [t.name for t in obj.tags.all()]


class DocumentDetailOut(DocumentOut):
    description: str
    versions: list[VersionOut]

    @staticmethod
    def resolve_versions(obj: Document) -> list[Any]:
        return list(obj.versions.all())


class HitOut(DocumentOut):
    score: float | None = None
    snippet: str = ""


class SearchPage(Schema):
    items: list[HitOut]
    meta: PageMeta


class SearchQuery(Schema):
    date_from: BusinessDate | None = None
    date_to: BusinessDate | None = None
    amount_min: NonNegativeYen | None = None
    amount_max: NonNegativeYen | None = None
    counterparty_id: RowId | None = None
    counterparty: Annotated[str, Field(max_length=100)] = ""
    doc_type: Short = ""
    department_id: RowId | None = None
    no_department: bool = False  # the folder of documents without a 所管部署
    tag: Short = ""
    q: Annotated[str, Field(max_length=200)] = ""
    related_type: Short = ""
    related_id: RowId | None = None


def _filters(query: SearchQuery) -> selectors.DocumentFilters:
    data = query.model_dump(exclude_none=True)
    if data.pop("no_department", False):
        data["department_id"] = folders.NO_DEPARTMENT
    return selectors.document_filters(data)


class DocFolderTypeOut(Schema):
    doc_type: str
    label: str
    count: int


class DocFolderOut(Schema):
    key: str  # the department id, or "none" (search with no_department=true)
    department_id: int | None
    name: str
    count: int
    types: list[DocFolderTypeOut]


@router.get("/folders", response={200: list[DocFolderOut], **ERRORS})
def folder_list(request: HttpRequest) -> list[folders.DepartmentFolder]:
    """The folder tree: 所管部署 → 書類区分 with the number of documents the caller may see; search
    a folder with `department_id` (or `no_department=true`) and `doc_type`."""
    return folders.folder_tree(actor=request.user)


@router.get("", response={200: SearchPage, **ERRORS})
def search(
    request: HttpRequest,
    query: Query[SearchQuery],
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> dict[str, Any]:
    """電帳法 search: 取引年月日・金額の範囲, 取引先, type, department, tag, full text; combined."""
    result = selectors.document_search(
        actor=request.user,
        filters=_filters(query),
        offset=(page - 1) * page_size,
        limit=page_size,
    )
    for document in result.documents:
        document.score = result.scores.get(document.pk)  # type: ignore[attr-defined]
        document.snippet = str(result.snippets.get(document.pk, ""))  # type: ignore[attr-defined]
    pages = max(1, -(-result.count // page_size))
    return {
        "items": result.documents,
        "meta": PageMeta(count=result.count, page=page, page_size=page_size, pages=pages),
    }


class DocumentIn(Schema):
    title: Title
    doc_type: Short
    capture: Short = "electronic"
    transaction_date: BusinessDate | None = None
    amount: NonNegativeYen | None = None
    counterparty_id: RowId | None = None
    registration_number: Registration = ""
    department_id: RowId | None = None
    confidential: bool = False
    tags: Annotated[str, Field(max_length=400)] = ""  # comma-separated
    description: LongText = ""


@router.post("", response={201: DocumentDetailOut, **ERRORS})
def create(
    request: HttpRequest, file: File[UploadedFile], payload: Form[DocumentIn]
) -> Status[Document]:
    """File a new document (first version)."""
    require(request.user, "documents.upload")
    upload_size_check(file, refusal="ファイルを保存できません。")
    data = payload.model_dump()
    data["tags"] = tuple(data["tags"].replace("、", ",").split(","))
    keys = services.DocumentKeys(**data)
    document = services.document_upload(actor=request.user, upload=file, keys=keys)
    return Status(201, selectors.document_get(actor=request.user, document_id=document.pk))


@router.get("/index.csv", response={200: None, **ERRORS})
def index_csv(request: HttpRequest, query: Query[SearchQuery]) -> HttpResponse:
    """The CSV index (索引簿) of a search."""
    from urakata.core.tables import table_response

    filters = _filters(query)
    rows = exports.index_table(actor=request.user, filters=filters)
    exports.index_csv_audit(actor=request.user, filters=filters, rows=len(rows))
    return table_response(  # type: ignore[return-value]
        file_format="csv", header=selectors.INDEX_HEADER, rows=rows, filename="documents_index"
    )


@router.get("/export.zip", response={200: None, **ERRORS})
def export_zip(request: HttpRequest, query: Query[SearchQuery]) -> HttpResponse:
    """Download for a tax examination: index.csv and every file of the matching documents."""
    data, _count = exports.tax_examination_zip(actor=request.user, filters=_filters(query))
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = 'attachment; filename="documents_export.zip"'
    return response


@router.get("/{int:document_id}", response={200: DocumentDetailOut, **ERRORS})
def detail(request: HttpRequest, document_id: RowId) -> Document:
    return selectors.document_get(actor=request.user, document_id=document_id)


CLEARABLE_KEYS = frozenset(
    {"transaction_date", "amount", "counterparty_id", "registration_number", "department_id"}
)


class DocumentPatch(Schema):
    title: Title | None = None
    doc_type: Short | None = None
    transaction_date: BusinessDate | None = None
    amount: NonNegativeYen | None = None
    counterparty_id: RowId | None = None
    registration_number: Registration | None = None
    department_id: RowId | None = None
    confidential: bool | None = None
    description: LongText | None = None
    tags: Annotated[list[Short], Field(max_length=10)] | None = None
    reason: Reason


@router.patch("/{int:document_id}", response={200: DocumentDetailOut, **ERRORS})
def update(request: HttpRequest, document_id: RowId, payload: DocumentPatch) -> Document:
    """Change a document's keys (訂正: old and new values and the reason are kept)."""
    document = selectors.document_get(actor=request.user, document_id=document_id)
    changes = payload.model_dump(exclude_unset=True)
    reason = changes.pop("reason")
    # null clears a key that may be empty; for the others it means "unchanged".
    changes = {k: v for k, v in changes.items() if v is not None or k in CLEARABLE_KEYS}
    services.document_update(actor=request.user, document=document, changes=changes, reason=reason)
    return selectors.document_get(actor=request.user, document_id=document_id)


@router.post("/{int:document_id}/versions", response={201: VersionOut, **ERRORS})
def add_version(
    request: HttpRequest, document_id: RowId, file: File[UploadedFile], reason: Form[Reason]
) -> Status[DocumentVersion]:
    """A new version (差替え); the earlier ones stay."""
    document = selectors.document_get(actor=request.user, document_id=document_id)
    upload_size_check(file, refusal="ファイルを保存できません。")
    version = services.version_add(
        actor=request.user, document=document, upload=file, reason=reason
    )
    return Status(201, version)


@router.get("/{int:document_id}/versions/{number}/file", response={200: None, **ERRORS})
def version_file(request: HttpRequest, document_id: RowId, number: RowId) -> HttpResponse:
    version = selectors.version_get(actor=request.user, document_id=document_id, number=number)
    return stored_file_response(version.stored_file, download=True)  # type: ignore[return-value]


class HoldIn(Schema):
    hold: bool
    reason: Reason


@router.post("/{int:document_id}/hold", response={200: DocumentOut, **ERRORS})
def hold(request: HttpRequest, document_id: RowId, payload: HoldIn) -> Document:
    """Set or lift a legal hold."""
    document = selectors.document_get(actor=request.user, document_id=document_id)
    return lifecycle.document_hold(
        actor=request.user, document=document, hold=payload.hold, reason=payload.reason
    )


class DocumentDisposeIn(Schema):
    reason: Reason


@router.post("/{int:document_id}/dispose", response={200: DocumentOut, **ERRORS})
def dispose(request: HttpRequest, document_id: RowId, payload: DocumentDisposeIn) -> Document:
    """廃棄 after the retention period (409 before `retain_until` or under legal hold)."""
    document = selectors.document_get(actor=request.user, document_id=document_id)
    return lifecycle.document_dispose(actor=request.user, document=document, reason=payload.reason)


router.add_router("", contract_router)
