"""Assistant writes: asking (logged AI calls), inquiries, the review queue.

Knowledge-base writes live in `knowledge.py`, minutes and tasks in `minutes.py`, the AI call
gateway in `calls.py`; they are re-exported here so callers have one entry point.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.assistant import escalation, selectors
from urakata.assistant.accounting import description_suggest as description_suggest
from urakata.assistant.accounting import monthly_report_generate as monthly_report_generate
from urakata.assistant.accounting import monthly_report_share
from urakata.assistant.calls import ai_call_log_record as ai_call_log_record
from urakata.assistant.calls import ai_run as ai_run
from urakata.assistant.escalation import inquiry_routes_ensure as inquiry_routes_ensure
from urakata.assistant.health import provider_health
from urakata.assistant.knowledge import embeddings_enabled as embeddings_enabled
from urakata.assistant.knowledge import knowledge_file_ingest as knowledge_file_ingest
from urakata.assistant.knowledge import knowledge_reindex as knowledge_reindex
from urakata.assistant.knowledge import knowledge_source_create as knowledge_source_create
from urakata.assistant.knowledge import knowledge_source_embed as knowledge_source_embed
from urakata.assistant.knowledge import knowledge_source_update as knowledge_source_update
from urakata.assistant.knowledge import parse_audience as parse_audience
from urakata.assistant.minutes import meeting_summary_create as meeting_summary_create
from urakata.assistant.minutes import minutes_generate as minutes_generate
from urakata.assistant.minutes import task_complete as task_complete
from urakata.assistant.minutes import tasks_from_action_items as tasks_from_action_items
from urakata.assistant.models import (
    Desk,
    Inquiry,
    KnowledgeSource,
    MeetingSummary,
    ReviewItem,
)
from urakata.assistant.providers import (
    Completion,
    Provider,
    get_provider,
)
from urakata.assistant.providers.openai import NO_ANSWER
from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, NotFound, ValidationFailed
from urakata.core.permissions import require

Errors = dict[str, list[str]]

# ---------------------------------------------------------------- asking


@dataclass
class AskResult:
    """The answer shown to the user, its confidence and the sources it quotes."""

    question: str
    answer: str
    confidence: int
    found: bool
    sources: list[dict[str, Any]] = field(default_factory=list)
    desk: str = ""
    note: str = ""
    provider: str = "local"
    cited: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "confidence": self.confidence,
            "found": self.found,
            "cited": self.cited,
            "sources": self.sources,
            "desk": self.desk,
            "note": self.note,
            "provider": self.provider,
        }


def _query_vector(actor: Any, question: str, provider: Provider) -> list[float] | None:
    """The question's embedding when embeddings are configured (the call is logged)."""
    if not embeddings_enabled() or provider.name == "local":
        return None
    holder: dict[str, list[float] | None] = {}

    def call(p: Provider) -> Completion:
        if p.name == "local":
            holder["vector"] = None
            return Completion(text="", provider="local", model="none", note="no embeddings")
        vectors = p.embed([question])
        holder["vector"] = vectors[0] if vectors else None
        return Completion(
            text="",
            provider=p.name,
            model=settings.URAKATA_AI_EMBEDDING_MODEL,
            masked_entities=getattr(p, "last_masked", 0),
        )

    ai_run(user=actor, feature="embed_query", call=call, provider=provider)
    return holder.get("vector")


def not_found_text() -> str:
    """The "not found" answer, in the user's language."""
    return _("該当する情報がナレッジに見つかりませんでした。担当部署へ問い合わせできます。")


MAX_QUESTION_CHARS = 1000


def _question_clean(question: str) -> str:
    question = (question or "").strip()
    if not question:
        raise ValidationFailed(
            _("質問を入力してください。"), errors={"question": [_("必須です。")]}
        )
    if len(question) > MAX_QUESTION_CHARS:
        raise ValidationFailed(
            _("質問が長すぎます。"),
            errors={
                "question": [
                    _("%(limit)s文字以内で入力してください(現在 %(length)s 文字)。")
                    % {"limit": MAX_QUESTION_CHARS, "length": len(question)}
                ]
            },
        )
    return question


def _source_row(hit: selectors.Hit) -> dict[str, Any]:
    return {
        "title": hit.source.title,
        "heading": hit.chunk.heading,
        "label": hit.passage().label,
        "url": hit.url,
        "excerpt": hit.chunk.text[:160],
        "score": round(hit.score, 3),
    }


def assistant_ask(*, actor: Any, question: str, provider: Provider | None = None) -> AskResult:
    """Answer from one article the actor may read, or say "not found" (calibrated decision)."""
    require(actor, "assistant.ask")
    question = _question_clean(question)
    provider = provider or get_provider()
    started = time.perf_counter()
    retrieval = selectors.kb_retrieve(
        actor=actor, question=question, k=5, query_vector=_query_vector(actor, question, provider)
    )
    hits, confidence = retrieval.hits, retrieval.confidence
    sources = [_source_row(hit) for hit in hits[:3]]
    desk = selectors.suggest_desk(question, hits)
    if not retrieval.found:
        ai_call_log_record(
            user=actor,
            feature="kb_ask",
            completion=Completion(text="", provider="local", model="bm25", note="not found"),
            latency_ms=round((time.perf_counter() - started) * 1000),
        )
        return AskResult(question, not_found_text(), confidence, False, sources, desk)
    # One article answers: the best one. The provider sees only it (its neighbours in the same
    # article, when the article was split into several chunks, come along).
    best = hits[0]
    passages = [best.passage()] + [
        hit.passage()
        for hit in hits[1:]
        if hit.chunk.source_id == best.chunk.source_id and hit.chunk.heading == best.chunk.heading
    ]
    completion = ai_run(
        user=actor,
        feature="kb_ask",
        provider=provider,
        call=lambda p: p.answer(question=question, passages=passages),
        started=started,
    )
    if NO_ANSWER in completion.text:
        # The model read the passages and says they do not answer: that is a "not found" too.
        return AskResult(
            question,
            not_found_text(),
            confidence,
            False,
            sources,
            desk,
            completion.note,
            completion.provider,
        )
    return AskResult(
        question,
        completion.text,
        confidence,
        True,
        sources,
        desk,
        completion.note,
        completion.provider,
        cited=_source_row(best),
    )


# ---------------------------------------------------------------- inquiries (escalation)


def inquiry_create(
    *,
    actor: Any,
    question: str,
    desk: str = "",
    confidence: int = 0,
    now: dt.datetime | None = None,
) -> Inquiry:
    """Escalate a question to the owning desk (総務 / 人事 / 経理) as a workflow request."""
    require(actor, "assistant.ask")
    errors: Errors = {}
    question = (question or "").strip()
    if not question:
        errors["question"] = [_("質問を入力してください。")]
    if desk and desk not in Desk.values:
        errors["desk"] = [_("窓口は general_affairs / hr / accounting のいずれかです。")]
    if errors:
        raise ValidationFailed(_("問い合わせを登録できません。"), errors=errors)
    desk = desk or selectors.suggest_desk(question, [])
    now = now or timezone.now()
    with transaction.atomic():
        inquiry = Inquiry.objects.create(
            asked_by=actor,
            question=question[:4000],
            desk=desk,
            confidence=max(0, min(100, int(confidence))),
            created_at=now,
        )
        audit_record(
            actor=actor,
            action="assistant.inquiry.create",
            target=inquiry,
            changes={"desk": desk, "confidence": inquiry.confidence},
        )
        escalation.inquiry_submit(actor=actor, inquiry=inquiry, now=now)
    return inquiry


def _fresh(actor: Any, inquiry: Inquiry) -> Inquiry:
    fresh = (
        Inquiry.objects.visible_to(actor)
        .select_related("workflow_request")
        .filter(pk=inquiry.pk)
        .first()
    )
    if fresh is None:
        raise NotFound(_("問い合わせが見つかりません。"))
    return fresh


def inquiry_answer(
    *,
    actor: Any,
    inquiry: Inquiry,
    answer: str,
    propose_faq: bool = True,
    now: dt.datetime | None = None,
) -> Inquiry:
    """Answer an inquiry; the Q&A is proposed as a new FAQ entry into the review queue.

    While its workflow request waits, answering approves it (whoever it waits for, or an
    administrator as proxy). Afterwards, and for inquiries from before the workflow, desk staff
    may correct the answer.
    """
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed(_("回答を入力してください。"), errors={"answer": [_("必須です。")]})
    inquiry = _fresh(actor, inquiry)
    request = inquiry.workflow_request
    if inquiry.status == Inquiry.Status.OPEN and request is not None:
        if request.status == escalation.RETURNED:
            raise Conflict(_("質問者に差し戻し中です。再申請を待ってから回答してください。"))
        if request.status == escalation.IN_PROGRESS:
            escalation.routed_answer(
                actor=actor, inquiry=inquiry, answer=answer, propose_faq=propose_faq, now=now
            )
            inquiry.refresh_from_db()
            return inquiry
    require(actor, "assistant.answer_inquiries")
    with transaction.atomic():
        inquiry = Inquiry.objects.select_for_update(of=("self",)).get(pk=inquiry.pk)
        if inquiry.status == Inquiry.Status.CLOSED:
            raise Conflict(_("終了した問い合わせには回答できません。"))
        if inquiry.asked_by_id == actor.pk and not getattr(actor, "is_superuser", False):
            raise Conflict(_("自分の問い合わせには回答できません。"))
        escalation.record_answer(
            inquiry=inquiry,
            answer=answer,
            by=actor,
            at=now or timezone.now(),
            propose_faq=propose_faq,
        )
    return inquiry


def inquiry_close(
    *, actor: Any, inquiry: Inquiry, reason: str = "", now: dt.datetime | None = None
) -> Inquiry:
    """Close an open inquiry without an answer: the desk rejects it (reason required), the asker
    withdraws it."""
    reason = (reason or "").strip()
    inquiry = _fresh(actor, inquiry)
    if inquiry.status != Inquiry.Status.OPEN:
        raise Conflict(_("回答済み・終了済みの問い合わせは終了できません。"))
    request = inquiry.workflow_request
    if request is not None and request.status in (escalation.IN_PROGRESS, escalation.RETURNED):
        escalation.routed_close(actor=actor, inquiry=inquiry, reason=reason, now=now)
        inquiry.refresh_from_db()
        return inquiry
    if inquiry.asked_by_id != actor.pk:
        require(actor, "assistant.answer_inquiries")
        if not reason:
            raise ValidationFailed(
                _("理由を入力してください。"),
                errors={"reason": [_("回答せずに終了する理由を入力してください。")]},
            )
    with transaction.atomic():
        inquiry = Inquiry.objects.select_for_update(of=("self",)).get(pk=inquiry.pk)
        if inquiry.status != Inquiry.Status.OPEN:
            raise Conflict(_("回答済み・終了済みの問い合わせは終了できません。"))
        escalation.record_close(inquiry=inquiry, note=reason, by=actor, at=now or timezone.now())
    return inquiry


# ---------------------------------------------------------------- review queue


def review_propose(
    *,
    actor: Any,
    kind: str,
    title: str,
    body: str,
    question: str = "",
    desk: str = "",
    target_source: KnowledgeSource | None = None,
    summary: MeetingSummary | None = None,
) -> ReviewItem:
    """Put AI output or a proposed edit into the review queue."""
    errors: Errors = {}
    if kind not in ReviewItem.Kind.values:
        errors["kind"] = [_("種類が不正です。")]
    if not (title or "").strip():
        errors["title"] = [_("必須です。")]
    if not (body or "").strip():
        errors["body"] = [_("必須です。")]
    if kind == ReviewItem.Kind.SOURCE_UPDATE and target_source is None:
        errors["target_source"] = [_("更新するナレッジを指定してください。")]
    if errors:
        raise ValidationFailed(_("レビューに登録できません。"), errors=errors)
    with transaction.atomic():
        item = ReviewItem.objects.create(
            kind=kind,
            title=title.strip()[:200],
            question=(question or "")[:500],
            body=body.strip(),
            desk=desk,
            target_source=target_source,
            summary=summary,
            proposed_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(
            actor=actor, action="assistant.review.propose", target=item, changes={"kind": kind}
        )
    return item


def review_approve(
    *,
    actor: Any,
    item: ReviewItem,
    title: str | None = None,
    question: str | None = None,
    body: str | None = None,
) -> ReviewItem:
    """An ai_operator approves (optionally edited): the item becomes or updates knowledge."""
    require(actor, "assistant.review")
    with transaction.atomic():
        item = ReviewItem.objects.select_for_update().get(pk=item.pk)
        if item.status != ReviewItem.Status.PENDING:
            raise Conflict(_("このレビュー項目は既に処理されています。"))
        edited = {
            k: v
            for k, v in (("title", title), ("question", question), ("body", body))
            if v is not None and v.strip() and v.strip() != getattr(item, k)
        }
        for name, value in edited.items():
            setattr(item, name, value.strip())
        source: KnowledgeSource | None = None
        if item.kind == ReviewItem.Kind.MONTHLY_REPORT:
            monthly_report_share(item)  # shared as itself, not as knowledge
        elif item.kind == ReviewItem.Kind.SOURCE_UPDATE and item.target_source is not None:
            source = knowledge_source_update(
                actor=actor, source=item.target_source, data={"body": item.body}
            )
        else:
            kind = (
                KnowledgeSource.Kind.FAQ
                if item.kind == ReviewItem.Kind.FAQ
                else KnowledgeSource.Kind.MINUTES
            )
            source = knowledge_source_create(
                actor=actor,
                data={
                    "kind": kind,
                    "title": item.title,
                    "question": item.question or item.title,
                    "body": item.body,
                    "desk": item.desk,
                    "audience": "all",
                },
            )
        item.status = ReviewItem.Status.APPROVED
        item.decided_by = actor
        item.decided_at = timezone.now()
        item.result_source = source
        item.save()
        audit_record(
            actor=actor,
            action="assistant.review.approve",
            target=item,
            changes={"edited": sorted(edited), "source": source.pk if source else None},
        )
    return item


def review_reject(*, actor: Any, item: ReviewItem, note: str = "") -> ReviewItem:
    """An ai_operator rejects the item; nothing becomes knowledge."""
    require(actor, "assistant.review")
    with transaction.atomic():
        item = ReviewItem.objects.select_for_update().get(pk=item.pk)
        if item.status != ReviewItem.Status.PENDING:
            raise Conflict(_("このレビュー項目は既に処理されています。"))
        item.status = ReviewItem.Status.REJECTED
        item.decided_by = actor
        item.decided_at = timezone.now()
        item.decision_note = (note or "")[:500]
        item.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(
            actor=actor, action="assistant.review.reject", target=item, changes={"note": note}
        )
    return item


def minutes_propose_share(*, actor: Any, summary: MeetingSummary) -> ReviewItem:
    """Propose the minutes as shared knowledge (waits for an ai_operator)."""
    require(actor, "assistant.summarize")
    lines = [summary.summary, "", "## 決定事項", *[f"- {d}" for d in summary.decisions]]
    lines += ["", "## アクションアイテム"]
    for item in summary.action_items:
        owner = item.get("owner") or "未定"
        due = item.get("due") or "期限なし"
        lines.append(f"- {item.get('text')}(担当: {owner}、期限: {due})")
    return review_propose(
        actor=actor,
        kind=ReviewItem.Kind.MINUTES,
        title=f"議事録: {summary.title}({summary.meeting_date:%Y-%m-%d})",
        body="\n".join(lines),
        summary=summary,
    )


def provider_check(*, actor: Any) -> dict[str, Any]:
    """Probe the configured provider (as `urakata ai check` does); the probe is logged."""
    require(actor, "assistant.configure")
    health = provider_health()
    ai_call_log_record(
        user=actor,
        feature="check",
        completion=Completion(
            text=health.detail if health.ok else "",
            provider=health.provider,
            model=health.model,
            note="" if health.ok else health.detail,
            fallback=not health.ok and bool(health.fallback_ok),
        ),
        latency_ms=health.latency_ms,
        ok=health.ok,
    )
    return {
        "ok": health.ok,
        "provider": health.provider,
        "detail": health.detail,
        "latency_ms": health.latency_ms,
    }
