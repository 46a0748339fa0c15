"""Benchmark: requests/s and p50/p99 for the home page, the inbox and a list API under load.

Seeds the demo company into a fresh SQLite data dir under /tmp (or the database in DATABASE_URL,
emptied first with `demo --reset`), starts `urakata serve`, logs in as the demo 部長 (manager) for
the pages and creates an API token for the list, then drives each target from 16 keep-alive
client threads for a bounded time and request count and prints the figures. Run:

    python benchmarks/load.py [--duration 15] [--requests 3000] [--concurrency 16]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/urakata_load python benchmarks/load.py

Figures depend on the machine (server and clients share its cores): compare runs on one machine.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from benchmarks.api_employees import ensure_postgres_database, free_port, setup_django

SRC = Path(__file__).resolve().parents[1] / "src"
TARGETS = (
    ("home page", "/", "session"),
    ("inbox", "/workflow/", "session"),
    ("list API", "/api/v1/employees?page=1&page_size=50", "token"),
)
USERNAME = "manager"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per target at most")
    parser.add_argument("--requests", type=int, default=3_000, help="requests per target at most")
    parser.add_argument("--concurrency", type=int, default=16, help="client threads")
    parser.add_argument("--workers", type=int, default=0, help="gunicorn workers (0: from cores)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary data dir")
    return parser.parse_args()


def seed() -> str:
    """The demo company, and an API token for the demo manager."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from urakata.core import services as core_services

    reset = ["--reset"] if os.environ.get("DATABASE_URL") else []
    started = time.perf_counter()
    call_command("demo", "--no-serve", *reset, stdout=open(os.devnull, "w"))  # noqa: SIM115
    user = get_user_model().objects.get(username=USERNAME)
    _token, key = core_services.api_token_create(actor=user, user=user, name="load benchmark")
    print(f"seeded the demo company in {time.perf_counter() - started:.1f} s")
    return key


def login(port: int) -> str:
    """A session cookie header for the demo manager, through the real login form."""
    from urakata.org.demo import DEMO_PASSWORD

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/accounts/login/")
    page = conn.getresponse()
    body = page.read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    cookie = re.search(r"csrftoken=([^;]+)", page.getheader("Set-Cookie") or "")
    if not csrf or not cookie:
        raise SystemExit("login page without a CSRF token")
    form = urlencode(
        {"username": USERNAME, "password": DEMO_PASSWORD, "csrfmiddlewaretoken": csrf.group(1)}
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={cookie.group(1)}",
    }
    conn.request("POST", "/accounts/login/", body=form, headers=headers)
    answer = conn.getresponse()
    answer.read()
    session = re.search(r"sessionid=([^;]+)", ", ".join(answer.headers.get_all("Set-Cookie") or []))
    conn.close()
    if answer.status != 302 or not session:
        raise SystemExit(f"login failed: HTTP {answer.status}")
    return f"sessionid={session.group(1)}; csrftoken={cookie.group(1)}"


@dataclass
class Load:
    """Client threads sharing a request budget and a deadline; each keeps its connection open."""

    port: int
    path: str
    headers: dict[str, str]
    max_requests: int
    duration: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    issued: int = 0
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    deadline: float = 0.0

    def _take(self) -> bool:
        with self.lock:
            if self.issued >= self.max_requests or time.perf_counter() >= self.deadline:
                return False
            self.issued += 1
            return True

    def _client(self) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        latencies: list[float] = []
        while self._take():
            began = time.perf_counter()
            try:
                conn.request("GET", self.path, headers=self.headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException) as error:
                conn.close()
                self._error(type(error).__name__)
                continue
            latencies.append(time.perf_counter() - began)
            if response.status != 200:
                self._error(f"HTTP {response.status}")
        conn.close()
        with self.lock:
            self.latencies.extend(latencies)

    def _error(self, kind: str) -> None:
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1

    def run(self, concurrency: int) -> float:
        threads = [threading.Thread(target=self._client, daemon=True) for _ in range(concurrency)]
        started = time.perf_counter()
        self.deadline = started + self.duration
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return time.perf_counter() - started


def report(name: str, path: str, load: Load, elapsed: float) -> None:
    done = len(load.latencies)
    cuts = statistics.quantiles(load.latencies, n=100) if done >= 2 else [0.0] * 99
    errors = sum(load.errors.values())
    print(
        f"{name:<10} GET {path:<40} {done / elapsed:8.1f} req/s  p50 {cuts[49] * 1000:7.1f} ms"
        f"  p99 {cuts[98] * 1000:7.1f} ms  ({done:,} requests in {elapsed:.1f} s, "
        f"errors {errors}{' ' + str(load.errors) if load.errors else ''})"
    )


def main() -> None:
    args = parse_args()
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url:
        ensure_postgres_database(database_url)
    data_dir = Path(tempfile.mkdtemp(prefix="urakata-load-"))
    setup_django(data_dir)
    from django.conf import settings

    from urakata.web.management.commands.serve import default_workers

    key = seed()
    port = free_port()
    workers = args.workers or default_workers()
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    command = [sys.executable, "-m", "urakata.cli", "serve", "--bind", f"127.0.0.1:{port}"]
    command += ["--insecure-http", "--workers", str(workers)]
    log = (data_dir / "server.log").open("wb")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    failed = False
    try:
        from urakata.web.tests.processes import wait_until_answering

        wait_until_answering(port, server, timeout=90)  # type: ignore[arg-type]
        session = login(port)
        engine = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        print(
            f"demo company, {engine}, gunicorn {workers} workers, {args.concurrency} client "
            f"threads, {os.cpu_count()} CPU cores shared by server and clients; "
            f"load average before: {os.getloadavg()[0]:.2f}"
        )
        for name, path, auth in TARGETS:
            headers = (
                {"Cookie": session} if auth == "session" else {"Authorization": f"Bearer {key}"}
            )
            # Warm-up, not timed: every worker imports its views and fills its caches once.
            Load(port, path, headers, workers * 4, args.duration).run(workers)
            load = Load(port, path, headers, args.requests, args.duration)
            elapsed = load.run(args.concurrency)
            report(name, path, load, elapsed)
            failed = failed or bool(load.errors)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        if args.keep:
            print(f"data dir kept: {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)
    if failed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
