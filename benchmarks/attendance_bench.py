"""Benchmark: closing a month for 10,000 employees, and the team view with 200 members.

Prints
  - the monthly close (月次締め: every employee's figures computed and snapshotted) for N
    employees with a full month of clock records each (target ≤ 30 s on SQLite),
  - the team view page (server side, Django test client) for a manager of 200 members,
    p50/p95 (target < 300 ms), and its number of SQL queries.

    PYTHONPATH=src python benchmarks/attendance_bench.py [--employees 10000] [--team 200] [--runs 20]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/urakata_bench PYTHONPATH=src python benchmarks/attendance_bench.py

Runs in a throw-away test database (a temporary SQLite file, or test_<name> on PostgreSQL).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urakata.settings")
os.environ.setdefault("URAKATA_TESTING", "1")  # plain static storage, fast password hasher
os.environ.setdefault("URAKATA_DATA_DIR", tempfile.mkdtemp(prefix="urakata-bench-"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

import django

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

YEAR, MONTH = 2026, 3


def _people(count: int, manager_id: int | None) -> list[int]:
    from urakata.org.models import Department, Employee

    department = Department.objects.create(code=f"B{count}", name="ベンチ")
    rows = [
        Employee(
            code=f"B{manager_id or 0}-{n:05d}",
            last_name="山田",
            first_name=f"{n}",
            last_name_kana="ヤマダ",
            first_name_kana="タロウ",
            department=department,
            manager_id=manager_id,
            hire_date=dt.date(2020, 4, 1),
        )
        for n in range(count)
    ]
    Employee.objects.bulk_create(rows, batch_size=2000)
    return list(Employee.objects.filter(department=department).values_list("pk", flat=True))


def _records(employee_ids: list[int]) -> int:
    from urakata.attendance.models import ClockRecord

    days = [
        dt.date(YEAR, MONTH, d)
        for d in range(1, 32)
        if dt.date(YEAR, MONTH, d).weekday() < 5 and d != 20
    ]
    batch: list[ClockRecord] = []
    total = 0
    for index, pk in enumerate(employee_ids):
        for n, day in enumerate(days):
            end = 18 * 60 + (index * 7 + n * 13) % 240  # 0–4 h over
            batch.append(
                ClockRecord(
                    employee_id=pk,
                    work_date=day,
                    start_minute=540,
                    end_minute=end,
                    break_minutes=60,
                    source="import",
                )
            )
        if len(batch) >= 20000:
            ClockRecord.objects.bulk_create(batch, batch_size=5000)
            total += len(batch)
            batch = []
    ClockRecord.objects.bulk_create(batch, batch_size=5000)
    return total + len(batch)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--employees", type=int, default=10000)
    parser.add_argument("--team", type=int, default=200)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def run(args: argparse.Namespace) -> None:
    from urakata.attendance.services import month_close
    from urakata.core.permissions import SYSTEM
    from urakata.org.models import Employee

    with transaction.atomic():
        ids = _people(args.employees, None)
        records = _records(ids)
    print(f"data: {len(ids):,} employees, {records:,} clock records ({YEAR}-{MONTH:02d})")
    start = time.perf_counter()
    result = month_close(actor=SYSTEM, year=YEAR, month=MONTH)
    elapsed = time.perf_counter() - start
    print(f"monthly close                      {elapsed:7.2f} s for {result.employees:,} employees")

    user = User.objects.create_user("bench_manager")
    user.groups.add(Group.objects.get_or_create(name="manager")[0])
    boss = Employee.objects.create(
        user=user,
        code="BOSS",
        last_name="部長",
        first_name="一郎",
        last_name_kana="ブチョウ",
        first_name_kana="イチロウ",
        hire_date=dt.date(2015, 4, 1),
    )
    with transaction.atomic():
        team = _people(args.team, boss.pk)
        _records(team)
    client = Client()
    client.force_login(user)
    url = "/attendance/team/?month=2026-03"
    assert client.get(url).status_code == 200
    samples = []
    for _ in range(args.runs):
        begin = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - begin) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    print(
        f"team view ({len(team)} members)          p50 {statistics.median(samples):7.1f} ms   "
        f"p95 {p95:7.1f} ms   {len(queries)} queries"
    )


if __name__ == "__main__":
    main()
