"""Okapi BM25 over precomputed per-chunk term counts, cached in process by index version.

Each chunk's term counts and length are stored in the database at ingest. The in-process index
turns them into postings whose BM25 weight is computed once, so a query only adds up weights.
The cache is rebuilt when `KnowledgeIndexState.version` changes (every knowledge write bumps it).
"""

from __future__ import annotations

import heapq
import math
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

Row = tuple[int, int, dict[str, int], int, list[float] | None]
K1 = 1.2
B = 0.75


@dataclass
class BM25Index:
    """Postings `term -> [(position, weight)]` over chunks; positions index `chunk_ids`."""

    version: str
    chunk_ids: list[int] = field(default_factory=list)
    source_ids: list[int] = field(default_factory=list)
    idf: dict[str, float] = field(default_factory=dict)
    postings: dict[str, list[tuple[int, float]]] = field(default_factory=dict)
    embeddings: dict[int, list[float]] = field(default_factory=dict)
    max_idf: float = 0.0
    _masks: dict[frozenset[int], bytearray] = field(default_factory=dict, repr=False)

    @classmethod
    def build(
        cls,
        version: str,
        rows: Iterable[Row],
    ) -> BM25Index:
        """rows: (chunk_id, source_id, term_freqs, length, embedding or None)."""
        index = cls(version=version)
        freqs: list[dict[str, int]] = []
        lengths: list[int] = []
        for chunk_id, source_id, term_freqs, length, embedding in rows:
            position = len(index.chunk_ids)
            index.chunk_ids.append(chunk_id)
            index.source_ids.append(source_id)
            freqs.append(term_freqs or {})
            lengths.append(length or 0)
            if embedding:
                index.embeddings[position] = embedding
        n = len(index.chunk_ids)
        if not n:
            return index
        avgdl = (sum(lengths) / n) or 1.0
        df: dict[str, int] = {}
        for term_freqs in freqs:
            for term in term_freqs:
                df[term] = df.get(term, 0) + 1
        index.idf = {term: math.log(1 + (n - d + 0.5) / (d + 0.5)) for term, d in df.items()}
        index.max_idf = math.log(1 + (n + 0.5) / 0.5)
        postings: dict[str, list[tuple[int, float]]] = {}
        for position, term_freqs in enumerate(freqs):
            norm = K1 * (1 - B + B * lengths[position] / avgdl)
            for term, tf in term_freqs.items():
                weight = index.idf[term] * tf * (K1 + 1) / (tf + norm)
                postings.setdefault(term, []).append((position, weight))
        index.postings = postings
        return index

    def term_idf(self, term: str) -> float:
        """IDF of a term; a term no chunk contains weighs as much as the rarest possible one."""
        return self.idf.get(term, self.max_idf)

    def search(
        self,
        terms: Iterable[str] | Mapping[str, float],
        allowed_sources: set[int] | None,
        k: int = 10,
    ) -> list[tuple[int, float]]:
        """Top-k (position, score) among chunks whose source is allowed (filtered before ranking).

        `terms` may map each term to a query weight (default 1).
        """
        scores: dict[int, float] = {}
        mask = self._mask(allowed_sources)
        get = scores.get
        query = terms if isinstance(terms, Mapping) else dict.fromkeys(terms, 1.0)
        for term, query_weight in query.items():
            for position, weight in self.postings.get(term, ()):
                if mask is None or mask[position]:
                    scores[position] = get(position, 0.0) + query_weight * weight
        return heapq.nsmallest(k, scores.items(), key=lambda item: (-item[1], item[0]))

    def _mask(self, allowed_sources: set[int] | None) -> bytearray | None:
        """1 for each chunk position whose source is allowed; cached per set of sources."""
        if allowed_sources is None:
            return None
        key = frozenset(allowed_sources)
        mask = self._masks.get(key)
        if mask is None:
            mask = bytearray(1 if s in key else 0 for s in self.source_ids)
            if len(self._masks) > 64:
                self._masks.clear()
            self._masks[key] = mask
        return mask

    def vector_search(
        self, vector: list[float], allowed_sources: set[int] | None, k: int = 10
    ) -> list[tuple[int, float]]:
        """Top-k by cosine similarity among allowed chunks that have an embedding."""
        norm_q = math.sqrt(sum(v * v for v in vector)) or 1.0
        results: list[tuple[int, float]] = []
        for position, emb in self.embeddings.items():
            if allowed_sources is not None and self.source_ids[position] not in allowed_sources:
                continue
            dot = sum(a * b for a, b in zip(vector, emb, strict=False))
            norm_e = math.sqrt(sum(v * v for v in emb)) or 1.0
            results.append((position, dot / (norm_q * norm_e)))
        results.sort(key=lambda item: (-item[1], item[0]))
        return results[:k]


def reciprocal_rank_fusion(rankings: list[list[int]], k: int = 60) -> list[tuple[int, float]]:
    """RRF: score = sum of 1 / (k + rank) over the rankings in which an item appears."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + 1.0 / (k + rank)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))


class IndexCache:
    """Holds the current index; `get` rebuilds it when the stored version moved on."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._index: BM25Index | None = None

    def get(self, version: str, loader: Callable[[], Iterable[Row]]) -> BM25Index:
        index = self._index
        if index is not None and index.version == version:
            return index
        with self._lock:
            if self._index is None or self._index.version != version:
                self._index = BM25Index.build(version, loader())
            return self._index

    def clear(self) -> None:
        with self._lock:
            self._index = None


INDEX_CACHE = IndexCache()
