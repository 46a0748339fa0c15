"""`urakata audit verify` on a large book: the chain walk and each domain check, full and --fast.

Run against a scratch database (it is migrated; a synthetic book of --lines lines is generated
once and kept between runs):

    PYTHONPATH=src URAKATA_DATA_DIR=/tmp/audit-bench python benchmarks/audit_verify_bench.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/urakata_audit_bench \
        PYTHONPATH=src python benchmarks/audit_verify_bench.py --lines 1000000

Prints seconds per part and in all; nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urakata.settings")

parser = argparse.ArgumentParser()
parser.add_argument("--lines", type=int, default=1_000_000, help="journal lines in the book")
parser.add_argument("--fiscal-year", type=int, default=2025)
parser.add_argument("--sample", type=float, default=0.01, help="share of entries for --fast")


def main() -> None:
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from urakata.core.audit import audit_verify, audit_verify_all
    from urakata.core.domains import audit_verifiers
    from urakata.ledger.cache import chart_cache_clear
    from urakata.ledger.models import JournalLine
    from urakata.ledger.permissions import SYSTEM
    from urakata.ledger.synthetic import generate
    from urakata.org.models import Company, Department

    call_command("migrate", verbosity=0, interactive=False)
    if not Company.objects.exists():
        Company.objects.create(name="ベンチ株式会社", fiscal_year_start_month=4)
    if not Department.objects.exists():
        for index in range(6):
            Department.objects.create(code=f"B{index}", name=f"部門{index}")
    chart_cache_clear()
    have = JournalLine.objects.count()
    if have < args.lines:
        began = time.perf_counter()
        generate(actor=SYSTEM, lines=args.lines - have, seed=7, fiscal_year=args.fiscal_year)
        print(f"generated {args.lines - have:,} lines in {time.perf_counter() - began:.1f} s")
    lines = JournalLine.objects.count()
    print(f"database: {connection.vendor}; journal lines: {lines:,}")

    began = time.perf_counter()
    chain = audit_verify()
    print(
        f"chain walk: {chain.verified:,} events, ok={chain.ok}: {time.perf_counter() - began:.2f} s"
    )
    for name, check in audit_verifiers().items():
        began = time.perf_counter()
        found = check()
        print(f"verifier {name}: {len(found)} problems: {time.perf_counter() - began:.2f} s")
    for label, sample in (("full", None), (f"--fast (sample {args.sample:.0%})", args.sample)):
        began = time.perf_counter()
        result, problems = audit_verify_all(sample=sample)
        bad = sum(len(found) for found in problems.values())
        elapsed = time.perf_counter() - began
        print(f"audit verify {label}: ok={result.ok and not bad}: {elapsed:.2f} s")


if __name__ == "__main__":
    main()
