"""Full-text index in Japanese: SudachiPy terms per document (one table, the same on SQLite and
PostgreSQL) with a precomputed BM25 impact per (term, document), ranking done by the database with
a LIMIT, and highlighted snippets.

Each index row stores the BM25 term-frequency part of its term in its document as an integer
(`impact`, ×1000, with the mean document length at indexing time). A query then needs no join and no
table row: one statement reads the postings of the query's terms from the covering index
(term, document, impact), keeps those of the candidate documents (already filtered and scoped),
sums `idf × impact` per document and returns one page, ordered and limited by the database, with
the number of matching documents as a window count. The idf comes from the
document frequencies read from the same index (one index-only count per query)."""

from __future__ import annotations

import math
import re
import time
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Count, QuerySet, Sum
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from urakata.assistant.text import normalise, tokens
from urakata.documents.models import Document, DocumentTerm

K1 = 1.2
B = 0.75
IMPACT_SCALE = 1000  # impact = BM25 tf part × 1000, rounded
IDF_SCALE = 1000  # query weights are integers too: idf × 1000, rounded
SNIPPET = 60  # characters either side of the first hit
MAX_TERM = 64


def document_terms(text: str) -> Counter[str]:
    """The index terms of a text and their frequencies."""
    return Counter(term[:MAX_TERM] for term in tokens(text))


def impact(tf: int, length: int, average: float) -> int:
    """The BM25 term-frequency part of one term in one document, ×1000 (at least 1)."""
    norm = tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / max(1.0, average)))
    return max(1, round(norm * IMPACT_SCALE))


def term_rows(
    document: Document, counts: Counter[str], *, average: float | None = None
) -> list[DocumentTerm]:
    """The index rows of a document with their impacts (`average`: the mean document length in
    terms; by default the installation's, read at most every 30 seconds)."""
    length = sum(counts.values())
    mean = average if average is not None else _stats(fallback=length)[1]
    document.index_average = mean
    return [
        DocumentTerm(document=document, term=term, tf=tf, impact=impact(tf, length, mean))
        for term, tf in counts.items()
    ]


def index_document(document: Document) -> None:
    """Replace a document's index rows with the terms of its current text."""
    counts = document_terms(document.body_text)
    DocumentTerm.objects.filter(document=document).delete()
    DocumentTerm.objects.bulk_create(term_rows(document, counts), batch_size=500)
    Document.objects.filter(pk=document.pk).update(
        term_count=sum(counts.values()), index_average=document.index_average
    )
    document.term_count = sum(counts.values())


def index_rows(document: Document) -> tuple[list[DocumentTerm], int]:
    """The index rows of a new document (for bulk inserts) and its term count."""
    counts = document_terms(document.body_text)
    return term_rows(document, counts), sum(counts.values())


def mean_length(documents: Iterable[Document]) -> float:
    """The mean `term_count` of documents about to be inserted in bulk (demo, benchmark); each
    document's `index_average` is set to it (call before inserting them)."""
    batch = list(documents)
    lengths = [d.term_count for d in batch]
    mean = max(1.0, sum(lengths) / max(1, len(lengths)))
    for document in batch:
        document.index_average = mean
    return mean


@dataclass(frozen=True)
class Hit:
    """One ranked result."""

    document_id: int
    score: float


def query_terms(query: str) -> list[str]:
    """The distinct index terms of a query, in order."""
    return list(dict.fromkeys(t[:MAX_TERM] for t in tokens(query)))


def rank(
    query: str,
    candidates: QuerySet[Document],
    *,
    offset: int = 0,
    limit: int = 50,
    narrow: bool = False,
) -> tuple[list[Hit], int]:
    """BM25 over the candidates (already filtered and scoped) for the query's terms (any of them):
    one page of hits, best first, and how many documents match. Ranking, ordering and the page
    are done by the database. `narrow`: the candidates are few (filters beyond the row scope), so
    each is looked up in the index instead of reading every posting of the terms."""
    terms = query_terms(query)
    if not terms:
        return [], 0
    total = _stats()[0]
    frequencies = dict(
        DocumentTerm.objects.filter(term__in=terms)
        .values("term")
        .annotate(n=Count("id"))
        .values_list("term", "n")
        .order_by()
    )
    weights = {
        term: max(1, round(IDF_SCALE * math.log(1 + (max(total, df) - df + 0.5) / (df + 0.5))))
        for term, df in frequencies.items()
    }
    if not weights:
        return [], 0
    page, total_hits = _top(weights, candidates, offset=offset, limit=limit, narrow=narrow)
    if total_hits is None:  # a page past the end: count alone
        total_hits = (
            DocumentTerm.objects.filter(
                term__in=list(weights), document_id__in=candidates.order_by().values("pk")
            )
            .values("document_id")
            .distinct()
            .count()
        )
    return page, total_hits


def _top(
    weights: dict[str, int],
    candidates: QuerySet[Document],
    *,
    offset: int,
    limit: int,
    narrow: bool,
) -> tuple[list[Hit], int | None]:
    """One statement: Σ idf × impact per candidate document, best first, one page, and the number
    of matching documents (a window count over the groups, so the candidates are read once)."""
    table = connection.ops.quote_name(DocumentTerm._meta.db_table)
    inner, inner_params = candidates.order_by().values("pk").query.sql_with_params()
    cases = " ".join("WHEN %s THEN impact * %s" for _ in weights)
    marks = ", ".join("%s" for _ in weights)
    # Broad candidates: "+document_id" reads the postings of the terms from the covering index
    # (term, document, impact) and looks each up in the candidates; SQLite would otherwise probe
    # the index once per candidate, slower when most documents are candidates. Few candidates:
    # probing is faster. (PostgreSQL plans a hash semi-join either way.)
    probe = "" if narrow else "+"
    sql = (
        f"SELECT document_id, SUM(CASE term {cases} ELSE 0 END) AS score, "  # noqa: S608
        f"COUNT(*) OVER () AS matches FROM {table} "
        f"WHERE term IN ({marks}) AND {probe}document_id IN ({inner}) "
        "GROUP BY document_id ORDER BY score DESC, document_id DESC LIMIT %s OFFSET %s"
    )
    params: list[Any] = [value for pair in weights.items() for value in pair]
    params += [*weights, *inner_params, limit, offset]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return [], (0 if offset == 0 else None)
    scale = IMPACT_SCALE * IDF_SCALE
    return [Hit(int(d), round(int(v) / scale, 4)) for d, v, _n in rows], int(rows[0][2])


STATS_SECONDS = 30.0
_stats_cache: dict[str, float] = {}


def _stats(fallback: int = 1) -> tuple[int, float]:
    """(documents, mean length in terms) for BM25, re-read at most every 30 seconds: they move
    slowly, and reading them costs a scan of the documents. `fallback` is the mean length used
    while the store is still empty."""
    now = time.monotonic()
    if now - _stats_cache.get("at", -STATS_SECONDS) >= STATS_SECONDS:
        row = Document.objects.filter(disposed_at__isnull=True).aggregate(
            n=Count("id"), length=Sum("term_count")
        )
        total = int(row["n"] or 0)
        length = row["length"] or 0
        _stats_cache.update(
            at=now,
            total=max(1, total),
            average=length / total if total and length else 0.0,
        )
    average = float(_stats_cache["average"]) or float(max(1, fallback))
    return int(_stats_cache["total"]), average


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
