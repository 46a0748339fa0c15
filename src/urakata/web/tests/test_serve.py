"""`urakata serve` for real: gunicorn + whitenoise in a subprocess on a fresh data directory."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from urakata.web.tests.processes import (
    free_port,
    get,
    production_env,
    stop,
    urakata,
    wait_until_answering,
)

pytestmark = pytest.mark.process


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
        stop(process)
        log.close()
    assert process.returncode == 0, (tmp_path / "serve.log").read_text()[-2000:]
