"""Answer-or-decline evaluation on a scratch knowledge base of the fixture 規程 (kb_policies/).

Each question either names the article that answers it (source slug + 第n条) or has no source
(the policies do not answer it). A result is one of:
- answered correctly: `found` and the cited article is the expected one;
- declined correctly: not `found` for a question the policies do not answer;
- wrongly answered: `found` with another article, or `found` for an unanswerable question;
- wrongly declined: not `found` although the policies answer it.

The reliability table groups every question by the confidence of its best candidate and shows
the share whose best candidate is the right article (for unanswerable questions: never).

`held-out` (kb_heldout.json) was written before any tuning and is never tuned against;
`dev` (kb_dev.json) is the development set.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from urakata.assistant.bm25 import INDEX_CACHE
from urakata.assistant.models import KnowledgeSource
from urakata.assistant.providers.local import LocalProvider
from urakata.core.permissions import SYSTEM

HERE = Path(__file__).resolve().parent
POLICIES = HERE / "kb_policies"
SETS = {"heldout": HERE / "kb_heldout.json", "dev": HERE / "kb_dev.json"}
BANDS = [(0, 20), (20, 40), (40, 60), (60, 80), (80, 101)]


def load_set(name: str) -> list[dict[str, Any]]:
    """The questions of a named set (`heldout` or `dev`)."""
    if name not in SETS:
        raise ValueError(f"unknown question set {name!r}: choose {', '.join(SETS)}")
    data: dict[str, Any] = json.loads(SETS[name].read_text(encoding="utf-8"))
    questions: list[dict[str, Any]] = data["questions"]
    return questions


class _Rollback(Exception):
    pass


@contextmanager
def scratch_knowledge_base() -> Iterator[None]:
    """Inside: only the fixture 規程 are active (other sources switched off); rolled back after."""
    from urakata.assistant.knowledge import knowledge_file_ingest

    try:
        with transaction.atomic():
            KnowledgeSource.objects.update(is_active=False)
            slugs = [path.stem for path in sorted(POLICIES.glob("*.md"))]
            # Any earlier source with the same slug is renamed (rolled back with the rest).
            for source in KnowledgeSource.objects.filter(slug__in=slugs):
                source.slug = f"{source.slug}-{source.pk}-prev"
                source.save(update_fields=["slug"])
            for path in sorted(POLICIES.glob("*.md")):
                knowledge_file_ingest(
                    actor=SYSTEM, name=path.name, data=path.read_bytes(), slug=path.stem
                )
            yield
            raise _Rollback
    except _Rollback:
        pass
    finally:
        INDEX_CACHE.clear()


@dataclass
class Outcome:
    question: str
    expected: str
    cited: str
    found: bool
    confidence: int
    verdict: str  # answered_ok | declined_ok | wrong_answer | wrong_decline
    top_correct: bool


@dataclass
class AnswerReport:
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, verdict: str) -> int:
        return sum(o.verdict == verdict for o in self.outcomes)

    @property
    def answerable(self) -> int:
        return sum(bool(o.expected) for o in self.outcomes)

    @property
    def unanswerable(self) -> int:
        return len(self.outcomes) - self.answerable

    def rates(self) -> dict[str, float]:
        """answered-correctly (of answerable), declined-correctly (of unanswerable), wrong (of all)."""
        total = len(self.outcomes) or 1
        return {
            "answered_correctly": self.count("answered_ok") / (self.answerable or 1),
            "declined_correctly": self.count("declined_ok") / (self.unanswerable or 1),
            "wrongly_answered": self.count("wrong_answer") / total,
            "wrongly_declined": self.count("wrong_decline") / (self.answerable or 1),
            "top1_article": sum(o.top_correct for o in self.outcomes if o.expected)
            / (self.answerable or 1),
        }

    def reliability(self) -> list[tuple[str, int, float]]:
        """(confidence band, questions in it, share whose best candidate is the right article)."""
        rows = []
        for low, high in BANDS:
            inside = [o for o in self.outcomes if low <= o.confidence < high]
            share = sum(o.top_correct for o in inside) / len(inside) if inside else 0.0
            rows.append((f"{low}-{min(high, 100)}", len(inside), share))
        return rows


def _article(heading: str) -> str:
    match = re.search(r"第\s*[0-9０-９一二三四五六七八九十百]+\s*条", heading or "")
    return match.group(0).replace(" ", "") if match else heading


def _cited(result: Any, slugs_by_title: dict[str, str]) -> str:
    """The article the answer stands on: `slug 第n条` of its first source."""
    cited = getattr(result, "cited", None)
    source = cited or (result.sources[0] if result.sources else None)
    if not source:
        return ""
    return f"{slugs_by_title.get(source['title'], source['title'])} {_article(source['heading'])}"


def evaluate_answers(user: Any, questions: list[dict[str, Any]]) -> AnswerReport:
    """Ask every question with the local provider and classify the result (see module doc)."""
    from urakata.assistant import services

    slugs_by_title = dict(
        KnowledgeSource.objects.filter(is_active=True).values_list("title", "slug")
    )
    report = AnswerReport()
    provider = LocalProvider()
    for item in questions:
        expected = f"{item['source']} {item['article']}" if item.get("source") else ""
        result = services.assistant_ask(actor=user, question=item["q"], provider=provider)
        cited = _cited(result, slugs_by_title)
        top_correct = bool(expected) and cited == expected
        if result.found:
            verdict = "answered_ok" if top_correct else "wrong_answer"
        else:
            verdict = "wrong_decline" if expected else "declined_ok"
        report.outcomes.append(
            Outcome(
                item["q"], expected, cited, result.found, result.confidence, verdict, top_correct
            )
        )
    return report


def format_report(name: str, report: AnswerReport, verbose: bool = False) -> list[str]:
    """Lines for the console: rates, the reliability table, and (verbose) every miss."""
    rates = report.rates()
    lines = [
        f"set {name}: {len(report.outcomes)} questions "
        f"({report.answerable} answerable, {report.unanswerable} not answered by the policies)",
        f"answered correctly : {rates['answered_correctly']:.3f} "
        f"({report.count('answered_ok')}/{report.answerable})",
        f"declined correctly : {rates['declined_correctly']:.3f} "
        f"({report.count('declined_ok')}/{report.unanswerable})",
        f"wrongly answered   : {rates['wrongly_answered']:.3f} "
        f"({report.count('wrong_answer')}/{len(report.outcomes)})",
        f"wrongly declined   : {rates['wrongly_declined']:.3f} "
        f"({report.count('wrong_decline')}/{report.answerable})",
        f"top-1 article      : {rates['top1_article']:.3f}",
        "reliability (confidence band → questions, share whose best article is right):",
    ]
    for band, count, share in report.reliability():
        lines.append(f"  {band:>7}  {count:3d}  {share:.2f}")
    if verbose:
        for o in report.outcomes:
            if o.verdict not in ("answered_ok", "declined_ok"):
                lines.append(
                    f"  {o.verdict:13} {o.confidence:3d}% {o.question} "
                    f"expected={o.expected or '-'} cited={o.cited or '-'}"
                )
    return lines


def calibrate(
    user: Any, questions: list[dict[str, Any]], *, l2: float = 0.002, steps: int = 6000
) -> dict[str, float]:
    """Fit the logistic confidence model (selectors.CONFIDENCE_MODEL) on a question set.

    The label is "the best retrieved chunk is the expected article" (never for a question the
    policies do not answer). Plain batch gradient descent with a small L2 penalty: the set is
    small and the features few. Run it on the development set only.
    """
    from urakata.assistant import selectors

    slugs_by_title = dict(
        KnowledgeSource.objects.filter(is_active=True).values_list("title", "slug")
    )
    names = [name for name in selectors.CONFIDENCE_MODEL if name != "bias"]
    rows: list[tuple[list[float], float]] = []
    for item in questions:
        retrieval = selectors.kb_retrieve(actor=user, question=item["q"])
        expected = f"{item['source']} {item['article']}" if item.get("source") else ""
        cited = ""
        if retrieval.hits:
            best = retrieval.hits[0]
            cited = f"{slugs_by_title.get(best.source.title, '')} {_article(best.chunk.heading)}"
        label = float(bool(expected) and cited == expected)
        rows.append(([retrieval.features.get(name, 0.0) for name in names], label))
    weights = [0.0] * len(names)
    bias = 0.0
    rate = 0.5
    n = len(rows) or 1
    for _step in range(steps):
        grad = [0.0] * len(names)
        grad_bias = 0.0
        for x, y in rows:
            z = bias + sum(w * v for w, v in zip(weights, x, strict=True))
            p = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
            for i, v in enumerate(x):
                grad[i] += (p - y) * v
            grad_bias += p - y
        weights = [w - rate * (g / n + l2 * w) for w, g in zip(weights, grad, strict=True)]
        bias -= rate * grad_bias / n
    return {"bias": round(bias, 2)} | {
        name: round(w, 2) for name, w in zip(names, weights, strict=True)
    }
