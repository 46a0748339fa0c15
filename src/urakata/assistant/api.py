"""Assistant REST endpoints under /api/v1/assistant: ask, knowledge, inquiries, review, minutes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from urakata.assistant import selectors, services
from urakata.assistant.api_accounting import router as accounting_router
from urakata.assistant.directory import directory_masker
from urakata.assistant.models import (
    AssistantTask,
    Inquiry,
    KnowledgeSource,
    MeetingSummary,
    ReviewItem,
)
from urakata.core.api import API_ERRORS, PageMeta, paginate
from urakata.core.errors import ValidationFailed
from urakata.core.files import upload_size_check
from urakata.core.permissions import require
from urakata.core.schema_types import BusinessDate, LongText, PageNumber, PageSize

router = Router(tags=["assistant"])
router.add_router("", accounting_router)
ERRORS = API_ERRORS


class AskIn(Schema):
    question: Annotated[str, Field(max_length=services.MAX_QUESTION_CHARS)]


class SourceRef(Schema):
    title: str
    heading: str
    label: str = ""
    url: str
    excerpt: str
    score: float


class AskOut(Schema):
    answer: str
    confidence: int
    found: bool
    cited: SourceRef | None = None
    sources: list[SourceRef]
    desk: str
    note: str
    provider: str


@router.post("/ask", response={200: AskOut, **ERRORS})
def ask(request: HttpRequest, payload: AskIn) -> dict[str, Any]:
    return services.assistant_ask(actor=request.user, question=payload.question).as_dict()


# Masking is linear in the text; the limit keeps one call around a second on a small server.
MASK_MAX_CHARS = 50_000
MINUTES_MAX_CHARS = 60_000


class MaskIn(Schema):
    text: Annotated[str, Field(max_length=MASK_MAX_CHARS)]


class EntityOut(Schema):
    type: str
    start: int
    end: int
    text: str


class MaskOut(Schema):
    masked: str
    entities: list[EntityOut]


@router.post("/mask", response={200: MaskOut, **ERRORS})
def mask(request: HttpRequest, payload: MaskIn) -> dict[str, Any]:
    require(request.user, "assistant.ask")
    return directory_masker().mask(payload.text).as_dict()


# ---------------------------------------------------------------- knowledge sources


class SourceOut(Schema):
    id: int
    slug: str
    title: str
    kind: str
    question: str
    desk: str
    audience: str
    is_active: bool
    chunk_count: int = 0


class ChunkOut(Schema):
    ordinal: int
    heading: str
    text: str


class SourceDetailOut(SourceOut):
    body: str
    chunks: list[ChunkOut]

    @staticmethod
    def resolve_chunks(obj: KnowledgeSource) -> list[Any]:
        return list(obj.chunks.all())


class SourcePage(Schema):
    meta: PageMeta
    items: list[SourceOut]


# Bounds of the knowledge-source columns (a policy page may be long; a request stays bounded).
SOURCE_BODY_MAX = 200_000
SourceTitle = Annotated[str, Field(max_length=200)]
SourceQuestion = Annotated[str, Field(max_length=500)]
SourceBody = Annotated[str, Field(max_length=SOURCE_BODY_MAX)]
SourceDesk = Annotated[str, Field(max_length=20)]
SourceAudience = Annotated[str, Field(max_length=12)]


class SourceIn(Schema):
    kind: Annotated[str, Field(max_length=10)]
    title: SourceTitle = ""
    question: SourceQuestion = ""
    body: SourceBody
    desk: SourceDesk = ""
    slug: Annotated[str, Field(max_length=80)] = ""
    audience: SourceAudience = "all"


class SourcePatch(Schema):
    title: SourceTitle | None = None
    question: SourceQuestion | None = None
    body: SourceBody | None = None
    desk: SourceDesk | None = None
    audience: SourceAudience | None = None
    is_active: bool | None = None


@router.get("/sources", response={200: SourcePage, **ERRORS})
def list_sources(
    request: HttpRequest,
    q: str = "",
    kind: str = "",
    page: PageNumber = 1,
    page_size: PageSize = 50,
) -> dict[str, Any]:
    queryset = selectors.source_list(
        actor=request.user, filters=selectors.SourceFilters(q=q, kind=kind)
    )
    items, meta = paginate(queryset, page=page, page_size=page_size)
    return {"meta": meta, "items": items}


@router.get("/sources/{source_id}", response={200: SourceDetailOut, **ERRORS})
def get_source(request: HttpRequest, source_id: int) -> KnowledgeSource:
    return selectors.source_get(actor=request.user, source_id=source_id)


@router.post("/sources", response={201: SourceOut, **ERRORS})
def create_source(request: HttpRequest, payload: SourceIn) -> Status[KnowledgeSource]:
    require(request.user, "assistant.manage_knowledge")
    if payload.kind not in (KnowledgeSource.Kind.FAQ, KnowledgeSource.Kind.POLICY):
        raise ValidationFailed(
            _("種類が不正です。"), errors={"kind": [_("faq または policy を指定してください。")]}
        )
    source = services.knowledge_source_create(actor=request.user, data=payload.model_dump())
    return Status(201, source)


@router.post("/uploads", response={201: SourceOut, **ERRORS})
def upload_source(
    request: HttpRequest,
    file: File[UploadedFile],
    audience: Form[str] = "all",
    desk: Form[str] = "",
    title: Form[str] = "",
) -> Status[KnowledgeSource]:
    require(request.user, "assistant.manage_knowledge")
    upload_size_check(file, refusal=_("ファイルを取り込めません。"))
    source = services.knowledge_file_ingest(
        actor=request.user,
        name=file.name or "",
        data=file.read(),
        audience=audience,
        desk=desk,
        title=title,
    )
    return Status(201, source)


@router.patch("/sources/{source_id}", response={200: SourceOut, **ERRORS})
def update_source(request: HttpRequest, source_id: int, payload: SourcePatch) -> KnowledgeSource:
    require(request.user, "assistant.manage_knowledge")
    source = selectors.source_get(actor=request.user, source_id=source_id)
    return services.knowledge_source_update(
        actor=request.user, source=source, data=payload.model_dump(exclude_unset=True)
    )


# ---------------------------------------------------------------- inquiries


class InquiryIn(Schema):
    question: Annotated[str, Field(max_length=2000)]
    desk: Annotated[str, Field(max_length=20)] = ""
    confidence: Annotated[int, Field(ge=0, le=100)] = 0


class InquiryOut(Schema):
    id: int
    question: str
    desk: str
    status: str
    answer: str
    asked_by_id: int
    answered_by_id: int | None
    answered_at: dt.datetime | None
    closed_at: dt.datetime | None
    close_note: str
    workflow_request_id: int | None
    workflow_status: str | None
    created_at: dt.datetime

    @staticmethod
    def resolve_workflow_status(obj: Inquiry) -> str | None:
        return obj.workflow_request.status if obj.workflow_request is not None else None


class InquiryPage(Schema):
    meta: PageMeta
    items: list[InquiryOut]


class AnswerIn(Schema):
    answer: LongText
    propose_faq: bool = True


class CloseIn(Schema):
    reason: Annotated[str, Field(max_length=2000)] = ""


@router.get("/inquiries", response={200: InquiryPage, **ERRORS})
def list_inquiries(
    request: HttpRequest, status: str = "", page: PageNumber = 1, page_size: PageSize = 50
) -> dict[str, Any]:
    items, meta = paginate(
        selectors.inquiry_list(actor=request.user, status=status), page=page, page_size=page_size
    )
    return {"meta": meta, "items": items}


@router.post("/inquiries", response={201: InquiryOut, **ERRORS})
def create_inquiry(request: HttpRequest, payload: InquiryIn) -> Status[Inquiry]:
    return Status(201, services.inquiry_create(actor=request.user, **payload.model_dump()))


@router.get("/inquiries/{inquiry_id}", response={200: InquiryOut, **ERRORS})
def get_inquiry(request: HttpRequest, inquiry_id: int) -> Inquiry:
    return selectors.inquiry_get(actor=request.user, inquiry_id=inquiry_id)


@router.post("/inquiries/{inquiry_id}/answer", response={200: InquiryOut, **ERRORS})
def answer_inquiry(request: HttpRequest, inquiry_id: int, payload: AnswerIn) -> Inquiry:
    """Answer: approves the inquiry's workflow request (who may is the service's rule)."""
    inquiry = selectors.inquiry_get(actor=request.user, inquiry_id=inquiry_id)
    return services.inquiry_answer(
        actor=request.user,
        inquiry=inquiry,
        answer=payload.answer,
        propose_faq=payload.propose_faq,
    )


@router.post("/inquiries/{inquiry_id}/close", response={200: InquiryOut, **ERRORS})
def close_inquiry(request: HttpRequest, inquiry_id: int, payload: CloseIn) -> Inquiry:
    """Close without an answer: the desk rejects the request (reason required), the asker
    withdraws it."""
    inquiry = selectors.inquiry_get(actor=request.user, inquiry_id=inquiry_id)
    return services.inquiry_close(actor=request.user, inquiry=inquiry, reason=payload.reason)


# ---------------------------------------------------------------- review queue


class ReviewOut(Schema):
    id: int
    kind: str
    status: str
    title: str
    question: str
    body: str
    desk: str
    inquiry_id: int | None
    result_source_id: int | None
    created_at: dt.datetime


class ReviewPage(Schema):
    meta: PageMeta
    items: list[ReviewOut]


class ApproveIn(Schema):
    title: SourceTitle | None = None
    question: SourceQuestion | None = None
    body: SourceBody | None = None


class RejectIn(Schema):
    note: Annotated[str, Field(max_length=2000)] = ""


@router.get("/review", response={200: ReviewPage, **ERRORS})
def list_review(
    request: HttpRequest, status: str = "pending", page: PageNumber = 1, page_size: PageSize = 50
) -> dict[str, Any]:
    items, meta = paginate(
        selectors.review_list(actor=request.user, status=status), page=page, page_size=page_size
    )
    return {"meta": meta, "items": items}


@router.post("/review/{item_id}/approve", response={200: ReviewOut, **ERRORS})
def approve_review(request: HttpRequest, item_id: int, payload: ApproveIn) -> ReviewItem:
    item = selectors.review_get(actor=request.user, item_id=item_id)
    return services.review_approve(actor=request.user, item=item, **payload.model_dump())


@router.post("/review/{item_id}/reject", response={200: ReviewOut, **ERRORS})
def reject_review(request: HttpRequest, item_id: int, payload: RejectIn) -> ReviewItem:
    item = selectors.review_get(actor=request.user, item_id=item_id)
    return services.review_reject(actor=request.user, item=item, note=payload.note)


# ---------------------------------------------------------------- minutes and tasks


class MinutesIn(Schema):
    title: Annotated[str, Field(max_length=200)]
    meeting_date: BusinessDate
    transcript: Annotated[str, Field(max_length=MINUTES_MAX_CHARS)]
    file_name: Annotated[str, Field(max_length=200)] = ""


class OwnerCandidateOut(Schema):
    id: int
    name: str


class ActionItemOut(Schema):
    text: str
    owner: str | None
    owner_id: int | None = None
    # Two or more employees share the family name said: the owner is to be confirmed.
    owner_candidates: list[OwnerCandidateOut] = []
    due: str | None


class MinutesOut(Schema):
    id: int
    title: str
    meeting_date: dt.date
    summary: str
    decisions: list[str]
    action_items: list[ActionItemOut]
    provider: str


class TasksIn(Schema):
    indexes: (
        Annotated[list[Annotated[int, Field(ge=0, le=10_000)]], Field(max_length=1000)] | None
    ) = None


class TaskOut(Schema):
    id: int
    title: str
    assignee_id: int | None
    due: dt.date | None
    status: str
    summary_id: int | None


@router.get("/minutes", response={200: list[MinutesOut], **ERRORS})
def list_minutes(request: HttpRequest) -> list[MeetingSummary]:
    return list(selectors.summary_list(actor=request.user)[:100])


@router.post("/minutes", response={201: MinutesOut, **ERRORS})
def create_minutes(request: HttpRequest, payload: MinutesIn) -> Status[MeetingSummary]:
    return Status(
        201,
        services.meeting_summary_create(
            actor=request.user,
            title=payload.title,
            meeting_date=payload.meeting_date,
            transcript=payload.transcript,
            name=payload.file_name,
        ),
    )


@router.post("/minutes/{summary_id}/tasks", response={201: list[TaskOut], **ERRORS})
def create_tasks(
    request: HttpRequest, summary_id: int, payload: TasksIn
) -> Status[list[AssistantTask]]:
    summary = selectors.summary_get(actor=request.user, summary_id=summary_id)
    return Status(
        201,
        services.tasks_from_action_items(
            actor=request.user, summary=summary, indexes=payload.indexes
        ),
    )


@router.post("/minutes/{summary_id}/share", response={201: ReviewOut, **ERRORS})
def share_minutes(request: HttpRequest, summary_id: int) -> Status[ReviewItem]:
    summary = selectors.summary_get(actor=request.user, summary_id=summary_id)
    return Status(201, services.minutes_propose_share(actor=request.user, summary=summary))


@router.get("/tasks", response={200: list[TaskOut], **ERRORS})
def list_tasks(request: HttpRequest, status: str = "") -> list[AssistantTask]:
    return list(selectors.task_list(actor=request.user, status=status)[:200])


@router.post("/tasks/{task_id}/done", response={200: TaskOut, **ERRORS})
def complete_task(request: HttpRequest, task_id: int) -> AssistantTask:
    task = selectors.task_get(actor=request.user, task_id=task_id)
    return services.task_complete(actor=request.user, task=task)


# ---------------------------------------------------------------- usage


class UsageRowOut(Schema):
    month: dt.date
    department: str
    calls: int
    users: int
    headcount: int
    rate: int


class BacklogOut(Schema):
    kind: str
    label: str
    count: int
    oldest_days: int


class UsageOut(Schema):
    by_department: list[UsageRowOut]
    review_backlog: list[BacklogOut]


@router.get("/usage", response={200: UsageOut, **ERRORS})
def usage(request: HttpRequest, months: int = 6) -> dict[str, Any]:
    return {
        "by_department": selectors.usage_by_department(
            actor=request.user, months=max(1, min(months, 24))
        ),
        "review_backlog": selectors.review_backlog(actor=request.user),
    }
