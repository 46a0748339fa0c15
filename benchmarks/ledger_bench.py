"""Ledger benchmarks: posting rate, bulk generate rate, fiscal-year trial balance vs plain SQL.

Run against a scratch database (it is migrated and filled):

    PYTHONPATH=src URAKATA_DATA_DIR=/tmp/ledger-bench python benchmarks/ledger_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/urakata_ledger_bench \
        PYTHONPATH=src python benchmarks/ledger_bench.py --lines 1000000

Prints one line per figure; nothing is asserted (targets: >= 2,000 entries/s posting one at a
time, >= 20,000 lines/s bulk, fiscal-year trial balance < 50 ms).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urakata.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--post", type=int, default=5000, help="entries posted one at a time")
    parser.add_argument("--lines", type=int, default=1_000_000, help="lines for generate")
    parser.add_argument("--fiscal-year", type=int, default=2025)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from urakata.ledger import reports, services
    from urakata.ledger.cache import chart_cache_clear
    from urakata.ledger.models import Balance, EntryCounter, JournalEntry, JournalLine, Period
    from urakata.ledger.permissions import SYSTEM
    from urakata.ledger.synthetic import generate
    from urakata.org.models import Company, Department

    call_command("migrate", verbosity=0, interactive=False)
    vendor = connection.vendor
    # A clean journal each run (the audit chain keeps growing; that is realistic).
    JournalLine.objects.all().delete()
    JournalEntry.objects.filter(reverses__isnull=False).delete()
    JournalEntry.objects.filter(replaces__isnull=False).delete()
    JournalEntry.objects.all().delete()
    Balance.objects.all().delete()
    EntryCounter.objects.all().delete()
    Period.objects.all().delete()
    if not Company.objects.exists():
        Company.objects.create(name="ベンチ株式会社", fiscal_year_start_month=4)
    if not Department.objects.exists():
        for index in range(6):
            Department.objects.create(code=f"B{index}", name=f"部門{index}")
    departments = list(Department.objects.values_list("pk", flat=True))
    chart_cache_clear()
    year = args.fiscal_year
    start = dt.date(year, 4, 1)

    # 1. posting service, one entry at a time (each its own transaction)
    lines_for = [
        ("7290", "1140", "P10"),
        ("1220", "5110", None),
        ("7260", "1110", "P10"),
        ("6120", "3120", "P10"),
    ]
    began = time.perf_counter()
    for index in range(args.post):
        debit, credit, tax = lines_for[index % len(lines_for)]
        services.journal_entry_post(
            actor=SYSTEM,
            date=start + dt.timedelta(days=index % 365),
            description="ベンチ仕訳",
            lines=[
                {
                    "account": debit,
                    "debit": 1100 + index,
                    "tax_code": tax,
                    "department_id": departments[index % len(departments)],
                },
                {"account": credit, "credit": 1100 + index},
            ],
            tax_entry="inclusive",
        )
    elapsed = time.perf_counter() - began
    print(
        f"[{vendor}] posting service: {args.post} entries in {elapsed:.2f}s = "
        f"{args.post / elapsed:,.0f} entries/s"
    )

    # 2. bulk generate
    began = time.perf_counter()
    result = generate(actor=SYSTEM, lines=args.lines, seed=1, fiscal_year=year)
    elapsed = time.perf_counter() - began
    print(
        f"[{vendor}] ledger generate: {result['lines']:,} lines ({result['entries']:,} entries) "
        f"in {elapsed:.2f}s = {result['lines'] / elapsed:,.0f} lines/s"
    )

    # 3. fiscal-year trial balance from the balances table vs plain SQL over the lines
    if vendor == "postgresql":  # steady state: what autovacuum does between bursts of posting
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE ledger_balance")
            cursor.execute("VACUUM ANALYZE ledger_journalline")
    first, last = year * 100 + 4, (year + 1) * 100 + 3
    timings = []
    for _ in range(7):
        began = time.perf_counter()
        tb = reports.trial_balance(actor=SYSTEM, from_period=first, to_period=last)
        timings.append(time.perf_counter() - began)
    print(
        f"[{vendor}] trial balance (FY, {len(tb.rows)} accounts, balances table): "
        f"median {statistics.median(timings) * 1000:.1f} ms"
    )
    raw = []
    for _ in range(3):
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT account_id, SUM(debit), SUM(credit) FROM ledger_journalline "
                "WHERE period BETWEEN %s AND %s GROUP BY account_id",
                [first, last],
            )
            cursor.fetchall()
        raw.append(time.perf_counter() - began)
    print(
        f"[{vendor}] plain SQL SUM ... GROUP BY account over {JournalLine.objects.count():,} "
        f"lines: median {statistics.median(raw) * 1000:.1f} ms"
    )
    assert tb.totals["debit"] == tb.totals["credit"]
    sys.stdout.flush()


if __name__ == "__main__":
    main()
