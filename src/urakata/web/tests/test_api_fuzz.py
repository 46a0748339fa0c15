"""A property-based fuzz run (schemathesis) against the live OpenAPI of `urakata serve`.

The demo company on a scratch SQLite data dir, an administrator's and an employee's API token;
every generated request must get no 5xx and a response that conforms to the schema. `make test`
runs a bounded pass (fuzzing phase, a few examples per operation); `make fuzz` runs every phase
with more examples (URAKATA_FUZZ_PHASES, URAKATA_FUZZ_EXAMPLES; URAKATA_FUZZ_SEED to replay).
"""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from urakata.web.tests.processes import (
    free_port,
    production_env,
    stop,
    urakata,
    wait_until_answering,
)

pytestmark = pytest.mark.process

CHECKS = "not_a_server_error,response_schema_conformance"


def _token(env: dict[str, str], username: str) -> str:
    made = subprocess.run(  # noqa: S603 - our own command line
        urakata("token", "create", username, "--name", "fuzz", "--json"),
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    token: str = json.loads(made.stdout)["token"]
    return token


def _schema(port: int, path: Path) -> Path:
    """The live OpenAPI, fetched once with a patient timeout (a busy machine builds it slowly)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    try:
        conn.request("GET", "/api/v1/openapi.json")
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    assert response.status == 200, body[:500]
    path.write_bytes(body)
    return path


def _fuzz(port: int, schema: Path, token: str, log: Path) -> subprocess.CompletedProcess[str]:
    command = [
        str(Path(sys.executable).parent / "st"),
        "run",
        str(schema),
        "--url",
        f"http://127.0.0.1:{port}",
        "--header",
        f"Authorization: Bearer {token}",
        "--checks",
        CHECKS,
        "--phases",
        os.environ.get("URAKATA_FUZZ_PHASES", "fuzzing"),
        "--max-examples",
        os.environ.get("URAKATA_FUZZ_EXAMPLES", "6"),
        "--workers",
        "2",
        "--request-timeout",
        "30",
    ]
    if seed := os.environ.get("URAKATA_FUZZ_SEED"):
        command += ["--seed", seed]
    done = subprocess.run(  # noqa: S603 - the fuzzer installed with the dev extras
        command, cwd=log.parent, capture_output=True, text=True, timeout=3600, check=False
    )
    log.write_text(done.stdout + done.stderr)
    return done


def test_fuzzed_requests_get_no_server_error_and_conform_to_the_schema(tmp_path: Path) -> None:
    env = production_env(tmp_path)
    seeded = subprocess.run(  # noqa: S603 - our own command line
        urakata("demo", "--no-serve"), env=env, capture_output=True, text=True, timeout=600
    )
    assert seeded.returncode == 0, seeded.stderr
    # The employee runs first: the administrator's run may deactivate people or revoke tokens.
    tokens = {name: _token(env, name) for name in ("employee", "admin")}
    port = free_port()
    with (tmp_path / "serve.log").open("wb") as log:
        server = subprocess.Popen(  # noqa: S603 - our own command line
            urakata("serve", "--bind", f"127.0.0.1:{port}", "--insecure-http", "--workers", "2"),
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_answering(port, server)
            schema = _schema(port, tmp_path / "openapi.json")
            for name, token in tokens.items():
                done = _fuzz(port, schema, token, tmp_path / f"fuzz-{name}.log")
                summary = done.stdout[-6000:]
                assert done.returncode == 0, f"fuzzing as {name}:\n{summary}"
                assert "generated" in done.stdout and "passed" in done.stdout, summary
        finally:
            stop(server)
