"""Helpers for tests that run `urakata` commands as real processes on a fresh data directory."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def production_env(data_dir: Path) -> dict[str, str]:
    """The environment of a production process: own data dir, SQLite, no test settings."""
    env = dict(os.environ)
    for name in (
        "URAKATA_TESTING",
        "DATABASE_URL",
        "DEBUG",
        "SECRET_KEY",
        "DJANGO_SETTINGS_MODULE",
    ):
        env.pop(name, None)
    env["URAKATA_DATA_DIR"] = str(data_dir)
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).parents[3]), env.get("PYTHONPATH", "")])
    return env


def urakata(*args: str) -> list[str]:
    return [sys.executable, "-m", "urakata.cli", *args]


def wait_until_answering(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError("server did not answer in time")


def get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def stop(process: subprocess.Popen[bytes], timeout: float = 30) -> int:
    """SIGTERM (a graceful stop, as systemd does), then wait; kill if it hangs."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise
