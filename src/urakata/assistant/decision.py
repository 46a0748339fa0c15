"""The answer-or-decline decision: evidence that the best article answers, and its calibration.

`answer_features` measures the best hit (coverage of the question's terms, heading match, margin
over the runner-up, unknown terms, topic concept present); `confidence_of` turns them into a
calibrated probability (`urakata kb calibrate --set dev` fits `CONFIDENCE_MODEL`).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from urakata.assistant.bm25 import BM25Index
from urakata.assistant.synonyms import PREFIX as SYNONYM_PREFIX
from urakata.assistant.text import index_terms

if TYPE_CHECKING:
    from urakata.assistant.selectors import Hit


# Logistic model P(best article answers the question) over the features below; coefficients fitted
# on the development set (`urakata kb calibrate --set dev`), never on the held-out set.
CONFIDENCE_MODEL: dict[str, float] = {
    "bias": -2.44,
    "coverage": 2.71,
    "heading": 2.32,
    "margin": 2.98,
    "unknown": -3.28,
    "same_source": -0.03,
}


def confidence_of(features: dict[str, float]) -> int:
    """0–100: the calibrated probability that the best article answers the question."""
    z = CONFIDENCE_MODEL["bias"] + sum(
        weight * features.get(name, 0.0)
        for name, weight in CONFIDENCE_MODEL.items()
        if name != "bias"
    )
    return round(100 / (1 + math.exp(-max(-30.0, min(30.0, z)))))


def answer_features(index: BM25Index, terms: dict[str, float], hits: list[Hit]) -> dict[str, float]:
    """Evidence that the best hit answers: coverage, heading match, margin, unknown terms."""
    if not hits:
        return {}
    # Each term weighs 1–2 times its query weight: rarer terms (and terms the knowledge base
    # lacks) count more.
    weight = {t: q * (1 + index.term_idf(t) / (index.max_idf or 1.0)) for t, q in terms.items()}
    total = sum(weight.values()) or 1.0
    best = hits[0]
    present = set(best.chunk.term_freqs)
    heading = set(index_terms(f"{best.source.title}\n{best.chunk.heading}"))
    runner_up = hits[1].score if len(hits) > 1 else 0.0
    # The question's topic: its most specific concepts (synonym-group terms of the curated
    # dictionary, not any rare word) that the knowledge base knows (highest idf; ties all
    # count). The best article must speak of each of them.
    known = {t: index.term_idf(t) for t in terms if t.startswith(SYNONYM_PREFIX) and t in index.idf}
    top = max(known.values(), default=0.0)
    topics = [t for t, idf in known.items() if idf == top]
    return {
        "topic_missing": float(any(t not in present | heading for t in topics)),
        "coverage": sum(w for t, w in weight.items() if t in present) / total,
        "heading": sum(w for t, w in weight.items() if t in heading) / total,
        "margin": (best.score - runner_up) / best.score if best.score > 0 else 0.0,
        "unknown": sum(w for t, w in weight.items() if t not in index.idf) / total,
        "same_source": float(len(hits) > 1 and hits[1].chunk.source_id == best.chunk.source_id),
    }
