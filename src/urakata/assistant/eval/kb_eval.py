"""Retrieval accuracy over the demo knowledge base: top-1, top-3 source accuracy and MRR."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from urakata.assistant import selectors
from urakata.assistant.models import KnowledgeSource

HERE = Path(__file__).resolve().parent


def load_questions(path: Path | None = None) -> list[dict[str, Any]]:
    """[{"question": ..., "source": slug or [slugs that each answer it]}, ...]"""
    data: list[dict[str, Any]] = json.loads(
        (path or HERE / "kb_questions.json").read_text(encoding="utf-8")
    )
    return data


@dataclass
class RetrievalReport:
    total: int = 0
    top1: float = 0.0
    top3: float = 0.0
    mrr: float = 0.0
    misses: list[tuple[str, list[str], list[str]]] = field(default_factory=list)
    missing_sources: set[str] = field(default_factory=set)


def evaluate_retrieval(user: Any, questions: list[dict[str, Any]], k: int = 10) -> RetrievalReport:
    """A question counts at rank r when an answering source is the r-th distinct source retrieved.

    Where a policy and an FAQ entry both state the answer, the question lists both; the best
    rank among them counts.
    """
    slugs = set(KnowledgeSource.objects.exclude(slug="").values_list("slug", flat=True))
    report = RetrievalReport(total=len(questions))
    hits1 = hits3 = 0
    reciprocal = 0.0
    for item in questions:
        expected = item["source"] if isinstance(item["source"], list) else [item["source"]]
        report.missing_sources.update(set(expected) - slugs)
        hits, _confidence = selectors.kb_search(actor=user, question=item["question"], k=k)
        ranked: list[str] = []
        for hit in hits:
            slug = hit.source.slug or f"#{hit.source.pk}"
            if slug not in ranked:
                ranked.append(slug)
        ranks = [ranked.index(slug) + 1 for slug in expected if slug in ranked]
        if ranks:
            rank = min(ranks)
            reciprocal += 1.0 / rank
            hits1 += rank == 1
            hits3 += rank <= 3
            if rank > 1:
                report.misses.append((item["question"], expected, ranked[:3]))
        else:
            report.misses.append((item["question"], expected, ranked[:3]))
    if questions:
        report.top1 = hits1 / len(questions)
        report.top3 = hits3 / len(questions)
        report.mrr = reciprocal / len(questions)
    return report
