"""Benchmark: the reception board and a check-in with 100,000 visits on record.

Prints server-side times (p50/p95, Django test client, so no network) for
  - the reception page (本日の来客 board) and the board API,
  - a check-in by code (API) and from the board (page POST), each on a different visit,
  - the visitor log's first page (audited),
and the board's SQL query count with 100,000 visits on record.

    PYTHONPATH=src python benchmarks/facilities_bench.py [--visits 100000] [--runs 50]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/urakata_bench PYTHONPATH=src python benchmarks/facilities_bench.py

Runs in a throw-away test database (a temporary SQLite file, or test_<name> on PostgreSQL).
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
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def timed(call: Callable[[], Any], runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(label: str, samples: list[float]) -> None:
    print(
        f"{label:<40} p50 {statistics.median(samples):7.1f} ms   "
        f"p95 {percentile(samples, 0.95):7.1f} ms   (n={len(samples)})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--visits", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=50)
    args = parser.parse_args()
    setup_test_environment()
    database = connection.settings_dict
    if database["ENGINE"].endswith("sqlite3"):
        database["TEST"]["NAME"] = str(Path(os.environ["URAKATA_DATA_DIR"]) / "bench.sqlite3")
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.visits, args.runs)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def _history(hosts: list[Any], visits: int, today: dt.date) -> None:
    """`visits` past visits spread over the last years, bulk-inserted."""
    from django.utils import timezone

    from urakata.facilities.models import Visit
    from urakata.facilities.visitors import new_code

    rng = random.Random(7)
    batch = []
    for number in range(visits):
        day = today - dt.timedelta(days=1 + number % 1400)
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))
        batch.append(
            Visit(
                code=new_code(),
                host=rng.choice(hosts),
                visitor_name=f"来訪者 {number}",
                visitor_company=f"会社 {number % 900}",
                visit_date=day,
                status="left",
                badge_number=1,
                arrived_at=at,
                left_at=at,
            )
        )
        if len(batch) == 5000:
            Visit.objects.bulk_create(batch)
            batch = []
    Visit.objects.bulk_create(batch)


def run(visits: int, runs: int) -> None:
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from urakata.core.roles import Role
    from urakata.facilities import visitors
    from urakata.org.tests.factories import EmployeeFactory, UserFactory

    today = timezone.localdate()
    hosts = [UserFactory(username=f"host{i}") for i in range(20)]
    employee = Group.objects.get_or_create(name=Role.EMPLOYEE.value)[0]
    for host in hosts:
        host.groups.add(employee)
        EmployeeFactory(user=host)
    staff = UserFactory(username="reception")
    staff.groups.add(Group.objects.get_or_create(name=Role.GENERAL_AFFAIRS.value)[0])
    EmployeeFactory(user=staff)
    start = time.perf_counter()
    _history(hosts, visits, today)
    todays = [
        visitors.visit_register(
            actor=hosts[i % 20],
            visitor_name=f"本日 {i}",
            visitor_company="本日商事",
            visit_date=today,
        )
        for i in range(2 * runs + 20)
    ]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(
        f"database: {connection.vendor}   visits on record: {visits + len(todays)}"
        f"   setup {time.perf_counter() - start:.1f} s"
    )
    client = Client()
    client.force_login(staff)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/facilities/reception/").status_code == 200
    print(f"reception page SQL queries: {len(ctx.captured_queries)}")
    report(
        "GET /facilities/reception/ (board)",
        timed(lambda: client.get("/facilities/reception/"), runs),
    )
    report(
        "GET /api/v1/facilities/reception/board",
        timed(lambda: client.get("/api/v1/facilities/reception/board"), runs),
    )
    codes = iter([visit.code for visit in todays[:runs]])
    ids = iter([visit.pk for visit in todays[runs : 2 * runs]])

    def check_in_api() -> None:
        response = client.post(
            "/api/v1/facilities/reception/check-in",
            {"code": next(codes)},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content

    def check_in_page() -> None:
        response = client.post("/facilities/reception/check-in/", {"visit_id": next(ids)})
        assert response.status_code == 302

    report("POST check-in by code (API)", timed(check_in_api, runs))
    report("POST check-in from the board (page)", timed(check_in_page, runs))
    report(
        "GET /facilities/visits/log/ (audited)",
        timed(lambda: client.get("/facilities/visits/log/?company=会社 1"), min(runs, 20)),
    )


if __name__ == "__main__":
    main()
