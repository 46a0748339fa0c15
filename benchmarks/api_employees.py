"""Benchmark: GET /api/v1/employees?page=N against the production server (`urakata serve`).

Seeds 10,000 employees into a fresh SQLite data dir under /tmp (or the database in DATABASE_URL),
creates an API token, starts gunicorn on a free port, drives random pages from a thread pool of
keep-alive HTTP clients for a bounded time and request count, and prints requests/second and
latency percentiles. Run: `make bench`, or

    python benchmarks/api_employees.py [--employees 10000] [--duration 20] [--requests 5000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/urakata_bench python benchmarks/api_employees.py --reset

Figures depend on the machine: compare runs on the same one only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import math
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

SRC = Path(__file__).resolve().parents[1] / "src"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load at most")
    parser.add_argument("--requests", type=int, default=5_000, help="requests at most")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--page-size", type=int, default=50)
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (0: from cores)")
    parser.add_argument(
        "--reset", action="store_true", help="with DATABASE_URL: empty that database first"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    return parser.parse_args()


def ensure_postgres_database(url: str) -> None:
    """Create the benchmark database when it does not exist yet."""
    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=parts.username,
        password=parts.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(data_dir: Path) -> None:
    os.environ["URAKATA_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "urakata.settings")
    for name in ("URAKATA_TESTING", "DEBUG"):
        os.environ.pop(name, None)
    sys.path.insert(0, str(SRC))
    import django

    django.setup()


def seed(*, employees: int, reset: bool) -> str:
    """Migrate, bulk-insert the employees, and return an API token key for a plain employee."""
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import transaction

    from urakata.core import services as core_services
    from urakata.core.roles import Role
    from urakata.org.models import Department, Employee, Position

    call_command("migrate", interactive=False, verbosity=0)
    if Employee.objects.exists():
        if not reset:
            raise SystemExit("the database already has employees: pass --reset to empty it")
        call_command("flush", interactive=False, verbosity=0)
    started = time.perf_counter()
    rng = random.Random(20261124)
    with transaction.atomic():
        departments = Department.objects.bulk_create(
            [Department(code=f"B{i:03d}", name=f"部署{i:03d}", sort_order=i) for i in range(40)]
        )
        positions = Position.objects.bulk_create(
            [Position(code=f"BP{i}", name=f"役職{i}", rank=i * 10) for i in range(6)]
        )
    batch_size = 2_000
    for start in range(0, employees, batch_size):
        with transaction.atomic():
            Employee.objects.bulk_create(
                [
                    Employee(
                        code=f"B{n:06d}",
                        last_name=rng.choice(["佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺"]),
                        first_name=f"太郎{n}",
                        last_name_kana="サトウ",
                        first_name_kana="タロウ",
                        email=f"b{n:06d}@bench.example.jp",
                        department=rng.choice(departments),
                        position=rng.choice(positions),
                        hire_date=dt.date(2000, 4, 1) + dt.timedelta(days=rng.randrange(9000)),
                    )
                    for n in range(start, min(start + batch_size, employees))
                ]
            )
    user = User.objects.create_user("bench", password=None)
    user.groups.add(Group.objects.get_or_create(name=Role.EMPLOYEE.value)[0])
    _token, key = core_services.api_token_create(actor=user, user=user, name="benchmark")
    print(f"seeded {employees:,} employees in {time.perf_counter() - started:.1f} s")
    return key


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(port: int, workers: int, log_path: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    command = [sys.executable, "-m", "urakata.cli", "serve", "--bind", f"127.0.0.1:{port}"]
    if workers:
        command += ["--workers", str(workers)]
    log = log_path.open("wb")  # gunicorn's access log goes here, as it would in production
    return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)


def wait_until_ready(port: int, headers: dict[str, str], server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"server exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/api/v1/employees?page=1", headers=headers)
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status == 200:
                return
            raise SystemExit(f"server answered {response.status}")
        except OSError:
            time.sleep(0.3)
    raise SystemExit("server did not start in 90 s")


class Load:
    """Client threads sharing a request budget and a deadline; each keeps its connection open."""

    def __init__(self, *, port: int, headers: dict[str, str], pages: int, args: Any) -> None:
        self.port, self.headers, self.pages = port, headers, pages
        self.max_requests, self.duration = args.requests, args.duration
        self.page_size = args.page_size
        self.lock = threading.Lock()
        self.issued = 0
        self.latencies: list[float] = []
        self.errors: dict[str, int] = {}
        self.deadline = 0.0

    def _take(self) -> bool:
        with self.lock:
            if self.issued >= self.max_requests or time.perf_counter() >= self.deadline:
                return False
            self.issued += 1
            return True

    def _client(self, seed: int) -> None:
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        latencies: list[float] = []
        while self._take():
            page = rng.randint(1, self.pages)
            path = f"/api/v1/employees?page={page}&page_size={self.page_size}"
            began = time.perf_counter()
            try:
                conn.request("GET", path, headers=self.headers)
                response = conn.getresponse()
                body = response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                self._error(type(error).__name__)
                continue
            latencies.append(time.perf_counter() - began)
            if status != 200 or not body.startswith(b'{"meta"'):
                self._error(f"HTTP {status}")
        conn.close()
        with self.lock:
            self.latencies.extend(latencies)

    def _error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1

    def run(self, concurrency: int) -> float:
        threads = [
            threading.Thread(target=self._client, args=(i,), daemon=True)
            for i in range(concurrency)
        ]
        started = time.perf_counter()
        self.deadline = started + self.duration
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started


def main() -> None:
    args = parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url:
        ensure_postgres_database(database_url)
    # SQLite file (unless DATABASE_URL), secret key, collected static files, server log.
    data_dir = Path(tempfile.mkdtemp(prefix="urakata-bench-"))
    setup_django(data_dir)
    from django.conf import settings

    from urakata.web.management.commands.serve import default_workers

    key = seed(employees=args.employees, reset=args.reset)
    port = free_port()
    workers = args.workers or default_workers()
    server = start_server(port, workers, data_dir / "server.log")
    # Behind the TLS-terminating proxy of a real deployment; without it Django redirects to https.
    headers = {"Authorization": f"Bearer {key}", "X-Forwarded-Proto": "https"}
    try:
        wait_until_ready(port, headers, server)
        pages = math.ceil(args.employees / args.page_size)
        load = Load(port=port, headers=headers, pages=pages, args=args)
        load_before = os.getloadavg()[0]
        elapsed = load.run(args.concurrency)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        if args.keep:
            print(f"data dir kept: {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    done = len(load.latencies)
    cuts = statistics.quantiles(load.latencies, n=100) if done >= 2 else [0.0] * 99
    print(
        f"GET /api/v1/employees?page=N (page_size={args.page_size}, {args.employees:,} employees, "
        f"{engine}, gunicorn {workers} workers, {args.concurrency} client threads, "
        f"{os.cpu_count()} CPU cores shared by server and client)"
    )
    print(
        f"requests: {done:,} in {elapsed:.1f} s, errors: {sum(load.errors.values())}{' ' + str(load.errors) if load.errors else ''}"
    )
    print(f"throughput: {done / elapsed:,.1f} requests/second")
    # Other work on the machine skews the figures: say how busy it was before the run.
    print(f"machine load average before the run: {load_before:.2f} (1 min)")
    print(
        f"latency: p50 {cuts[49] * 1000:.1f} ms, p95 {cuts[94] * 1000:.1f} ms, "
        f"p99 {cuts[98] * 1000:.1f} ms, max {max(load.latencies, default=0) * 1000:.1f} ms"
    )
    if load.errors:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
