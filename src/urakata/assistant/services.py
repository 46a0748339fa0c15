"""Assistant writes: knowledge ingest, AI calls (logged), inquiries, review queue, minutes, tasks."""

from __future__ import annotations

import datetime as dt
import hashlib
import time
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from urakata.assistant import selectors
from urakata.assistant.ingest import (
    Block,
    blocks_from_markdown,
    check_upload,
    chunk_blocks,
    file_to_markdown,
)
from urakata.assistant.models import (
    AICallLog,
    AssistantTask,
    Desk,
    Inquiry,
    KnowledgeAudience,
    KnowledgeChunk,
    KnowledgeIndexState,
    KnowledgeSource,
    MeetingSummary,
    ReviewItem,
)
from urakata.assistant.providers import (
    Completion,
    LocalProvider,
    Provider,
    ProviderError,
    get_provider,
)
from urakata.assistant.summarize import NameIndex, extract_minutes, parse_transcript
from urakata.assistant.text import tokens
from urakata.core.audit import audit_record
from urakata.core.errors import Conflict, ValidationFailed
from urakata.core.permissions import require
from urakata.core.roles import Role
from urakata.org.models import Department, Employee

Errors = dict[str, list[str]]

# ---------------------------------------------------------------- AI calls (logged)


def _department_of(user: Any) -> Department | None:
    employee = getattr(user, "employee", None) if user is not None else None
    return employee.department if employee is not None else None


def ai_call_log_record(
    *, user: Any, feature: str, completion: Completion, latency_ms: int, ok: bool = True
) -> AICallLog:
    """Record one AI call (AICallLog and an audit event) in one transaction."""
    with transaction.atomic():
        log = AICallLog.objects.create(
            user=user if getattr(user, "pk", None) else None,
            department=_department_of(user) if getattr(user, "pk", None) else None,
            feature=feature,
            provider=completion.provider,
            model=completion.model[:100],
            masked_entities=completion.masked_entities,
            latency_ms=latency_ms,
            prompt_tokens=completion.prompt_tokens,
            completion_tokens=completion.completion_tokens,
            ok=ok,
            fallback=completion.fallback,
            note=completion.note[:300],
        )
        audit_record(
            actor=user if getattr(user, "pk", None) else None,
            action="assistant.ai_call",
            target=log,
            changes={
                "feature": feature,
                "provider": completion.provider,
                "masked_entities": completion.masked_entities,
                "fallback": completion.fallback,
            },
        )
    return log


def ai_run(
    *,
    user: Any,
    feature: str,
    call: Callable[[Provider], Completion],
    provider: Provider | None = None,
) -> Completion:
    """Run `call` on the configured provider; on failure fall back to local with a visible note."""
    provider = provider or get_provider()
    started = time.perf_counter()
    try:
        result = call(provider)
    except ProviderError as error:
        if provider.name == "local":
            raise
        result = call(LocalProvider())
        result.fallback = True
        result.masked_entities += error.masked_entities
        result.note = (
            f"外部AI({provider.name})が応答しなかったため({error})、"
            "ローカル処理の結果を表示しています。"
        )
    latency = round((time.perf_counter() - started) * 1000)
    ai_call_log_record(user=user, feature=feature, completion=result, latency_ms=latency)
    return result


# ---------------------------------------------------------------- knowledge base


def _bump_index_version() -> None:
    state, _ = KnowledgeIndexState.objects.get_or_create(pk=1)
    KnowledgeIndexState.objects.filter(pk=state.pk).update(
        version=F("version") + 1, token=uuid.uuid4().hex
    )


def parse_audience(spec: str | list[str] | None) -> tuple[str, list[tuple[str, str]], Errors]:
    """`all`, or role names and/or department codes (comma separated) → audience rows."""
    errors: Errors = {}
    if spec is None:
        items: list[str] = []
    elif isinstance(spec, str):
        items = [s.strip() for s in spec.replace("、", ",").split(",") if s.strip()]
    else:
        items = [s.strip() for s in spec if s and s.strip()]
    if not items or items == ["all"]:
        return KnowledgeSource.Audience.ALL, [], errors
    rows: list[tuple[str, str]] = []
    roles = {r.value for r in Role}
    # Department codes are checked against the org master (reading its table for validation).
    codes = set(Department.objects.filter(code__in=items).values_list("code", flat=True))
    for item in items:
        if item == "all":
            errors.setdefault("audience", []).append("「all」は他の指定と同時には使えません。")
        elif item in roles:
            rows.append((KnowledgeAudience.Kind.ROLE, item))
        elif item in codes:
            rows.append((KnowledgeAudience.Kind.DEPARTMENT, item))
        else:
            errors.setdefault("audience", []).append(
                f"「{item}」はロール名でも部署コードでもありません。"
            )
    return KnowledgeSource.Audience.RESTRICTED, rows, errors


def _source_blocks(source: KnowledgeSource) -> list[Block]:
    if source.kind == KnowledgeSource.Kind.FAQ:
        return [Block(source.question or source.title, source.body.strip())]
    return blocks_from_markdown(source.body, source.title)


def _write_chunks(source: KnowledgeSource) -> int:
    """Replace a source's chunks; each stores its term counts (title and heading included)."""
    KnowledgeChunk.objects.filter(source=source).delete()
    chunks = chunk_blocks(_source_blocks(source))
    rows: list[KnowledgeChunk] = []
    for ordinal, chunk in enumerate(chunks):
        terms = tokens(f"{source.title}\n{chunk.heading}\n{chunk.text}")
        rows.append(
            KnowledgeChunk(
                source=source,
                ordinal=ordinal,
                heading=chunk.heading[:300],
                text=chunk.text,
                term_freqs=dict(Counter(terms)),
                length=len(terms),
            )
        )
    KnowledgeChunk.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def knowledge_source_clean(
    *, data: Mapping[str, Any], instance: KnowledgeSource | None = None
) -> tuple[dict[str, Any], list[tuple[str, str]] | None, Errors]:
    """Validate source fields; returns cleaned values, audience rows (None = unchanged), errors."""
    errors: Errors = {}
    cleaned: dict[str, Any] = {}
    for name in ("title", "question", "body", "slug", "desk", "kind"):
        if name in data:
            cleaned[name] = str(data.get(name) or "").strip()
    kind = cleaned.get("kind", instance.kind if instance else "")
    if instance is None:
        if kind not in KnowledgeSource.Kind.values:
            errors.setdefault("kind", []).append("種類を選んでください(faq / policy / file)。")
        if not cleaned.get("title") and kind != KnowledgeSource.Kind.FAQ:
            errors.setdefault("title", []).append("必須項目です。")
    if kind == KnowledgeSource.Kind.FAQ:
        question = cleaned.get("question", instance.question if instance else "")
        if not question:
            errors.setdefault("question", []).append("FAQ の質問を入力してください。")
        elif not cleaned.get("title") and instance is None:
            cleaned["title"] = question[:200]
    body = cleaned.get("body", instance.body if instance else "")
    if not body.strip():
        errors.setdefault("body", []).append("本文を入力してください。")
    if cleaned.get("desk") and cleaned["desk"] not in Desk.values:
        errors.setdefault("desk", []).append("所管は general_affairs / hr / accounting です。")
    if cleaned.get("slug"):
        clash = KnowledgeSource.objects.filter(slug=cleaned["slug"])
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors.setdefault("slug", []).append(
                f"識別子「{cleaned['slug']}」は既に使われています。"
            )
    if "is_active" in data:
        cleaned["is_active"] = bool(data["is_active"])
    audience_rows: list[tuple[str, str]] | None = None
    if "audience" in data or instance is None:
        audience, audience_rows, audience_errors = parse_audience(data.get("audience"))
        cleaned["audience"] = audience
        errors.update(audience_errors)
    return cleaned, audience_rows, errors


def embeddings_enabled() -> bool:
    """Embeddings are used when the openai provider is configured with an embedding model."""
    return settings.URAKATA_AI_PROVIDER == "openai" and bool(settings.URAKATA_AI_EMBEDDING_MODEL)


def knowledge_source_embed(*, source_id: int, provider: Provider | None = None) -> int:
    """Embed a source's chunks through the provider (masked on the way out); returns how many.

    Runs after the ingest transaction commits, so no network call holds a database lock.
    """
    provider = provider or get_provider()
    chunks = list(KnowledgeChunk.objects.filter(source_id=source_id).order_by("ordinal"))
    if not chunks:
        return 0
    texts = [f"{c.heading}\n{c.text}" for c in chunks]
    holder: dict[str, list[list[float]] | None] = {}

    def call(p: Provider) -> Completion:
        if p.name == "local":
            holder["vectors"] = None
            return Completion(text="", provider="local", model="none", note="no embeddings")
        holder["vectors"] = p.embed(texts)
        return Completion(
            text="",
            provider=p.name,
            model=settings.URAKATA_AI_EMBEDDING_MODEL,
            masked_entities=getattr(p, "last_masked", 0),
        )

    ai_run(user=None, feature="embed", call=call, provider=provider)
    vectors = holder.get("vectors") or []
    for chunk, vector in zip(chunks, vectors, strict=False):
        chunk.embedding = vector
    with transaction.atomic():
        KnowledgeChunk.objects.bulk_update(chunks, ["embedding"], batch_size=500)
        _bump_index_version()
    return len(vectors)


def knowledge_source_create(*, actor: Any, data: Mapping[str, Any]) -> KnowledgeSource:
    """Create an FAQ entry, policy page or file source, chunk and index it."""
    cleaned, audience_rows, errors = knowledge_source_clean(data=data)
    if errors:
        raise ValidationFailed("ナレッジを登録できません。", errors=errors)
    with transaction.atomic():
        source = KnowledgeSource.objects.create(
            created_by=actor if getattr(actor, "pk", None) else None,
            file_name=str(data.get("file_name") or "")[:255],
            file_sha256=str(data.get("file_sha256") or ""),
            file_size=int(data.get("file_size") or 0),
            **cleaned,
        )
        KnowledgeAudience.objects.bulk_create(
            [KnowledgeAudience(source=source, kind=k, value=v) for k, v in audience_rows or []]
        )
        count = _write_chunks(source)
        _bump_index_version()
        if embeddings_enabled():
            source_id = source.pk
            transaction.on_commit(lambda: knowledge_source_embed(source_id=source_id))
        audit_record(
            actor=actor,
            action="assistant.knowledge_source.create",
            target=source,
            changes={
                "kind": source.kind,
                "title": source.title,
                "audience": [source.audience, audience_rows or []],
                "chunks": count,
            },
        )
    return source


def knowledge_file_ingest(
    *,
    actor: Any,
    name: str,
    data: bytes,
    audience: str | list[str] | None = "all",
    title: str = "",
    desk: str = "",
    slug: str = "",
) -> KnowledgeSource:
    """Check an uploaded file (type, size, content), extract its text and add it as a source."""
    kind = check_upload(name=name, data=data, max_bytes=settings.URAKATA_MAX_UPLOAD_BYTES)
    try:
        markdown = file_to_markdown(kind, data)
    except Exception as error:
        raise ValidationFailed(
            "ファイルを読み取れません。", errors={"file": [f"読み取りに失敗しました: {error}"]}
        ) from error
    if not markdown.strip():
        raise ValidationFailed(
            "ファイルから文字を取り出せません。",
            errors={"file": ["文字が含まれていません(画像だけの PDF は未対応です)。"]},
        )
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    first_heading = next(
        (line.lstrip("#").strip() for line in markdown.splitlines() if line.startswith("# ")), ""
    )
    return knowledge_source_create(
        actor=actor,
        data={
            "kind": KnowledgeSource.Kind.FILE,
            "title": title or first_heading or stem,
            "body": markdown,
            "audience": audience,
            "desk": desk,
            "slug": slug,
            "file_name": name.rsplit("/", 1)[-1],
            "file_sha256": hashlib.sha256(data).hexdigest(),
            "file_size": len(data),
        },
    )


def knowledge_source_update(
    *, actor: Any, source: KnowledgeSource, data: Mapping[str, Any]
) -> KnowledgeSource:
    """Change a source; text changes re-chunk it, audience changes replace its audience rows."""
    cleaned, audience_rows, errors = knowledge_source_clean(data=data, instance=source)
    cleaned.pop("kind", None)
    if errors:
        raise ValidationFailed("ナレッジを更新できません。", errors=errors)
    with transaction.atomic():
        source = KnowledgeSource.objects.select_for_update().get(pk=source.pk)
        changes = {
            k: [getattr(source, k), v] for k, v in cleaned.items() if getattr(source, k) != v
        }
        for name in changes:
            setattr(source, name, cleaned[name])
        source.save()
        if audience_rows is not None:
            old = sorted(source.audiences.values_list("kind", "value"))
            if old != sorted(audience_rows):
                changes["audience_rows"] = [old, audience_rows]
            source.audiences.all().delete()
            KnowledgeAudience.objects.bulk_create(
                [KnowledgeAudience(source=source, kind=k, value=v) for k, v in audience_rows]
            )
        if {"title", "question", "body"} & set(changes):
            _write_chunks(source)
            if embeddings_enabled():
                source_id = source.pk
                transaction.on_commit(lambda: knowledge_source_embed(source_id=source_id))
        _bump_index_version()
        audit_record(
            actor=actor, action="assistant.knowledge_source.update", target=source, changes=changes
        )
    return source


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

    def as_dict(self) -> dict[str, Any]:
        return {
            "answer": self.answer,
            "confidence": self.confidence,
            "found": self.found,
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


NOT_FOUND = "該当する情報がナレッジに見つかりませんでした。担当部署へ問い合わせできます。"


def assistant_ask(*, actor: Any, question: str, provider: Provider | None = None) -> AskResult:
    """Answer from the knowledge the actor may read; below the threshold, say "not found"."""
    require(actor, "assistant.ask")
    question = (question or "").strip()
    if not question:
        raise ValidationFailed("質問を入力してください。", errors={"question": ["必須です。"]})
    if len(question) > 1000:
        raise ValidationFailed(
            "質問が長すぎます。", errors={"question": ["1000文字以内で入力してください。"]}
        )
    provider = provider or get_provider()
    hits, confidence = selectors.kb_search(
        actor=actor, question=question, k=5, query_vector=_query_vector(actor, question, provider)
    )
    sources = [
        {
            "title": hit.source.title,
            "heading": hit.chunk.heading,
            "url": hit.url,
            "excerpt": hit.chunk.text[:160],
            "score": round(hit.score, 3),
        }
        for hit in hits[:3]
    ]
    desk = selectors.suggest_desk(question, hits)
    if not hits or confidence < settings.URAKATA_AI_MIN_CONFIDENCE:
        ai_call_log_record(
            user=actor,
            feature="kb_ask",
            completion=Completion(text="", provider="local", model="bm25", note="not found"),
            latency_ms=0,
        )
        return AskResult(question, NOT_FOUND, confidence, False, sources, desk)
    passages = [hit.passage() for hit in hits[:3]]
    completion = ai_run(
        user=actor,
        feature="kb_ask",
        provider=provider,
        call=lambda p: p.answer(question=question, passages=passages),
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
    )


# ---------------------------------------------------------------- inquiries (escalation)


def inquiry_create(*, actor: Any, question: str, desk: str = "", confidence: int = 0) -> Inquiry:
    """Escalate a question to the owning desk (総務 / 人事 / 経理)."""
    require(actor, "assistant.ask")
    errors: Errors = {}
    question = (question or "").strip()
    if not question:
        errors["question"] = ["質問を入力してください。"]
    if desk and desk not in Desk.values:
        errors["desk"] = ["窓口は general_affairs / hr / accounting のいずれかです。"]
    if errors:
        raise ValidationFailed("問い合わせを登録できません。", errors=errors)
    desk = desk or selectors.suggest_desk(question, [])
    with transaction.atomic():
        inquiry = Inquiry.objects.create(
            asked_by=actor,
            question=question[:4000],
            desk=desk,
            confidence=max(0, min(100, int(confidence))),
        )
        audit_record(
            actor=actor,
            action="assistant.inquiry.create",
            target=inquiry,
            changes={"desk": desk, "confidence": inquiry.confidence},
        )
    return inquiry


def inquiry_answer(
    *, actor: Any, inquiry: Inquiry, answer: str, propose_faq: bool = True
) -> Inquiry:
    """Desk staff answer; the Q&A is proposed as a new FAQ entry into the review queue."""
    require(actor, "assistant.answer_inquiries")
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed("回答を入力してください。", errors={"answer": ["必須です。"]})
    with transaction.atomic():
        inquiry = (
            Inquiry.objects.visible_to(actor).select_for_update(of=("self",)).get(pk=inquiry.pk)
        )
        if inquiry.asked_by_id == actor.pk and not getattr(actor, "is_superuser", False):
            raise Conflict("自分の問い合わせには回答できません。")
        old_status = inquiry.status
        inquiry.answer = answer
        inquiry.answered_by = actor
        inquiry.answered_at = timezone.now()
        inquiry.status = Inquiry.Status.ANSWERED
        inquiry.save(update_fields=["answer", "answered_by", "answered_at", "status"])
        if propose_faq and not inquiry.review_items.exists():
            ReviewItem.objects.create(
                kind=ReviewItem.Kind.FAQ,
                title=inquiry.question[:200],
                question=inquiry.question[:500],
                body=answer,
                desk=inquiry.desk,
                inquiry=inquiry,
                proposed_by=actor,
            )
        audit_record(
            actor=actor,
            action="assistant.inquiry.answer",
            target=inquiry,
            changes={"status": [old_status, inquiry.status], "proposed_faq": propose_faq},
        )
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
        errors["kind"] = ["種類が不正です。"]
    if not (title or "").strip():
        errors["title"] = ["必須です。"]
    if not (body or "").strip():
        errors["body"] = ["必須です。"]
    if kind == ReviewItem.Kind.SOURCE_UPDATE and target_source is None:
        errors["target_source"] = ["更新するナレッジを指定してください。"]
    if errors:
        raise ValidationFailed("レビューに登録できません。", errors=errors)
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
            raise Conflict("このレビュー項目は既に処理されています。")
        edited = {
            k: v
            for k, v in (("title", title), ("question", question), ("body", body))
            if v is not None and v.strip() and v.strip() != getattr(item, k)
        }
        for name, value in edited.items():
            setattr(item, name, value.strip())
        if item.kind == ReviewItem.Kind.SOURCE_UPDATE and item.target_source is not None:
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
            changes={"edited": sorted(edited), "source": source.pk},
        )
    return item


def review_reject(*, actor: Any, item: ReviewItem, note: str = "") -> ReviewItem:
    """An ai_operator rejects the item; nothing becomes knowledge."""
    require(actor, "assistant.review")
    with transaction.atomic():
        item = ReviewItem.objects.select_for_update().get(pk=item.pk)
        if item.status != ReviewItem.Status.PENDING:
            raise Conflict("このレビュー項目は既に処理されています。")
        item.status = ReviewItem.Status.REJECTED
        item.decided_by = actor
        item.decided_at = timezone.now()
        item.decision_note = (note or "")[:500]
        item.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        audit_record(
            actor=actor, action="assistant.review.reject", target=item, changes={"note": note}
        )
    return item


# ---------------------------------------------------------------- minutes and tasks


def minutes_generate(
    *,
    actor: Any,
    transcript: str,
    name: str = "",
    meeting_date: dt.date | None = None,
    provider: Provider | None = None,
) -> dict[str, Any]:
    """Summary, decisions and action items (owner matched to employees, due date) of a transcript."""
    require(actor, "assistant.summarize")
    utterances = parse_transcript(transcript or "", name=name)
    if not utterances:
        raise ValidationFailed(
            "文字起こしが空です。", errors={"transcript": ["発言が見つかりません。"]}
        )
    meeting_date = meeting_date or timezone.localdate()
    names = NameIndex.from_db()
    plain = "\n".join(f"{u.speaker}: {u.text}" if u.speaker else u.text for u in utterances)
    extracted = extract_minutes(utterances, meeting_date=meeting_date, names=names)
    body_only = "\n".join(u.text for u in utterances)
    completion = ai_run(
        user=actor,
        feature="minutes",
        provider=provider,
        call=lambda p: p.summarize(text=body_only if p.name == "local" else plain, max_sentences=4),
    )
    return {
        "summary": completion.text,
        "decisions": extracted["decisions"],
        "action_items": extracted["action_items"],
        "provider": completion.provider,
        "note": completion.note,
    }


def meeting_summary_create(
    *, actor: Any, title: str, meeting_date: dt.date, transcript: str, name: str = ""
) -> MeetingSummary:
    """Generate and keep minutes for a transcript."""
    if not (title or "").strip():
        raise ValidationFailed("会議名を入力してください。", errors={"title": ["必須です。"]})
    result = minutes_generate(
        actor=actor, transcript=transcript, name=name, meeting_date=meeting_date
    )
    with transaction.atomic():
        summary = MeetingSummary.objects.create(
            title=title.strip()[:200],
            meeting_date=meeting_date,
            transcript=transcript,
            summary=result["summary"],
            decisions=result["decisions"],
            action_items=result["action_items"],
            provider=result["provider"],
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        audit_record(
            actor=actor,
            action="assistant.minutes.create",
            target=summary,
            changes={"decisions": len(result["decisions"]), "actions": len(result["action_items"])},
        )
    return summary


def tasks_from_action_items(
    *, actor: Any, summary: MeetingSummary, indexes: list[int] | None = None
) -> list[AssistantTask]:
    """Turn action items of a summary into tasks assigned to their owners."""
    require(actor, "assistant.summarize")
    items = summary.action_items or []
    chosen = range(len(items)) if indexes is None else indexes
    errors = [str(i) for i in chosen if not 0 <= i < len(items)]
    if errors:
        raise ValidationFailed(
            "アクションアイテムの番号が不正です。", errors={"indexes": [", ".join(errors)]}
        )
    owner_ids = {items[i].get("owner_id") for i in chosen if items[i].get("owner_id")}
    owners = Employee.objects.in_bulk(list(owner_ids))
    tasks: list[AssistantTask] = []
    with transaction.atomic():
        existing = set(summary.tasks.values_list("title", flat=True))
        for i in chosen:
            item = items[i]
            title = str(item.get("text", ""))[:300]
            if title in existing:
                continue
            due = dt.date.fromisoformat(item["due"]) if item.get("due") else None
            tasks.append(
                AssistantTask.objects.create(
                    title=title,
                    assignee=owners.get(item.get("owner_id")),
                    due=due,
                    summary=summary,
                    created_by=actor if getattr(actor, "pk", None) else None,
                )
            )
        audit_record(
            actor=actor,
            action="assistant.task.create",
            target=summary,
            changes={"tasks": [t.pk for t in tasks]},
        )
    return tasks


def task_complete(*, actor: Any, task: AssistantTask) -> AssistantTask:
    """Mark a task done (assignee, creator, or ai_operator)."""
    with transaction.atomic():
        task = (
            AssistantTask.objects.visible_to(actor).select_for_update(of=("self",)).get(pk=task.pk)
        )
        if task.status == AssistantTask.Status.DONE:
            raise Conflict("このタスクは既に完了しています。")
        task.status = AssistantTask.Status.DONE
        task.completed_at = timezone.now()
        task.save(update_fields=["status", "completed_at"])
        audit_record(
            actor=actor,
            action="assistant.task.complete",
            target=task,
            changes={"status": ["open", "done"]},
        )
    return task


def minutes_propose_share(*, actor: Any, summary: MeetingSummary) -> ReviewItem:
    """Propose the minutes as shared knowledge (waits for an ai_operator)."""
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
    """Ask the configured provider for a one-word reply; the result and any fallback are logged."""
    require(actor, "assistant.configure")
    provider = get_provider()
    started = time.perf_counter()
    try:
        completion = ai_run(
            user=actor, feature="check", call=lambda p: p.check(), provider=provider
        )
    except ProviderError as error:
        return {"ok": False, "provider": provider.name, "detail": str(error), "latency_ms": 0}
    latency = round((time.perf_counter() - started) * 1000)
    return {
        "ok": not completion.fallback,
        "provider": completion.provider,
        "detail": completion.note or completion.text[:80],
        "latency_ms": latency,
    }
