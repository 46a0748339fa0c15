"""Invoicing benchmark: PDF (and JP PINT) renders per second, payment matching of 10,000 open
invoices × 10,000 statement deposits (target < 10 s) and how many proposals are right.

    PYTHONPATH=src python benchmarks/invoicing_bench.py [--pdfs 50] [--invoices 10000] [--deposits 10000]

PDFs: one issued invoice with 12 lines (10% and 8% items) rendered repeatedly on a fresh SQLite
database in a temporary data directory (or DATABASE_URL). Matching: synthetic customers with
random katakana names; deposits are 60% exact payments, 15% short by a transfer fee, 10% two
invoices paid together, 5% partial payments, 10% unrelated; payer names are written the way banks
print them (half-width kana, カ) / (カ, truncated to 30 characters). The matching time covers
normalising every name and proposing (the database read is not included).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
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

import jaconv  # noqa: E402
from django.core.management import call_command  # noqa: E402

from urakata.core.permissions import SYSTEM  # noqa: E402
from urakata.invoicing import delivery, services  # noqa: E402
from urakata.invoicing.matching import Deposit, OpenItem, normalise_name, propose  # noqa: E402
from urakata.org.models import Company, Counterparty  # noqa: E402

KANA = "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワ"
FEES = (110, 220, 330, 440, 550, 660, 770, 880)


def bench_pdfs(count: int) -> dict[str, float]:
    call_command("migrate", verbosity=0)
    Company.objects.create(
        name="株式会社ベンチ",
        registration_number="T7123456789012",
        bank_name="みずほ銀行",
        branch_name="本店",
        account_type="1",
        account_number="1234567",
        account_holder_kana="カ)ベンチ",
    )
    cp = Counterparty.objects.create(code="B1", name="株式会社顧客", is_customer=True)
    lines = [
        {
            "description": f"品目{i}",
            "quantity": "3",
            "unit_price": 1234 + i,
            "tax_category": "AA" if i % 3 == 0 else "S",
        }
        for i in range(12)
    ]
    invoice = services.invoice_create(
        actor=SYSTEM,
        data={"counterparty_id": cp.pk, "issue_date": dt.date(2026, 6, 1), "lines": lines},
    )
    invoice = services.invoice_issue(actor=SYSTEM, invoice=invoice)
    delivery.pdf_bytes(invoice)  # font registration outside the timing
    start = time.perf_counter()
    for _ in range(count):
        delivery.pdf_bytes(invoice)
    pdf_seconds = time.perf_counter() - start
    start = time.perf_counter()
    for _ in range(count):
        delivery.pint_bytes(invoice)
    xml_seconds = time.perf_counter() - start
    return {
        "pdfs": count,
        "pdf_per_second": round(count / pdf_seconds, 1),
        "pint_per_second": round(count / xml_seconds, 1),
    }


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(KANA) for _ in range(rng.randint(4, 12)))


def _bank_form(kana: str, rng: random.Random) -> str:
    text = rng.choice(["ｶ)", "", "(ｶ"]) if rng.random() < 0.7 else ""
    half = jaconv.z2h(kana, kana=True)
    body = text + half if text != "(ｶ" else half + text
    return ("ﾌﾘｺﾐ " if rng.random() < 0.5 else "") + body[:30]


def bench_matching(invoices: int, deposits: int, seed: int = 7) -> dict[str, float]:
    rng = random.Random(seed)
    customers = [_name(rng) for _ in range(max(1, invoices // 3))]
    items = []
    for pk in range(1, invoices + 1):
        customer = rng.randrange(len(customers))
        items.append((pk, customer, rng.randrange(10_000, 3_000_000)))
    by_customer: dict[int, list[tuple[int, int, int]]] = {}
    for item in items:
        by_customer.setdefault(item[1], []).append(item)
    raw: list[tuple[int, str, int, set[int]]] = []  # line id, payer, amount, expected invoice ids
    used: set[int] = set()
    for line_id in range(1, deposits + 1):
        roll = rng.random()
        pk, customer, amount = items[rng.randrange(len(items))]
        payer = _bank_form(customers[customer], rng)
        if pk in used or roll >= 0.9:
            raw.append(
                (line_id, _bank_form(_name(rng), rng), rng.randrange(1_000, 5_000_000), set())
            )
            continue
        used.add(pk)
        if roll < 0.6:
            raw.append((line_id, payer, amount, {pk}))
        elif roll < 0.75:
            raw.append((line_id, payer, amount - rng.choice(FEES), {pk}))
        elif roll < 0.85:
            others = [i for i in by_customer[customer] if i[0] not in used]
            if others:
                used.add(others[0][0])
                raw.append((line_id, payer, amount + others[0][2], {pk, others[0][0]}))
            else:
                raw.append((line_id, payer, amount, {pk}))
        else:
            raw.append((line_id, payer, amount // 3, {pk}))
    start = time.perf_counter()
    open_items = [
        OpenItem(pk, f"INV-{pk}", customer, (normalise_name(customers[customer]),), amount)
        for pk, customer, amount in items
    ]
    lines = [Deposit(line_id, normalise_name(payer), amount) for line_id, payer, amount, _e in raw]
    proposals = propose(lines, open_items)
    seconds = time.perf_counter() - start
    expected = {line_id: ids for line_id, _p, _a, ids in raw}
    proposed = {p.line_id: {a[0] for a in p.allocations} for p in proposals}
    payable = [lid for lid, ids in expected.items() if ids]
    right = sum(1 for lid in payable if proposed.get(lid) == expected[lid])
    wrong = sum(1 for lid, ids in proposed.items() if ids != expected[lid])
    return {
        "open_invoices": invoices,
        "deposits": deposits,
        "matching_seconds": round(seconds, 2),
        "proposals": len(proposals),
        "recall_of_payments": round(right / len(payable), 3) if payable else 0.0,
        "wrong_proposals": wrong,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pdfs", type=int, default=50)
    parser.add_argument("--invoices", type=int, default=10_000)
    parser.add_argument("--deposits", type=int, default=10_000)
    args = parser.parse_args()
    result = {**bench_pdfs(args.pdfs), **bench_matching(args.invoices, args.deposits)}
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
