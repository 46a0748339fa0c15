"""Knowledge base writes: ingest files, FAQ entries and policy pages; chunk, index, embed."""

from __future__ import annotations

import hashlib
import uuid
from collections import Counter
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from urakata.assistant.calls import ai_run
from urakata.assistant.ingest import (
    Block,
    blocks_from_markdown,
    check_upload,
    chunk_blocks,
    file_to_markdown,
)
from urakata.assistant.models import (
    Desk,
    KnowledgeAudience,
    KnowledgeChunk,
    KnowledgeIndexState,
    KnowledgeSource,
)
from urakata.assistant.providers import Completion, Provider, get_provider
from urakata.assistant.text import index_terms
from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import require
from urakata.core.roles import Role
from urakata.org.models import Department

Errors = dict[str, list[str]]


def _bump_index_version() -> None:
    state, _created = KnowledgeIndexState.objects.get_or_create(pk=1)
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
            errors.setdefault("audience", []).append(_("「all」は他の指定と同時には使えません。"))
        elif item in roles:
            rows.append((KnowledgeAudience.Kind.ROLE, item))
        elif item in codes:
            rows.append((KnowledgeAudience.Kind.DEPARTMENT, item))
        else:
            errors.setdefault("audience", []).append(
                _("「%(item)s」はロール名でも部署コードでもありません。") % {"item": item}
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
        terms = index_terms(f"{source.title}\n{chunk.heading}\n{chunk.text}")
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
            errors.setdefault("kind", []).append(_("種類を選んでください(faq / policy / file)。"))
        if not cleaned.get("title") and kind != KnowledgeSource.Kind.FAQ:
            errors.setdefault("title", []).append(_("必須項目です。"))
    if kind == KnowledgeSource.Kind.FAQ:
        question = cleaned.get("question", instance.question if instance else "")
        if not question:
            errors.setdefault("question", []).append(_("FAQ の質問を入力してください。"))
        elif not cleaned.get("title") and instance is None:
            cleaned["title"] = question[:200]
    body = cleaned.get("body", instance.body if instance else "")
    if not body.strip():
        errors.setdefault("body", []).append(_("本文を入力してください。"))
    if cleaned.get("desk") and cleaned["desk"] not in Desk.values:
        errors.setdefault("desk", []).append(_("所管は general_affairs / hr / accounting です。"))
    if cleaned.get("slug"):
        clash = KnowledgeSource.objects.filter(slug=cleaned["slug"])
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            errors.setdefault("slug", []).append(
                _("識別子「%(slug)s」は既に使われています。") % {"slug": cleaned["slug"]}
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
    require(actor, "assistant.manage_knowledge")
    cleaned, audience_rows, errors = knowledge_source_clean(data=data)
    if errors:
        raise ValidationFailed(_("ナレッジを登録できません。"), errors=errors)
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
    require(actor, "assistant.manage_knowledge")
    kind = check_upload(name=name, data=data)
    try:
        markdown = file_to_markdown(kind, data)
    except Exception as error:
        raise ValidationFailed(
            _("ファイルを読み取れません。"),
            errors={"file": [_("読み取りに失敗しました: %(error)s") % {"error": error}]},
        ) from error
    if not markdown.strip():
        raise ValidationFailed(
            _("ファイルから文字を取り出せません。"),
            errors={"file": [_("文字が含まれていません(画像だけの PDF は未対応です)。")]},
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
    require(actor, "assistant.manage_knowledge")
    cleaned, audience_rows, errors = knowledge_source_clean(data=data, instance=source)
    cleaned.pop("kind", None)
    if errors:
        raise ValidationFailed(_("ナレッジを更新できません。"), errors=errors)
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


def knowledge_reindex(*, actor: Any) -> int:
    """Re-chunk and re-index every source (after the tokenizer or `synonyms.txt` changed)."""
    require(actor, "assistant.manage_knowledge")
    with transaction.atomic():
        sources = list(KnowledgeSource.objects.select_for_update().order_by("pk"))
        chunks = sum(_write_chunks(source) for source in sources)
        _bump_index_version()
        audit_record(
            actor=actor,
            action="assistant.knowledge.reindex",
            target_type="assistant.knowledgesource",
            changes={"sources": len(sources), "chunks": chunks},
        )
    return len(sources)
