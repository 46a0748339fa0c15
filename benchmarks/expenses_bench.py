"""Benchmark: claim submit with every policy check (server time, no HTTP).

Fills a scratch database with `--history` earlier claim lines (so the duplicate checks search a
realistic table), then submits `--claims` claims of `--lines` lines each through
`expenses.services.claim_submit`: policy checks (limits, 会議費/交際費, receipt, 登録番号, holidays,
duplicates by image hash and by date + amount + payee, OCR mismatch), the workflow request and the
receipts filed in the document store. Prints median and p95 milliseconds (target < 200 ms).

    PYTHONPATH=src URAKATA_DATA_DIR=/tmp/expenses-bench python benchmarks/expenses_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/urakata_expenses_bench PYTHONPATH=src \
        python benchmarks/expenses_bench.py
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import random
import statistics
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urakata.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--history", type=int, default=20_000, help="earlier claim lines")
    parser.add_argument("--claims", type=int, default=40)
    parser.add_argument("--lines", type=int, default=5)
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from urakata.core.files import CheckedUpload, stored_file_save
    from urakata.core.models import StoredFile
    from urakata.core.ocr.synth import t_number
    from urakata.expenses import services
    from urakata.expenses.models import ClaimLine, ExpenseClaim
    from urakata.expenses.tests.factories import team
    from urakata.ledger.chart import chart_ensure_seeded

    chart_ensure_seeded()
    rng = random.Random(5)
    people = team()
    member = people["member"]
    old = ExpenseClaim.objects.create(
        number=f"BENCH-{time.time_ns()}", employee=member.employee, title="history",
        status=ExpenseClaim.Status.PAID,
    )  # fmt: skip
    day0 = dt.date(2024, 4, 1)
    ClaimLine.objects.bulk_create(
        [
            ClaimLine(
                claim=old,
                date=day0 + dt.timedelta(days=rng.randint(0, 600)),
                category="supplies",
                payee=f"店{rng.randint(1, 500)}",
                amount=rng.randrange(100, 50_000, 10),
                receipt_sha256=hashlib.sha256(f"h{n}-{time.time_ns()}".encode()).hexdigest(),
            )
            for n in range(args.history)
        ],
        batch_size=2000,
    )
    timings = []
    for c in range(args.claims):
        claim = services.claim_create(actor=member, title=f"bench {c}")
        for n in range(args.lines):
            data = f"receipt {c} {n} {time.time_ns()}".encode()
            stored = stored_file_save(
                actor=member,
                checked=CheckedUpload("r.png", data, hashlib.sha256(data).hexdigest(), "image/png"),
                purpose=StoredFile.Purpose.EVIDENCE,
            )
            services.line_save(
                actor=member,
                claim_id=claim.pk,
                values={
                    "date": day0 + dt.timedelta(days=rng.randint(0, 600)),
                    "category": rng.choice(["supplies", "books", "meeting"]),
                    "payee": f"店{rng.randint(1, 500)}",
                    "amount": rng.randrange(100, 20_000, 10),
                    "registration_number": t_number(rng),
                    "attendees": "A社 1名",
                    "attendee_count": 2,
                    "receipt_id": stored.pk,
                },
            )
        started = time.perf_counter()
        services.claim_submit(actor=member, claim_id=claim.pk)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(
        f"claim submit ({args.lines} lines, {args.history:,} earlier lines): "
        f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, n={len(timings)}"
    )


if __name__ == "__main__":
    main()
