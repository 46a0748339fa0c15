"""Full-text index in Japanese: SudachiPy terms per document (one table, the same on SQLite and
PostgreSQL), BM25 ranking and highlighted snippets."""

from __future__ import annotations

import math
import re
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass

from django.db.models import Case, Count, ExpressionWrapper, FloatField, QuerySet, Sum, Value, When
from django.db.models.functions import Cast
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from urakata.assistant.text import normalise, tokens
from urakata.documents.models import Document, DocumentTerm

K1 = 1.2
B = 0.75
SNIPPET = 60  # characters either side of the first hit
MAX_TERM = 64


def document_terms(text: str) -> Counter[str]:
    """The index terms of a text and their frequencies."""
    return Counter(term[:MAX_TERM] for term in tokens(text))


def index_document(document: Document) -> None:
    """Replace a document's index rows with the terms of its current text."""
    counts = document_terms(document.body_text)
    DocumentTerm.objects.filter(document=document).delete()
    DocumentTerm.objects.bulk_create(
        [DocumentTerm(document=document, term=term, tf=tf) for term, tf in counts.items()],
        batch_size=500,
    )
    Document.objects.filter(pk=document.pk).update(term_count=sum(counts.values()))
    document.term_count = sum(counts.values())


def index_rows(document: Document) -> tuple[list[DocumentTerm], int]:
    """The index rows of a new document (for bulk inserts) and its term count."""
    counts = document_terms(document.body_text)
    rows = [DocumentTerm(document=document, term=t, tf=tf) for t, tf in counts.items()]
    return rows, sum(counts.values())


@dataclass(frozen=True)
class Hit:
    """One ranked result."""

    document_id: int
    score: float


def rank(
    query: str, candidates: QuerySet[Document], *, offset: int = 0, limit: int = 50
) -> tuple[list[Hit], int]:
    """BM25 over the candidates (already filtered and scoped) for the query's terms: one page of
    hits, best first, and how many documents match. Scores are summed in the database."""
    terms = list(dict.fromkeys(t[:MAX_TERM] for t in tokens(query)))
    if not terms:
        return [], 0
    total, average = _stats()
    frequencies = dict(
        DocumentTerm.objects.filter(term__in=terms)
        .values_list("term")
        .annotate(n=Count("id"))
        .values_list("term", "n")
    )
    weights = {
        term: math.log(1 + (max(total, df) - df + 0.5) / (df + 0.5))
        for term, df in frequencies.items()
    }
    if not weights:
        return [], 0
    weight = Case(
        *[When(term=term, then=Value(idf)) for term, idf in weights.items()],
        default=Value(0.0),
        output_field=FloatField(),
    )
    tf = Cast("tf", FloatField())
    length = Cast("document__term_count", FloatField())
    norm = ExpressionWrapper(
        tf * Value(K1 + 1) / (tf + Value(K1) * (Value(1 - B) + Value(B) * length / Value(average))),
        output_field=FloatField(),
    )
    scored = (
        DocumentTerm.objects.filter(
            term__in=list(weights), document__in=candidates.order_by().values("pk")
        )
        .values("document_id")
        .annotate(score=Sum(ExpressionWrapper(weight * norm, output_field=FloatField())))
        .order_by()
    )
    rows = sorted(scored.values_list("document_id", "score"), key=lambda r: (-r[1], -r[0]))
    page = [
        Hit(document_id, round(float(score), 4))
        for document_id, score in rows[offset : offset + limit]
    ]
    return page, len(rows)


STATS_SECONDS = 30.0
_stats_cache: dict[str, float] = {}


def _stats() -> tuple[int, float]:
    """(documents, mean length in terms) for BM25, re-read at most every 30 seconds: they move
    slowly, and reading them costs a scan of the documents."""
    now = time.monotonic()
    if now - _stats_cache.get("at", -STATS_SECONDS) >= STATS_SECONDS:
        row = Document.objects.filter(disposed_at__isnull=True).aggregate(
            n=Count("id"), length=Sum("term_count")
        )
        total = int(row["n"] or 0)
        _stats_cache.update(
            at=now, total=max(1, total), average=max(1.0, (row["length"] or 0) / max(1, total))
        )
    return int(_stats_cache["total"]), float(_stats_cache["average"])


def stats_clear() -> None:
    """Forget the cached statistics (tests that fill the index and search at once)."""
    _stats_cache.clear()


def snippet_words(query: str) -> list[str]:
    """The words a snippet looks for: the query's own words, then its SudachiPy terms."""
    words = [w for w in re.split(r"\s+", normalise(query)) if w]
    return words + [t for t in tokens(query) if t not in words]


def snippet(text: str, query: str, words: list[str] | None = None) -> SafeString:
    """A piece of the text around the first query word, the words marked (HTML-escaped)."""
    if not text:
        return mark_safe("")
    words = snippet_words(query) if words is None else words
    display = unicodedata.normalize("NFKC", text)
    folded = display.lower()
    if len(folded) != len(display):  # pragma: no cover - exotic case mappings
        folded = display
    position = -1
    for word in words:
        position = folded.find(word)
        if position >= 0:
            break
    start = max(0, position - SNIPPET) if position >= 0 else 0
    end = min(len(display), (position if position >= 0 else 0) + SNIPPET * 2)
    piece = display[start:end].replace("\n", " ")
    folded_piece = folded[start:end]
    marks = _mark_spans(folded_piece, words)
    out: list[str] = ["…" if start > 0 else ""]
    cursor = 0
    for begin, finish in marks:
        out.append(str(escape(piece[cursor:begin])))
        out.append(f"<mark>{escape(piece[begin:finish])}</mark>")
        cursor = finish
    out.append(str(escape(piece[cursor:])))
    out.append("…" if end < len(display) else "")
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


def _mark_spans(folded: str, words: list[str]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for word in sorted(set(words), key=len, reverse=True):
        if len(word) < 1:
            continue
        for match in re.finditer(re.escape(word), folded):
            span = (match.start(), match.end())
            if not any(s < span[1] and span[0] < e for s, e in spans):
                spans.append(span)
    return sorted(spans)
