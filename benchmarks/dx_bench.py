"""Benchmark: the PoC KPIs of one request type over a year with 100,000 requests in the log.

Writes synthetic requests (bulk, in a throw-away test database): each submitted, two steps
(部署長承認, 経理確認) and a decision, 8 % returned once and resubmitted, 4 % rejected, plus
20,000 requests of another type that the KPIs must skip. Then times `request_kpis` (the same call
as `urakata dx kpis` and a PoC's baseline / trial) for the whole year and for one month.

    PYTHONPATH=src python benchmarks/dx_bench.py [--requests 100000] [--runs 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/urakata_bench PYTHONPATH=src python benchmarks/dx_bench.py

Target (issue 18): under 1 s on SQLite for the year.
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
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urakata.settings")
os.environ.setdefault("URAKATA_TESTING", "1")
os.environ.setdefault("URAKATA_DATA_DIR", tempfile.mkdtemp(prefix="urakata-bench-"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

YEAR = (dt.date(2025, 1, 1), dt.date(2025, 12, 31))


def _write(count: int, other: int) -> None:
    from urakata.org.tests.factories import UserFactory
    from urakata.workflow.models import Action, ApprovalRequest, RequestStep

    rng = random.Random(18)
    user = UserFactory()
    start = timezone.make_aware(dt.datetime(2025, 1, 1, 9))
    kinds = ["workflow.ringi"] * count + ["workflow.formsubmission"] * other
    rng.shuffle(kinds)
    for offset in range(0, len(kinds), 5000):
        requests, plans = [], []
        for index, kind in enumerate(kinds[offset : offset + 5000], start=offset):
            submitted = start + dt.timedelta(minutes=rng.randrange(0, 364 * 24 * 60))
            waits = [rng.expovariate(1 / 8) + 0.2 for _ in range(2)]
            returned = rng.random() < 0.08
            rejected = rng.random() < 0.04
            decided = submitted + dt.timedelta(hours=sum(waits) + (30 if returned else 0))
            status = "rejected" if rejected else "approved"
            requests.append(
                ApprovalRequest(
                    number=f"B{index:08d}",
                    subject_type=kind,
                    subject_id=index,
                    title="bench",
                    applicant=user,
                    status=status,
                    submitted_at=submitted,
                    decided_at=decided,
                )
            )
            plans.append((submitted, waits, returned, rejected, decided))
        with transaction.atomic():
            made = ApprovalRequest.objects.bulk_create(requests, batch_size=1000)
            steps, actions = [], []
            for request, (submitted, waits, returned, rejected, decided) in zip(
                made, plans, strict=True
            ):
                first_done = submitted + dt.timedelta(hours=waits[0])
                steps.append(
                    RequestStep(
                        request=request,
                        order=1,
                        name="部署長承認",
                        status="approved",
                        activated_at=submitted,
                        completed_at=first_done,
                    )
                )
                steps.append(
                    RequestStep(
                        request=request,
                        order=2,
                        name="経理確認",
                        status="rejected" if rejected else "approved",
                        activated_at=first_done,
                        completed_at=decided,
                    )
                )
                actions.append(Action(request=request, kind="submit", actor=user, at=submitted))
                if returned:  # round 1 was sent back at its first step; the steps above are round 2
                    back = submitted + dt.timedelta(hours=1)
                    steps[-2].round = steps[-1].round = 2
                    steps.append(
                        RequestStep(
                            request=request,
                            round=1,
                            order=1,
                            name="部署長承認",
                            status="returned",
                            activated_at=submitted,
                            completed_at=back,
                        )
                    )
                    actions.append(Action(request=request, kind="return", actor=user, at=back))
                final = "close_rejected" if rejected else "complete"
                actions.append(Action(request=request, kind=final, actor=user, at=decided))
            RequestStep.objects.bulk_create(steps, batch_size=2000)
            Action.objects.bulk_create(actions, batch_size=2000)


def _time(call: Any, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        call()
        samples.append((time.perf_counter() - began) * 1000)
    return samples


def run(count: int, other: int, runs: int) -> None:
    from urakata.dx.kpis import request_kpis

    began = time.perf_counter()
    _write(count, other)
    print(f"wrote {count:,} + {other:,} requests in {time.perf_counter() - began:.1f} s")
    connection.cursor().execute("ANALYZE")
    year = lambda: request_kpis(request_type="workflow.ringi", date_from=YEAR[0], date_to=YEAR[1])  # noqa: E731
    month = lambda: request_kpis(  # noqa: E731
        request_type="workflow.ringi", date_from=dt.date(2025, 6, 1), date_to=dt.date(2025, 6, 30)
    )
    result = year()
    print(f"KPIs {result}")
    # A reference for the machine's speed at the time: one plain scan of the requests table.
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("SELECT status, submitted_at FROM workflow_approvalrequest")
        cursor.fetchall()
    print(
        f"reference: plain scan of {count + other:,} requests {1000 * (time.perf_counter() - began):.0f} ms"
    )
    for label, call in (("one year", year), ("one month", month)):
        samples = _time(call, runs)
        print(
            f"request_kpis {label:<10} median {statistics.median(samples):7.0f} ms   max {max(samples):7.0f} ms"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--other", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    setup_test_environment()
    database = connection.settings_dict
    if database["ENGINE"].endswith("sqlite3"):
        database["TEST"]["NAME"] = str(Path(os.environ["URAKATA_DATA_DIR"]) / "bench.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.requests, args.other, args.runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
