"""API, pages, CSV index, the tax-examination ZIP and the CLI."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from urakata.core.models import AuditEvent
from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.documents import services
from urakata.documents.tests.factories import file_document, pdf_bytes, upload
from urakata.org.tests.factories import CounterpartyFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/documents"


def test_api_file_search_version_and_download(client_for: Any) -> None:
    client = client_for(Role.GENERAL_AFFAIRS)
    partner = CounterpartyFactory(name="国税商事")
    response = client.post(
        API,
        {
            "file": SimpleUploadedFile("q.pdf", pdf_bytes("清掃業務の見積"), "application/pdf"),
            "title": "清掃の見積書",
            "doc_type": "quotation",
            "transaction_date": "2026-05-01",
            "amount": "55000",
            "counterparty_id": str(partner.pk),
            "tags": "清掃, 2026",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["tags"] == ["2026", "清掃"] and body["versions"][0]["number"] == 1
    document_id = body["id"]
    found = client.get(API, {"amount_min": 50000, "amount_max": 60000, "q": "清掃"}).json()
    assert [i["id"] for i in found["items"]] == [document_id] and "<mark>" in found["items"][0][
        "snippet"
    ]
    new = client.post(
        f"{API}/{document_id}/versions",
        {
            "file": SimpleUploadedFile("q2.pdf", pdf_bytes("v2"), "application/pdf"),
            "reason": "値引き",
        },
    )
    assert new.status_code == 201 and new.json()["number"] == 2
    old = client.get(f"{API}/{document_id}/versions/1/file")
    assert old.status_code == 200 and b"".join(old.streaming_content) == pdf_bytes("清掃業務の見積")
    refused = client.post(
        API,
        {
            "file": SimpleUploadedFile("e.pdf", b"", "application/pdf"),
            "title": "x",
            "doc_type": "other",
        },
    )
    assert refused.status_code == 422
    assert (
        client.post(
            f"{API}/{document_id}/dispose", {"reason": "x"}, content_type="application/json"
        ).status_code
        == 409
    )


def test_zip_holds_index_and_every_version(tmp_path: Path) -> None:
    partner = CounterpartyFactory(name="国税商事")
    document = file_document(counterparty_id=partner.pk, amount=110000, content=pdf_bytes("a"))
    services.version_add(
        actor=SYSTEM, document=document, upload=upload("b.pdf", pdf_bytes("b")), reason="訂正"
    )
    file_document(title="他社", amount=5)
    out = tmp_path / "export.zip"
    call_command(
        "documents", "export", "--counterparty", "国税", "--amount-min", "100000", "--out", str(out)
    )
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        index = list(csv.reader(io.StringIO(archive.read("index.csv").decode("utf-8-sig"))))
        assert archive.read(index[1][10]) == pdf_bytes("a")
    assert index[0][:4] == ["文書番号", "取引年月日", "取引金額", "取引先"]
    assert len(index) == 3 and {row[9] for row in index[1:]} == {"1", "2"}
    assert any(n.startswith("files/20260510_国税商事_110000_") for n in names)
    assert AuditEvent.objects.filter(action="documents.document.export").exists()


def test_cli_search_json(capsys: Any) -> None:
    partner = CounterpartyFactory(name="日本物産")
    mine = file_document(counterparty_id=partner.pk, amount=3000)
    file_document(amount=3000)
    call_command(
        "documents",
        "search",
        "--from",
        "2026-05-01",
        "--to",
        "2026-05-31",
        "--amount-min",
        "1000",
        "--amount-max",
        "5000",
        "--counterparty",
        "物産",
        "--json",
    )
    payload = json.loads(capsys.readouterr().out)
    assert payload["count"] == 1 and payload["documents"][0]["id"] == mine.pk
    assert payload["documents"][0]["counterparty"] == "日本物産"


def test_list_page_queries_do_not_grow(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    for _ in range(2):
        file_document(tags=("a",))
    with CaptureQueriesContext(connection) as few:
        assert client.get("/documents/").status_code == 200
    for _ in range(6):
        file_document(tags=("b",), counterparty_id=CounterpartyFactory().pk)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/documents/")
    assert response.status_code == 200 and len(many) == len(few)
    csv_response = client.get("/documents/?format=csv")
    assert csv_response.status_code == 200 and "取引年月日" in csv_response.content.decode(
        "utf-8-sig"
    )


def test_pages_file_and_show_history(client_for: Any) -> None:
    client = client_for(Role.GENERAL_AFFAIRS)
    response = client.post(
        "/documents/new/",
        {
            "file": SimpleUploadedFile("s.png", b"\x89PNG broken", "image/png"),
            "title": "領収書",
            "doc_type": "receipt",
            "capture": "scan",
        },
    )
    assert response.status_code == 422
    response = client.post(
        "/documents/new/",
        {
            "file": SimpleUploadedFile("q.pdf", pdf_bytes(), "application/pdf"),
            "title": "見積書",
            "doc_type": "quotation",
            "transaction_date": "2026-05-01",
            "amount": "1,000",
        },
    )
    assert response.status_code == 302
    detail = client.get(response["Location"])
    assert detail.status_code == 200 and "訂正削除履歴" in detail.content.decode()
