"""Document reads: the 電帳法 search (取引年月日・金額の範囲, 取引先, combined), full-text ranking,
detail with versions, and the tables of the CSV index and the tax-examination ZIP."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from urakata.core.errors import NotFound, ValidationFailed
from urakata.core.permissions import require
from urakata.core.schema_types import DATE_MAX, DATE_MIN, YEN_LIMIT
from urakata.documents import index
from urakata.documents.models import DocType, Document, DocumentVersion


@dataclass
class DocumentFilters:
    """A search: every condition given is combined with AND (電帳法 検索要件 イ・ロ・ハ)."""

    date_from: dt.date | None = None
    date_to: dt.date | None = None
    amount_min: int | None = None
    amount_max: int | None = None
    counterparty_id: int | None = None
    counterparty: str = ""  # part of the 取引先 name (or its code)
    doc_type: str = ""
    department_id: int | None = None
    no_department: bool = False  # the folder of documents without a 所管部署
    tag: str = ""
    q: str = ""  # full text (SudachiPy terms), ranked
    related_type: str = ""
    related_id: int | None = None
    errors: dict[str, list[str]] = field(default_factory=dict)

    def narrows(self) -> bool:
        """Whether a condition beyond the full text limits the documents."""
        plain = asdict(self)
        for name in ("q", "errors"):
            plain.pop(name)
        return any(value not in (None, "", False) for value in plain.values())

    def as_query(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("errors")
        return {k: (str(v) if isinstance(v, dt.date) else v) for k, v in data.items() if v}


def _date(raw: str, name: str, errors: dict[str, list[str]]) -> dt.date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = dt.date.fromisoformat(raw)
    except ValueError:
        errors[name] = [_("日付は YYYY-MM-DD で入力してください。")]
        return None
    if not DATE_MIN <= value <= DATE_MAX:
        errors[name] = [_("日付が範囲外です。")]
        return None
    return value


def _yen(raw: str, name: str, errors: dict[str, list[str]]) -> int | None:
    text = (raw or "").replace(",", "").replace("円", "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > YEN_LIMIT:
        errors[name] = [_("金額は0以上の整数で入力してください。")]
        return None
    return int(text)


def _id(raw: str) -> int | None:
    text = (raw or "").strip()
    return int(text) if text.isdigit() and 0 < int(text) < 2**63 else None


def document_filters(data: Mapping[str, Any]) -> DocumentFilters:
    """Filters from a query string (page, CLI or API); bad values are reported, not raised."""
    errors: dict[str, list[str]] = {}
    get = lambda key: str(data.get(key) or "")  # noqa: E731
    filters = DocumentFilters(
        date_from=_date(get("date_from"), "date_from", errors),
        date_to=_date(get("date_to"), "date_to", errors),
        amount_min=_yen(get("amount_min"), "amount_min", errors),
        amount_max=_yen(get("amount_max"), "amount_max", errors),
        counterparty_id=_id(get("counterparty_id")),
        counterparty=get("counterparty").strip()[:100],
        doc_type=get("doc_type") if get("doc_type") in DocType.values else "",
        department_id=_id(get("department_id")),
        no_department=get("department_id") == "none",
        tag=get("tag").strip()[:40],
        q=get("q").strip()[:200],
        related_type=get("related_type").strip()[:40],
        related_id=_id(get("related_id")),
    )
    filters.errors = errors
    return filters


def apply_filters(queryset: QuerySet[Document], filters: DocumentFilters) -> QuerySet[Document]:
    """The plain conditions (everything but the full-text query)."""
    if filters.date_from:
        queryset = queryset.filter(transaction_date__gte=filters.date_from)
    if filters.date_to:
        queryset = queryset.filter(transaction_date__lte=filters.date_to)
    if filters.amount_min is not None:
        queryset = queryset.filter(amount__gte=filters.amount_min)
    if filters.amount_max is not None:
        queryset = queryset.filter(amount__lte=filters.amount_max)
    if filters.counterparty_id:
        queryset = queryset.filter(counterparty_id=filters.counterparty_id)
    if filters.counterparty:
        queryset = queryset.filter(
            Q(counterparty__name__icontains=filters.counterparty)
            | Q(counterparty__name_kana__icontains=filters.counterparty)
            | Q(counterparty__code=filters.counterparty)
        )
    if filters.doc_type:
        queryset = queryset.filter(doc_type=filters.doc_type)
    if filters.department_id:
        queryset = queryset.filter(department_id=filters.department_id)
    if filters.no_department:
        queryset = queryset.filter(department__isnull=True)
    if filters.tag:
        queryset = queryset.filter(tags__name=filters.tag)
    if filters.related_type:
        queryset = queryset.filter(related_type=filters.related_type)
    if filters.related_id:
        queryset = queryset.filter(related_id=filters.related_id)
    return queryset


def _with_relations(queryset: QuerySet[Document]) -> QuerySet[Document]:
    return queryset.select_related("counterparty", "department", "created_by").prefetch_related(
        "tags"
    )


@dataclass(frozen=True)
class SearchResult:
    """Documents in order (ranked when there is a full-text query) and their snippets."""

    documents: list[Document]
    count: int
    snippets: dict[int, SafeString]
    scores: dict[int, float]


def document_search(
    *, actor: Any, filters: DocumentFilters, offset: int = 0, limit: int = 50
) -> SearchResult:
    """One page of the search, scoped to what the actor may see."""
    require(actor, "documents.view")
    if filters.errors:
        raise ValidationFailed(_("検索条件に誤りがあります。"), errors=filters.errors)
    queryset = apply_filters(Document.objects.visible_to(actor), filters).distinct()
    if not filters.q:
        count = queryset.count()
        documents = list(_with_relations(queryset)[offset : offset + limit])
        return SearchResult(documents, count, {}, {})
    page, count = index.rank(
        filters.q, queryset, offset=offset, limit=limit, narrow=filters.narrows()
    )
    by_id = {
        d.pk: d
        for d in _with_relations(Document.objects.filter(pk__in=[h.document_id for h in page]))
    }
    documents = [by_id[h.document_id] for h in page if h.document_id in by_id]
    words = index.snippet_words(filters.q)
    snippets = {d.pk: index.snippet(d.body_text, filters.q, words) for d in documents}
    return SearchResult(documents, count, snippets, {h.document_id: h.score for h in page})


def document_list(*, actor: Any, filters: DocumentFilters) -> QuerySet[Document]:
    """Every matching document, unranked (for exports): ordered by 取引年月日 and id."""
    require(actor, "documents.view")
    if filters.errors:
        raise ValidationFailed(_("検索条件に誤りがあります。"), errors=filters.errors)
    queryset = apply_filters(Document.objects.visible_to(actor), filters).distinct()
    if filters.q:
        hits, _count = index.rank(filters.q, queryset, limit=100_000)
        ids = [h.document_id for h in hits]
        queryset = Document.objects.filter(pk__in=ids)
    return _with_relations(queryset).order_by("transaction_date", "pk")


def document_get(*, actor: Any, document_id: int) -> Document:
    """One document with its versions, if the actor may see it (else NotFound)."""
    require(actor, "documents.view")
    versions = Prefetch(
        "versions",
        queryset=DocumentVersion.objects.select_related("stored_file", "created_by").order_by(
            "-number"
        ),
    )
    document = (
        _with_relations(Document.objects.visible_to(actor))
        .prefetch_related(versions)
        .filter(pk=document_id)
        .first()
    )
    if document is None:
        raise NotFound(_("文書が見つかりません。"))
    return document


def version_get(*, actor: Any, document_id: int, number: int) -> DocumentVersion:
    """One version of a visible document."""
    document = document_get(actor=actor, document_id=document_id)
    version = next((v for v in document.versions.all() if v.number == number), None)
    if version is None:
        raise NotFound(_("版が見つかりません。"))
    return version


def document_history(*, actor: Any, document: Document) -> list[Any]:
    """The audit events of a document and its versions (訂正削除履歴), oldest first."""
    from urakata.core.models import AuditEvent

    version_ids = [str(v.pk) for v in document.versions.all()]
    return list(
        AuditEvent.objects.filter(
            Q(target_type="documents.document", target_id=str(document.pk))
            | Q(target_type="documents.documentversion", target_id__in=version_ids)
        ).order_by("seq")
    )


INDEX_HEADER = [
    "文書番号",
    "取引年月日",
    "取引金額",
    "取引先",
    "登録番号",
    "書類区分",
    "保存区分",
    "件名",
    "所管部署",
    "版",
    "ファイル",
    "SHA-256",
    "保存期限",
    "登録日時",
]


def index_row(document: Document, version: DocumentVersion | None, path: str = "") -> list[Any]:
    """One line of the 索引簿 (CSV index)."""
    return [
        document.pk,
        document.transaction_date.isoformat() if document.transaction_date else "",
        document.amount if document.amount is not None else "",
        document.counterparty.name if document.counterparty else "",
        document.registration_number,
        document.get_doc_type_display(),
        document.get_capture_display(),
        document.title,
        document.department.name if document.department else "",
        version.number if version else "",
        path or (version.stored_file.name if version else ""),
        version.sha256 if version else "",
        document.retain_until.isoformat() if document.retain_until else "",
        document.created_at.isoformat(timespec="seconds"),
    ]


def latest_versions(documents: list[Document]) -> dict[int, DocumentVersion]:
    """The current (highest-numbered) version of each document, in one query."""
    latest: dict[int, DocumentVersion] = {}
    for version in DocumentVersion.objects.filter(
        document_id__in=[d.pk for d in documents]
    ).select_related("stored_file"):
        current = latest.get(version.document_id)
        if current is None or version.number > current.number:
            latest[version.document_id] = version
    return latest
