"""Benchmark: a manager with 1,000 pending approvals.

Prints server-side times (p50/p95, Django test client, so no network) for
  - the inbox page (承認待ち, first page of 50 with the total count) and the inbox API,
  - the approve action (page POST and API POST), each on a different request,
and the number of SQL queries of the inbox page with 10 vs 1,000 pending items.

    PYTHONPATH=src python benchmarks/workflow_inbox.py [--items 1000] [--runs 50]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/urakata_bench PYTHONPATH=src python benchmarks/workflow_inbox.py

Runs in a throw-away test database (a temporary SQLite file, or test_<name> on PostgreSQL).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urakata.settings")
os.environ.setdefault("URAKATA_TESTING", "1")  # plain static storage, fast password hasher
os.environ.setdefault("URAKATA_DATA_DIR", tempfile.mkdtemp(prefix="urakata-bench-"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def timed(call: Callable[[], Any], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(label: str, samples: list[float]) -> None:
    print(
        f"{label:<34} p50 {statistics.median(samples):7.1f} ms   "
        f"p95 {percentile(samples, 0.95):7.1f} ms   (n={len(samples)})"
    )


def inbox_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/workflow/")
        assert response.status_code == 200
    return len(ctx.captured_queries)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--explain", action="store_true", help="print the inbox query plans")
    args = parser.parse_args()

    setup_test_environment()
    database = connection.settings_dict
    if database["ENGINE"].endswith("sqlite3"):
        database["TEST"]["NAME"] = str(Path(os.environ["URAKATA_DATA_DIR"]) / "bench.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.items, args.runs, args.explain)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(items: int, runs: int, explain: bool) -> None:
    from urakata.workflow.forms import ringi_submit
    from urakata.workflow.models import ApprovalRequest
    from urakata.workflow.tests.factories import RINGI, make_org, make_route

    org = make_org()
    make_route(
        steps=[
            {"name": "部署長承認", "approvers": [{"kind": "department_manager"}]},
            {
                "name": "経理確認",
                "approvers": [{"kind": "role", "role": "accounting"}],
                "quorum": "any",
            },
        ]
    )
    manager = Client()
    manager.force_login(org.sales_manager)
    applicants = [org.applicant, org.colleague]

    start = time.perf_counter()
    for i in range(10):
        ringi_submit(actor=applicants[i % 2], data={**RINGI, "title": f"稟議 {i}"})
    queries_10 = inbox_queries(manager)
    for i in range(10, items):
        ringi_submit(actor=applicants[i % 2], data={**RINGI, "title": f"稟議 {i}"})
    setup_seconds = time.perf_counter() - start
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # what autovacuum would have done after a bulk load
    queries_n = inbox_queries(manager)
    pending = ApprovalRequest.objects.filter(current_step__name="部署長承認").count()

    print(f"database: {connection.vendor}   pending for the manager: {pending}")
    print(f"setup: {items} requests submitted through the services in {setup_seconds:.1f} s")
    print(f"inbox page SQL queries: {queries_10} with 10 items, {queries_n} with {items} items")

    if explain:
        from urakata.workflow.selectors import inbox_list

        queryset = inbox_list(actor=org.sales_manager)
        options = {"analyze": True} if connection.vendor == "postgresql" else {}
        print(queryset.explain(**options))
        print(queryset[:50].explain(**options))

    page = timed(lambda: manager.get("/workflow/"), runs)
    report(f"GET /workflow/ ({items} pending)", page)
    api = timed(lambda: manager.get("/api/v1/workflow/inbox?page_size=50"), runs)
    report("GET /api/v1/workflow/inbox", api)
    count = timed(lambda: manager.get("/api/v1/workflow/inbox/count"), runs)
    report("GET /api/v1/workflow/inbox/count", count)

    ids = list(
        ApprovalRequest.objects.filter(current_step__name="部署長承認")
        .order_by("pk")
        .values_list("pk", flat=True)[: 2 * runs]
    )
    page_ids, api_ids = iter(ids[:runs]), iter(ids[runs:])

    def approve_page() -> None:
        response = manager.post(f"/workflow/requests/{next(page_ids)}/approve/", {"comment": ""})
        assert response.status_code == 302

    def approve_api() -> None:
        response = manager.post(
            f"/api/v1/workflow/requests/{next(api_ids)}/approve",
            {},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content

    report("POST approve (page, redirect)", timed(approve_page, runs))
    report("POST approve (API, returns detail)", timed(approve_api, runs))
    left = ApprovalRequest.objects.filter(current_step__name="部署長承認").count()
    print(f"approved {pending - left} requests; {left} still pending")


if __name__ == "__main__":
    main()
