"""登録番号 look-up in the public registry (Web-API Ver.1), against a local server speaking its JSON."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.cache import cache
from django.core.management import call_command

from urakata.core.permissions import SYSTEM
from urakata.invoicing.received import received_create
from urakata.invoicing.registry import registry_lookup

pytestmark = pytest.mark.django_db

ACTIVE, CANCELLED, EXPIRED, ABSENT = (
    "T7123456789012",
    "T5201000101234",
    "T3301000101234",
    "T7101000101234",
)


def _record(number: str, name: str, registered: str, disposal: str = "", expire: str = "") -> dict:
    return {
        "sequenceNumber": "1",
        "registratedNumber": number,
        "process": "01",
        "correct": "0",
        "kind": "2",
        "country": "1",
        "latest": "1",
        "registrationDate": registered,
        "updateDate": registered,
        "disposalDate": disposal,
        "expireDate": expire,
        "address": "東京都千代田区霞が関3丁目1-1",
        "name": name,
        "tradeName": "",
    }


RECORDS = {
    ACTIVE: _record(ACTIVE, "株式会社登録商事", "2023-10-01"),
    CANCELLED: _record(CANCELLED, "取消工業株式会社", "2023-10-01", disposal="2026-06-01"),
    EXPIRED: _record(EXPIRED, "失効物産株式会社", "2023-10-01", expire="2025-04-01"),
}


class _Registry(BaseHTTPRequestHandler):
    requests: list[dict[str, list[str]]] = []

    def do_GET(self) -> None:
        url = urlparse(self.path)
        query = parse_qs(url.query)
        type(self).requests.append(query)
        if url.path != "/1/num" or query.get("id") != ["TESTAPPID"] or query.get("type") != ["21"]:
            self.send_response(400)
            self.end_headers()
            return
        rows = [RECORDS[n] for n in query["number"][0].split(",") if n in RECORDS]
        body = {"lastUpdateDate": "2026-12-03", "count": str(len(rows)), "announcement": rows}
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def registry(settings: Any) -> Iterator[list[dict[str, list[str]]]]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Registry)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.URAKATA_INVOICE_REGISTRY_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.URAKATA_INVOICE_REGISTRY_APP_ID = "TESTAPPID"
    _Registry.requests = []
    cache.clear()
    yield _Registry.requests
    server.shutdown()
    server.server_close()
    cache.clear()


def test_lookup_reads_name_dates_and_status(registry: list[Any]) -> None:
    active = registry_lookup(ACTIVE)
    assert (active.checked, active.found, active.name) == (True, True, "株式会社登録商事")
    assert active.registered_on == dt.date(2023, 10, 1)
    assert active.registered_on_day(dt.date(2026, 12, 1))
    assert not active.registered_on_day(dt.date(2023, 9, 30))  # before 登録年月日
    cancelled = registry_lookup(CANCELLED)
    assert cancelled.cancelled_on == dt.date(2026, 6, 1) and "取り消" in cancelled.message
    assert cancelled.registered_on_day(dt.date(2026, 5, 31))
    assert not cancelled.registered_on_day(dt.date(2026, 6, 1))
    expired = registry_lookup(EXPIRED)
    assert expired.expired_on == dt.date(2025, 4, 1) and "失効" in expired.message
    absent = registry_lookup(ABSENT)
    assert (absent.checked, absent.found) == (True, False) and "登録がありません" in absent.message
    assert registry[0] == {
        "id": ["TESTAPPID"],
        "number": [ACTIVE],
        "type": ["21"],
        "history": ["0"],
    }


def test_answers_are_cached_per_number_and_day(registry: list[Any]) -> None:
    day = dt.date(2026, 12, 4)
    registry_lookup(ACTIVE, today=day)
    registry_lookup(ACTIVE, today=day)
    assert len(registry) == 1
    registry_lookup(ACTIVE, today=day + dt.timedelta(days=1))
    assert len(registry) == 2


def test_bad_numbers_are_not_sent_and_off_without_an_app_id(
    registry: list[Any], settings: Any
) -> None:
    wrong = registry_lookup("T1234567890123")  # check digit
    assert not wrong.checked and wrong.message and registry == []
    settings.URAKATA_INVOICE_REGISTRY_APP_ID = ""
    off = registry_lookup(ACTIVE)
    assert not off.checked and "設定されていません" in off.message and registry == []


def test_unreachable_registry_gives_a_clear_message(settings: Any) -> None:
    import socket

    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.URAKATA_INVOICE_REGISTRY_URL = f"http://127.0.0.1:{port}"
    settings.URAKATA_INVOICE_REGISTRY_APP_ID = "TESTAPPID"
    settings.URAKATA_INVOICE_REGISTRY_TIMEOUT = 2.0
    cache.clear()
    answer = registry_lookup(ACTIVE)
    assert not answer.checked and "接続できません" in answer.message


def test_a_received_invoice_from_a_cancelled_number_gets_the_transitional_rule(
    registry: list[Any],
) -> None:
    def create(number: str, day: dt.date) -> Any:
        return received_create(
            actor=SYSTEM,
            data={
                "issuer_name": "仕入先",
                "registration_number": number,
                "issue_date": day,
                "taxable_10": 10_000,
                "tax_10": 1_000,
            },
        )

    assert create(ACTIVE, dt.date(2026, 11, 30)).registration_ok is True
    assert create(CANCELLED, dt.date(2026, 5, 20)).registration_ok is True  # before 取消
    assert create(CANCELLED, dt.date(2026, 11, 30)).registration_ok is False
    assert create(ABSENT, dt.date(2026, 11, 30)).registration_ok is False


def test_cli_registry_json(registry: list[Any]) -> None:
    out = StringIO()
    call_command("invoice", "registry", ACTIVE, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["registered"] is True and data["name"] == "株式会社登録商事"
    assert data["registered_on"] == "2023-10-01" and data["cancelled_on"] is None
    with pytest.raises(SystemExit) as exited:
        call_command("invoice", "registry", EXPIRED, "--json", stdout=StringIO())
    assert exited.value.code == 1


def test_api_registry_check(registry: list[Any], client_for: Any) -> None:
    from urakata.core.roles import Role

    answer = client_for(Role.ACCOUNTING).get(f"/api/v1/invoicing/registry/{CANCELLED}").json()
    assert answer["found"] is True and answer["registered"] is False
    assert answer["cancelled_on"] == "2026-06-01" and answer["name"] == "取消工業株式会社"
    bad = client_for(Role.ACCOUNTING).get("/api/v1/invoicing/registry/T123").json()
    assert bad["checked"] is False and bad["message"]
