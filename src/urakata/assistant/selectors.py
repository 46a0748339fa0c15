"""Assistant reads: retrieval (filtered to what the user may read before ranking), lists, usage."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Avg, Count, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.assistant import escalation
from urakata.assistant.bm25 import INDEX_CACHE, BM25Index, reciprocal_rank_fusion
from urakata.assistant.decision import CONFIDENCE_MODEL as CONFIDENCE_MODEL
from urakata.assistant.decision import answer_features, confidence_of
from urakata.assistant.directory import directory_masker
from urakata.assistant.models import (
    AICallLog,
    AssistantTask,
    Desk,
    Inquiry,
    KnowledgeChunk,
    KnowledgeIndexState,
    KnowledgeSource,
    MeetingSummary,
    ReviewItem,
)
from urakata.assistant.providers import Passage
from urakata.assistant.text import query_weights
from urakata.core.errors import NotFound
from urakata.core.permissions import can, require
from urakata.org.models import Department, Employee

# ---------------------------------------------------------------- retrieval


def index_version() -> str:
    """The knowledge index version and its token (one query)."""
    row = KnowledgeIndexState.objects.filter(pk=1).values_list("version", "token").first()
    return f"{row[0]}:{row[1]}" if row else "0:"


def _index_rows() -> Iterator[tuple[int, int, dict[str, int], int, list[float] | None]]:
    queryset = KnowledgeChunk.objects.filter(source__is_active=True).order_by("pk")
    yield from queryset.values_list(
        "pk", "source_id", "term_freqs", "length", "embedding"
    ).iterator(chunk_size=2000)


def knowledge_index() -> BM25Index:
    """The in-process BM25 index, rebuilt only when the stored version changed."""
    return INDEX_CACHE.get(index_version(), _index_rows)


@dataclass
class Hit:
    """A retrieved chunk with its score, ready for answers and the sources list."""

    chunk: KnowledgeChunk
    score: float

    @property
    def source(self) -> KnowledgeSource:
        return self.chunk.source

    @property
    def url(self) -> str:
        return source_url(self.chunk.source_id, self.chunk.ordinal)

    def passage(self) -> Passage:
        return Passage(
            title=self.chunk.source.title,
            heading=self.chunk.heading,
            text=self.chunk.text,
            url=self.url,
            score=self.score,
        )


def source_url(source_id: int, ordinal: int | None = None) -> str:
    url = reverse("assistant:source_detail", args=[source_id])
    return f"{url}#chunk-{ordinal}" if ordinal is not None else url


def allowed_source_ids(actor: Any) -> set[int]:
    """Ids of the active sources the actor may read (the filter applied before ranking)."""
    return set(
        KnowledgeSource.objects.visible_to(actor)
        .filter(is_active=True)
        .values_list("pk", flat=True)
    )


@dataclass
class Retrieval:
    """Ranked hits for a question, the evidence about the best one, and the calibrated decision."""

    hits: list[Hit]
    terms: list[str]
    features: dict[str, float]
    confidence: int

    @property
    def found(self) -> bool:
        return bool(self.hits) and self.confidence >= settings.URAKATA_AI_MIN_CONFIDENCE


def kb_retrieve(
    *, actor: Any, question: str, k: int = 5, query_vector: list[float] | None = None
) -> Retrieval:
    """Top-k chunks among those the actor may read, and whether the best one answers.

    BM25 over SudachiPy normalised forms plus synonym-group terms (`synonyms.txt`); with a query
    embedding, BM25 and vector rankings are fused by reciprocal-rank fusion. The decision uses
    the weighted coverage of the question's terms by the best chunk, by its heading (article
    title), the margin over the runner-up, the share of terms no document contains, and whether
    the top two agree on the document.
    """
    require(actor, "assistant.ask")
    weights = query_weights(without_personal_data(question))
    terms = list(weights)
    if not terms:
        return Retrieval([], [], {}, 0)
    index = knowledge_index()
    allowed = allowed_source_ids(actor)
    ranked = index.search(weights, allowed, k=max(k, 20))
    positions = [position for position, _score in ranked]
    scores = dict(ranked)
    if query_vector and index.embeddings:
        by_vector = index.vector_search(query_vector, allowed, k=max(k, 20))
        fused = reciprocal_rank_fusion([positions, [p for p, _s in by_vector]])
        positions = [p for p, _s in fused]
        scores = dict(fused)
    positions = positions[:k]
    if not positions:
        return Retrieval([], terms, {}, 0)
    chunk_ids = [index.chunk_ids[p] for p in positions]
    # A source's body can be a whole manual: never load it for a hit.
    chunks = (
        KnowledgeChunk.objects.select_related("source")
        .defer("source__body", "embedding")
        .in_bulk(chunk_ids)
    )
    hits = [
        Hit(chunks[index.chunk_ids[p]], scores[p])
        for p in positions
        if index.chunk_ids[p] in chunks
    ]
    features = answer_features(index, weights, hits)
    confidence = confidence_of(features) if hits else 0
    if features.get("topic_missing"):
        # The best article is about something else (「有給は何日前までに申請?」 → 育児休業's deadline):
        # it does not answer, however well the rest of the words match. Decline and escalate.
        confidence = min(confidence, settings.URAKATA_AI_MIN_CONFIDENCE - 1)
    return Retrieval(hits, terms, features, confidence)


def kb_search(
    *, actor: Any, question: str, k: int = 5, query_vector: list[float] | None = None
) -> tuple[list[Hit], int]:
    """Top-k chunks for the question among those the actor may read, and a confidence 0–100."""
    retrieval = kb_retrieve(actor=actor, question=question, k=k, query_vector=query_vector)
    return retrieval.hits, retrieval.confidence


def without_personal_data(text: str) -> str:
    """The text with personal data cut out: names and numbers are never useful search terms."""
    entities = directory_masker().find(text)
    if not entities:
        return text
    parts: list[str] = []
    cursor = 0
    for entity in entities:
        parts.append(text[cursor : entity.start])
        cursor = entity.end
    parts.append(text[cursor:])
    return " ".join(parts)


DESK_KEYWORDS: dict[str, tuple[str, ...]] = {
    Desk.ACCOUNTING: (
        "経費",
        "精算",
        "立替",
        "領収書",
        "請求書",
        "支払",
        "旅費",
        "日当",
        "交通費",
        "仮払",
        "インボイス",
        "振込",
        "予算",
        "会計",
        "経理",
    ),
    Desk.HR: (
        "休暇",
        "有給",
        "年休",
        "給与",
        "給料",
        "賞与",
        "勤怠",
        "残業",
        "評価",
        "人事",
        "育休",
        "産休",
        "介護",
        "社会保険",
        "年末調整",
        "扶養",
        "退職",
        "入社",
        "異動",
        "昇格",
        "研修",
    ),
}


def suggest_desk(question: str, hits: list[Hit]) -> str:
    """The desk that should answer: the best hit's owner, else by keywords, else 総務."""
    for hit in hits[:1]:
        if hit.source.desk:
            return hit.source.desk
    for desk, words in DESK_KEYWORDS.items():
        if any(word in question for word in words):
            return str(desk)
    return str(Desk.GENERAL_AFFAIRS)


# ---------------------------------------------------------------- knowledge sources


@dataclass
class SourceFilters:
    q: str = ""
    kind: str = ""


def source_list(*, actor: Any, filters: SourceFilters | None = None) -> QuerySet[KnowledgeSource]:
    """Sources the actor may read; knowledge managers see every source to maintain it."""
    require(actor, "assistant.ask")
    filters = filters or SourceFilters()
    if can(actor, "assistant.manage_knowledge"):
        queryset = KnowledgeSource.objects.all()
    else:
        queryset = KnowledgeSource.objects.visible_to(actor).filter(is_active=True)
    if filters.q:
        queryset = queryset.filter(Q(title__icontains=filters.q) | Q(question__icontains=filters.q))
    if filters.kind:
        queryset = queryset.filter(kind=filters.kind)
    return (
        queryset.prefetch_related("audiences")
        .annotate(chunk_count=Count("chunks"))
        .order_by("kind", "title", "pk")
    )


def source_get(*, actor: Any, source_id: int) -> KnowledgeSource:
    """One source with its chunks, or NotFound when the actor may not read it."""
    require(actor, "assistant.ask")
    if can(actor, "assistant.manage_knowledge"):
        queryset = KnowledgeSource.objects.all()
    else:
        queryset = KnowledgeSource.objects.visible_to(actor).filter(is_active=True)
    source = queryset.prefetch_related("chunks", "audiences").filter(pk=source_id).first()
    if source is None:
        raise NotFound(_("ナレッジが見つかりません。"))
    return source


# ---------------------------------------------------------------- inquiries, review, minutes, tasks


def inquiry_list(*, actor: Any, status: str = "", mine: bool = False) -> QuerySet[Inquiry]:
    """Inquiries the actor may see (own, own desk's, or all for ai_operator)."""
    require(actor, "assistant.ask")
    queryset = Inquiry.objects.visible_to(actor).select_related(
        "asked_by__employee", "answered_by__employee", "workflow_request"
    )
    if status:
        queryset = queryset.filter(status=status)
    if mine:
        queryset = queryset.filter(asked_by=actor)
    return queryset.order_by("-created_at", "-pk")


def inquiry_get(*, actor: Any, inquiry_id: int) -> Inquiry:
    inquiry = inquiry_list(actor=actor).filter(pk=inquiry_id).first()
    if inquiry is None:
        raise NotFound(_("問い合わせが見つかりません。"))
    return inquiry


def inquiry_can_answer(*, actor: Any, inquiry: Inquiry) -> bool:
    """May the actor answer (or correct the answer of) this inquiry now?"""
    if inquiry.status == Inquiry.Status.CLOSED:
        return False
    request = inquiry.workflow_request
    if inquiry.status == Inquiry.Status.OPEN and request is not None and request.is_open:
        return escalation.routed_can_answer(actor=actor, inquiry=inquiry)
    return can(actor, "assistant.answer_inquiries") and (
        inquiry.asked_by_id != actor.pk or getattr(actor, "is_superuser", False)
    )


def inquiry_can_close(*, actor: Any, inquiry: Inquiry) -> bool:
    """May the actor close this inquiry without an answer (desk: reject, asker: withdraw)?"""
    if inquiry.status != Inquiry.Status.OPEN:
        return False
    request = inquiry.workflow_request
    if request is not None and request.is_open:
        return escalation.routed_can_close(actor=actor, inquiry=inquiry)
    return inquiry.asked_by_id == actor.pk or can(actor, "assistant.answer_inquiries")


def review_list(*, actor: Any, status: str = ReviewItem.Status.PENDING) -> QuerySet[ReviewItem]:
    """The review queue (ai_operator)."""
    require(actor, "assistant.review")
    queryset = ReviewItem.objects.select_related("proposed_by", "decided_by", "target_source")
    if status:
        queryset = queryset.filter(status=status)
    return queryset.order_by("created_at", "pk")


def review_get(*, actor: Any, item_id: int) -> ReviewItem:
    item = review_list(actor=actor, status="").filter(pk=item_id).first()
    if item is None:
        raise NotFound(_("レビュー項目が見つかりません。"))
    return item


def summary_list(*, actor: Any) -> QuerySet[MeetingSummary]:
    require(actor, "assistant.summarize")
    return MeetingSummary.objects.visible_to(actor).select_related("created_by")


def summary_get(*, actor: Any, summary_id: int) -> MeetingSummary:
    summary = summary_list(actor=actor).filter(pk=summary_id).first()
    if summary is None:
        raise NotFound(_("議事録が見つかりません。"))
    return summary


def task_list(*, actor: Any, status: str = "") -> QuerySet[AssistantTask]:
    require(actor, "assistant.ask")
    queryset = AssistantTask.objects.visible_to(actor).select_related(
        "assignee", "summary", "created_by"
    )
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def task_get(*, actor: Any, task_id: int) -> AssistantTask:
    task = task_list(actor=actor).filter(pk=task_id).first()
    if task is None:
        raise NotFound(_("タスクが見つかりません。"))
    return task


# ---------------------------------------------------------------- usage (AI活用率)


@dataclass
class UsageRow:
    month: dt.date
    department: str
    calls: int
    users: int
    headcount: int

    @property
    def rate(self) -> int:
        """AI活用率: share of the department's active employees who used AI that month (%)."""
        return round(100 * self.users / self.headcount) if self.headcount else 0


def month_start(day: dt.date, months_back: int = 0) -> dt.date:
    """The first day of the month `months_back` months before `day`'s month."""
    index = day.year * 12 + day.month - 1 - months_back
    return dt.date(index // 12, index % 12 + 1, 1)


def usage_by_department(*, actor: Any, months: int = 6) -> list[UsageRow]:
    """AI calls and distinct users per department and month, with the usage rate (AI活用率)."""
    require(actor, "assistant.view_usage")
    first = month_start(timezone.localdate(), months - 1)
    rows = (
        AICallLog.objects.filter(created_at__date__gte=first)
        .annotate(month=TruncMonth("created_at"))
        .values("month", "department_id")
        .annotate(calls=Count("pk"), users=Count("user_id", distinct=True))
        .order_by("-month", "department_id")
    )
    departments = dict(Department.objects.values_list("pk", "name"))
    headcounts = dict(
        Employee.objects.filter(status=Employee.Status.ACTIVE)
        .values("department_id")
        .annotate(n=Count("pk"))
        .values_list("department_id", "n")
    )
    result: list[UsageRow] = []
    for row in rows:
        month = row["month"]
        if isinstance(month, dt.datetime):
            month = timezone.localtime(month).date() if timezone.is_aware(month) else month.date()
        dept_id = row["department_id"]
        result.append(
            UsageRow(
                month=month.replace(day=1),
                department=departments.get(dept_id, "(部署なし)"),
                calls=row["calls"],
                users=row["users"],
                headcount=headcounts.get(dept_id, 0),
            )
        )
    return result


def usage_by_feature(*, actor: Any) -> list[dict[str, Any]]:
    """Calls, fallbacks, masked entities and mean latency per feature and provider."""
    require(actor, "assistant.view_usage")
    rows = (
        AICallLog.objects.values("feature", "provider")
        .annotate(
            calls=Count("pk"),
            fallbacks=Count("pk", filter=Q(fallback=True)),
            failures=Count("pk", filter=Q(ok=False)),
            masked=Sum("masked_entities"),
            latency_ms=Avg("latency_ms"),
        )
        .order_by("feature", "provider")
    )
    return [dict(row) for row in rows]


def review_backlog(*, actor: Any) -> list[dict[str, Any]]:
    """Pending review items per kind with the oldest one's age in days."""
    require(actor, "assistant.view_usage")
    now = timezone.now()
    rows = (
        ReviewItem.objects.filter(status=ReviewItem.Status.PENDING)
        .values("kind")
        .annotate(count=Count("pk"), oldest=Min("created_at"))
        .order_by("kind")
    )
    labels = dict(ReviewItem.Kind.choices)
    return [
        {
            "kind": row["kind"],
            "label": str(labels.get(row["kind"], row["kind"])),
            "count": row["count"],
            "oldest_days": math.floor((now - row["oldest"]).total_seconds() / 86400),
        }
        for row in rows
    ]
