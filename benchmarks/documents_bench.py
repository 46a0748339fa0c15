"""Documents benchmark: full-text search p50/p95 over 10,000 documents (SudachiPy terms, BM25,
snippets, access scope), plus the 電帳法 range search without full text.

    PYTHONPATH=src python benchmarks/documents_bench.py [--documents 10000] [--queries 300]

Runs against a fresh SQLite database in a temporary data directory (or DATABASE_URL when set).
Documents are synthetic Japanese business text (about 400 characters each) built from sentences
of contracts, quotations, invoices and minutes with varied terms, counterparties, dates and
amounts; 10% are confidential. Searches run the real `document_search` as an accountant (so the
row scope applies) and return the first page of 50 with snippets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urakata.settings")
if "URAKATA_DATA_DIR" not in os.environ:
    os.environ["URAKATA_DATA_DIR"] = tempfile.mkdtemp(prefix="urakata-bench-")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from urakata.documents import index, selectors  # noqa: E402
from urakata.documents.models import Document, DocumentTerm  # noqa: E402

SENTENCES = [
    "本契約は甲が乙に対して{w}業務を委託することについて定める。",
    "委託料は月額{n}円とし、翌月末日までに支払う。",
    "契約期間は一年間とし、期間満了の三か月前までに申し出がない場合は自動更新する。",
    "{w}部品の加工について下記の通りお見積り申し上げます。",
    "納期は受注後{n}日以内、支払条件は月末締め翌月末払いとする。",
    "適格請求書発行事業者の登録番号を記載し、税率ごとの消費税額を示す。",
    "取締役会において{w}工場の設備更新について審議し、全会一致で可決した。",
    "{w}システムの保守点検を年二回実施し、報告書を提出する。",
    "秘密保持義務は本契約終了後も三年間存続する。",
    "検収完了後、{w}の納品書を発行する。",
    "損害賠償の上限は直近一年間の委託料の総額とする。",
    "{w}に関する個人情報は適切に管理し、第三者に提供しない。",
]
WORDS = [
    "清掃",
    "警備",
    "物流",
    "倉庫",
    "精密",
    "金型",
    "検査",
    "印刷",
    "広告",
    "会計",
    "給与",
    "研修",
    "採用",
    "空調",
    "照明",
    "電源",
    "配管",
    "塗装",
    "溶接",
    "梱包",
]
QUERIES = [
    "業務委託",
    "保守点検",
    "自動更新",
    "秘密保持",
    "損害賠償",
    "設備更新",
    "見積",
    "納品書",
    "登録番号",
    "個人情報",
    "委託料",
    "取締役会",
] + [f"{w}" for w in WORDS]
# Rare terms: one of them goes into about 2% of the documents (each term in ~0.1%).
RARE = [
    "耐震補強",
    "太陽光発電",
    "産業廃棄物",
    "輸出管理",
    "特許出願",
    "労働安全",
    "防災訓練",
    "電子署名",
    "顧問契約",
    "債権譲渡",
    "賃貸借",
    "下請代金",
    "品質保証",
    "環境測定",
    "海外送金",
    "消防設備",
    "排水処理",
    "在庫調整",
    "株主総会",
    "為替予約",
]
TYPES = ["contract", "quotation", "invoice", "minutes", "delivery_note", "receipt"]


def build(count: int, rng: random.Random) -> None:
    from urakata.org.models import Counterparty

    parties = [
        Counterparty.objects.create(code=f"B{n:04d}", name=f"株式会社{w}{n}")
        for n, w in enumerate(WORDS * 2)
    ]
    cache: dict[str, Counter[str]] = {}

    def terms(text: str) -> Counter[str]:
        if text not in cache:
            cache[text] = index.document_terms(text)
        return cache[text]

    start = time.perf_counter()
    batch: list[Document] = []
    for number in range(count):
        chosen = rng.sample(SENTENCES, 6)
        filled = [s.format(w=rng.choice(WORDS), n=rng.randint(1, 99) * 1000) for s in chosen]
        party = rng.choice(parties)
        title = f"{party.name} {rng.choice(['契約書', '見積書', '請求書', '議事録'])} {number}"
        if rng.random() < 0.02:
            filled.append(f"特記事項として{rng.choice(RARE)}の扱いを別途協議する。")
        body = "\n".join([title, party.name, *filled])
        counts = Counter[str]()
        for part in (title, party.name, *filled):
            counts += terms(part)
        document = Document(
            title=title,
            doc_type=rng.choice(TYPES),
            transaction_date=dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 900)),
            amount=rng.randint(1, 5000) * 1000,
            counterparty=party,
            confidential=rng.random() < 0.1,
            body_text=body,
            term_count=sum(counts.values()),
            version_count=1,
        )
        document._terms = counts  # type: ignore[attr-defined]
        batch.append(document)
        if len(batch) >= 1000:
            _flush(batch)
            batch = []
    if batch:
        _flush(batch)
    print(
        f"indexed {count} documents in {time.perf_counter() - start:.1f} s "
        f"({DocumentTerm.objects.count()} index rows)"
    )


def _flush(batch: list[Document]) -> None:
    average = index.mean_length(batch)
    Document.objects.bulk_create(batch)
    rows = [
        row
        for d in batch
        for row in index.term_rows(d, d._terms, average=average)  # type: ignore[attr-defined]
    ]
    DocumentTerm.objects.bulk_create(rows, batch_size=5000)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _timed(user: object, query: dict[str, str]) -> tuple[float, int]:
    filters = selectors.document_filters(query)
    start = time.perf_counter()
    result = selectors.document_search(actor=user, filters=filters, limit=50)
    return (time.perf_counter() - start) * 1000, result.count


def _report(name: str, times: list[float], hits: int) -> None:
    print(
        f"{name:<34} p50 {statistics.median(times):7.1f} ms  p95 {percentile(times, 0.95):7.1f} ms"
        f"  max {max(times):7.1f} ms  (avg {hits / len(times):.0f} hits, {len(times)} queries)"
    )


def run(queries: int, rng: random.Random) -> None:
    """Each query kind `queries` times, as an accountant (row scope: no confidential documents
    of other departments), first page of 50 with snippets."""
    from django.contrib.auth.models import Group, User

    from urakata.org.models import Counterparty

    user = User.objects.create(username="bench_accountant")
    user.groups.add(Group.objects.get_or_create(name="accounting")[0])
    parties = list(Counterparty.objects.values_list("pk", flat=True))
    kinds: dict[str, list[float]] = {}
    hits: Counter[str] = Counter()

    def record(kind: str, query: dict[str, str]) -> None:
        took, count = _timed(user, query)
        kinds.setdefault(kind, []).append(took)
        hits[kind] += count

    index.stats_clear()
    _timed(user, {"q": "契約"})  # warm the statistics and the connection
    for _number in range(queries):
        words = rng.sample(QUERIES, rng.choice([1, 1, 2]))
        record("full text, common terms", {"q": " ".join(words)})
        record("full text, rare term", {"q": rng.choice(RARE)})
        record(
            "full text + date/amount/type filter",
            {
                "q": rng.choice(QUERIES),
                "date_from": "2024-06-01",
                "date_to": "2025-06-30",
                "amount_min": "100000",
                "amount_max": "3000000",
                "doc_type": rng.choice(TYPES),
            },
        )
        record(
            "full text + counterparty",
            {"q": rng.choice(QUERIES), "counterparty_id": str(rng.choice(parties))},
        )
        record(
            "range search (date+amount+取引先)",
            {
                "date_from": "2024-03-01",
                "date_to": "2025-03-31",
                "amount_min": str(rng.randint(1, 100) * 1000),
                "amount_max": str(rng.randint(200, 5000) * 1000),
                "counterparty_id": str(rng.choice(parties)),
            },
        )
    for kind, times in kinds.items():
        _report(kind, times, hits[kind])


def signing_bench(count: int) -> None:
    """Signing time per contract: the company's and the counterparty's PAdES signatures, each
    with an RFC 3161 timestamp from the local test TSA."""
    from urakata.documents import pki, signing
    from urakata.documents.contract_models import Contract
    from urakata.org.models import Counterparty

    pki.ensure_keys("ベンチマーク株式会社")
    contract = Contract(
        title="保守業務委託契約書",
        counterparty=Counterparty.objects.first(),
        amount=1_200_000,
        start_date=dt.date(2026, 4, 1),
        end_date=dt.date(2027, 3, 31),
        body="第1条 目的\n第2条 委託料\n第3条 秘密保持",
        signer_name="山田 花子",
        signer_email="hanako@example.jp",
    )
    pdf = signing.contract_pdf(contract, "ベンチマーク株式会社")
    times = []
    for _ in range(count):
        start = time.perf_counter()
        one = signing.sign_pdf(pdf, purpose="company", field="Company", reason="甲")
        signing.sign_pdf(one, purpose="witness", field="Counterparty", reason="乙")
        times.append((time.perf_counter() - start) * 1000)
    print(
        f"signing per contract (2 PAdES signatures + 2 timestamps, {count} contracts): "
        f"p50 {statistics.median(times):.0f} ms, max {max(times):.0f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--contracts", type=int, default=5)
    args = parser.parse_args()
    from django.db import connection

    call_command("migrate", verbosity=0)
    print(f"database: {connection.vendor}")
    rng = random.Random(7)
    build(args.documents, rng)
    with connection.cursor() as cursor:  # statistics (and PostgreSQL's visibility map) as in
        # a store that has been running a while: autovacuum would have done the same
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")
    run(args.queries, rng)
    signing_bench(args.contracts)


if __name__ == "__main__":
    main()
