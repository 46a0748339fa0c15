"""AI assistant benchmark: ingest time for 1,000 pages, retrieval p50/p95 over 10,000 chunks.

    PYTHONPATH=src python benchmarks/assistant_bench.py [--chunks 10000] [--pages 1000] [--queries 300]

Runs against a fresh SQLite database in a temporary data directory (or DATABASE_URL when set).
Pages are synthetic Japanese text built from the demo policies' sentences with varied numbers
and terms, about 1,800 characters (an A4 page) each. Retrieval runs the real `kb_search` as a
plain employee (so the audience filter applies) with 20% of the sources restricted to HR.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urakata.settings")
if "URAKATA_DATA_DIR" not in os.environ:
    os.environ["URAKATA_DATA_DIR"] = tempfile.mkdtemp(prefix="urakata-bench-")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from urakata.assistant import selectors, services  # noqa: E402
from urakata.assistant.demo import DATA  # noqa: E402
from urakata.assistant.models import KnowledgeChunk  # noqa: E402
from urakata.assistant.text import sentences  # noqa: E402
from urakata.core.permissions import SYSTEM  # noqa: E402

KATAKANA = (
    "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン"
)
TOPICS = [
    "購買",
    "契約",
    "在庫",
    "品質",
    "安全",
    "設備",
    "保守",
    "物流",
    "採用",
    "評価",
    "研修",
    "予算",
    "監査",
    "広報",
    "法務",
    "知財",
    "環境",
    "衛生",
    "顧客",
    "製造",
    "検査",
    "出荷",
]


def corpus_sentences() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in (DATA / "policies").glob("*.md")]
    texts += [e["a"] for e in json.loads((DATA / "faq.json").read_text(encoding="utf-8"))]
    result = [s for t in texts for s in sentences(t) if not s.startswith("#") and len(s) > 15]
    return result


def page(rng: random.Random, base: list[str], number: int) -> str:
    """About 1,800 characters: a heading and paragraphs of varied policy-like sentences."""
    topic = rng.choice(TOPICS)
    word = "".join(rng.choice(KATAKANA) for _ in range(rng.randint(3, 5)))
    lines = [f"## {topic}手順 第{number}項 {word}", ""]
    length = 0
    while length < 1800:
        sentence = rng.choice(base)
        sentence = sentence.replace("経費", rng.choice([topic, "経費", word]))
        sentence += f"({topic}{rng.randint(1, 999)}号、{word}方式)"
        lines.append(sentence)
        length += len(sentence)
        if rng.random() < 0.3:
            lines.append("")
    return "\n".join(lines)


def ingest(rng: random.Random, base: list[str], pages: int, title: str, audience: str) -> float:
    body = "# " + title + "\n\n" + "\n\n".join(page(rng, base, i) for i in range(1, pages + 1))
    started = time.perf_counter()
    services.knowledge_source_create(
        actor=SYSTEM,
        data={"kind": "policy", "title": title, "body": body, "audience": audience},
    )
    return time.perf_counter() - started


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--chunks", type=int, default=10000)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    from django.contrib.auth.models import Group

    from urakata.org.tests.factories import EmployeeFactory, UserFactory

    employee = UserFactory(username="bench-employee")
    employee.groups.add(Group.objects.get_or_create(name="employee")[0])
    EmployeeFactory(user=employee)

    rng = random.Random(20261123)
    base = corpus_sentences()
    seconds = ingest(rng, base, args.pages, "取り込み計測用マニュアル", "all")
    ingested = KnowledgeChunk.objects.count()
    print(
        f"ingest: {args.pages} pages ({ingested} chunks) in {seconds:.2f} s "
        f"= {args.pages / seconds:.0f} pages/s"
    )

    documents = 1
    while KnowledgeChunk.objects.count() < args.chunks:
        documents += 1
        audience = "hr" if documents % 5 == 0 else "all"
        ingest(rng, base, 50, f"社内手順書{documents}", audience)
    for source_id in range(3):
        services.knowledge_source_create(
            actor=SYSTEM,
            data={"kind": "faq", "question": f"検索計測用の質問{source_id}", "body": "回答です。"},
        )
    total = KnowledgeChunk.objects.count()
    print(f"corpus: {total} chunks in {documents + 3} sources (every 5th restricted to hr)")

    started = time.perf_counter()
    selectors.knowledge_index()
    print(f"index build (cold, once per knowledge change): {time.perf_counter() - started:.2f} s")

    questions = [
        q["question"]
        for q in json.loads(
            (ROOT / "src/urakata/assistant/eval/kb_questions.json").read_text(encoding="utf-8")
        )
    ]
    questions += [f"{t}の手順を教えて" for t in TOPICS]
    timings: list[float] = []
    for i in range(args.queries):
        question = questions[i % len(questions)]
        started = time.perf_counter()
        selectors.kb_search(actor=employee, question=question, k=5)
        timings.append((time.perf_counter() - started) * 1000)
    print(f"retrieval over {total} chunks, {args.queries} queries as a plain employee:")
    print(
        f"  p50 {statistics.median(timings):.1f} ms, p95 {percentile(timings, 95):.1f} ms, "
        f"max {max(timings):.1f} ms"
    )


if __name__ == "__main__":
    main()
