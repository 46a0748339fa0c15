"""Full-text index in Japanese: SudachiPy terms per document (one table, the same on SQLite and
PostgreSQL), BM25 ranking and highlighted snippets."""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet
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


def rank(query: str, candidates: QuerySet[Document], *, limit: int = 1000) -> list[Hit]:
    """BM25 over the candidates (already filtered and scoped) for the query's terms."""
    terms = list(dict.fromkeys(t[:MAX_TERM] for t in tokens(query)))
    if not terms:
        return []
    total = Document.objects.filter(disposed_at__isnull=True).count() or 1
    frequencies = dict(
        DocumentTerm.objects.filter(term__in=terms)
        .values_list("term")
        .annotate(n=Count("id"))
        .values_list("term", "n")
    )
    stats = Document.objects.filter(disposed_at__isnull=True).values_list("term_count", flat=True)
    average = _average(stats, total)
    rows = DocumentTerm.objects.filter(
        term__in=terms, document__in=candidates.order_by().values("pk")
    ).values_list("document_id", "term", "tf", "document__term_count")
    scores: dict[int, float] = {}
    for document_id, term, tf, length in rows:
        df = frequencies.get(term, 0)
        idf = math.log(1 + (total - df + 0.5) / (df + 0.5))
        norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * (length or 0) / average))
        scores[document_id] = scores.get(document_id, 0.0) + idf * norm
    ranked = sorted(scores.items(), key=lambda item: (-item[1], -item[0]))[:limit]
    return [Hit(document_id, round(score, 4)) for document_id, score in ranked]


_average_cache: dict[str, Any] = {}


def _average(stats: Any, total: int) -> float:
    """The mean document length (terms); recomputed when the number of documents changes."""
    if _average_cache.get("total") != total:
        lengths = list(stats)
        _average_cache["total"] = total
        _average_cache["value"] = (sum(lengths) / len(lengths)) if lengths else 1.0
    return max(1.0, float(_average_cache["value"]))


def snippet(text: str, query: str) -> SafeString:
    """A piece of the text around the first query word, the words marked (HTML-escaped)."""
    if not text:
        return mark_safe("")
    words = [w for w in re.split(r"\s+", normalise(query)) if w]
    words += [t for t in tokens(query) if t not in words]
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
