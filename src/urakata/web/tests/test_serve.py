"""`urakata serve` for real: gunicorn + whitenoise in a subprocess on a fresh data directory."""

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


def test_serve_answers_pages_and_static_files(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    subprocess.run(urakata("migrate", "-v0"), env=env, check=True, timeout=120)  # noqa: S603
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own command line
        urakata("serve", "--bind", f"127.0.0.1:{port}", "--insecure-http", "--workers", "2"),
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_answering(port, process)
        status, headers, body = get(port, "/accounts/login/")
        assert status == 200, body[:500]
        assert 'name="username"' in body.decode()
        assert "csrftoken" in headers.get("Set-Cookie", "")
        # The page links the hashed (manifest) name of htmx; whitenoise serves it, compressed.
        status, _headers, _body = get(port, "/static/vendor/htmx/htmx.min.js")
        assert status == 200
        hashed = next(
            line.split('"')[1]
            for line in body.decode().splitlines()
            if "htmx" in line and "<script" in line
        )
        assert hashed != "/static/vendor/htmx/htmx.min.js"
        status, headers, static_body = get(port, hashed)
        assert status == 200
        assert headers["Content-Type"].startswith("text/javascript")
        assert headers.get("Content-Encoding") in {"gzip", "br"}
        assert "max-age=315360000" in headers["Cache-Control"]  # immutable, hashed name
        assert len(static_body) > 1000
        # Anonymous API access is a JSON 401, not an HTML error page.
        status, headers, body = get(port, "/api/v1/employees")
        assert status == 401 and headers["Content-Type"].startswith("application/json")
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
    assert process.returncode == 0, (tmp_path / "serve.log").read_text()[-2000:]
