"""The invoicing API end to end: draft → issue → credit note → payment, documents, received
invoices; 422 for bad input; lists with a constant number of queries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from urakata.core.roles import Role
from urakata.invoicing.models import Invoice, ReceivedInvoice
from urakata.invoicing.tests.factories import company, customer, issued

pytestmark = pytest.mark.django_db
API = "/api/v1/invoicing"


def test_invoice_lifecycle_through_the_api(client_for: Any) -> None:
    company()
    cp = customer()
    client = client_for(Role.ACCOUNTING)
    payload = {
        "counterparty_id": cp.pk,
        "issue_date": "2026-05-15",
        "due_date": "2026-06-30",
        "lines": [
            {"description": "作業", "quantity": "1.5", "unit_price": 10000, "tax_category": "S"},
            {"description": "弁当", "quantity": "3", "unit_price": 540, "tax_category": "AA"},
        ],
    }
    created = client.post(f"{API}/invoices", payload, content_type="application/json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "draft" and body["tax_totals"] == [
        {"tax_category": "S", "taxable": 15000, "tax": 1500},
        {"tax_category": "AA", "taxable": 1620, "tax": 129},
    ]
    invoice_id = body["id"]
    issued_body = client.post(f"{API}/invoices/{invoice_id}/issue").json()
    assert issued_body["status"] == "issued" and issued_body["number"] == "INV-2026-00001"
    assert client.post(f"{API}/invoices/{invoice_id}/issue").status_code == 409
    pdf = client.get(f"{API}/invoices/{invoice_id}/pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    xml = client.get(f"{API}/invoices/{invoice_id}/pint")
    assert b"urn:peppol:pint:billing-1@jp-1" in xml.content
    note = client.post(
        f"{API}/invoices/{invoice_id}/credit-notes",
        {"issue_date": "2026-05-20", "lines": [{"description": "値引", "unit_price": 1000}]},
        content_type="application/json",
    ).json()
    assert client.post(f"{API}/invoices/{note['id']}/issue").json()["number"] == "CN-2026-00001"
    paid = client.post(
        f"{API}/invoices/{invoice_id}/payments",
        {"date": "2026-06-30", "amount": 18249 - 1100 - 660, "fee": 660},
        content_type="application/json",
    ).json()
    assert paid["status"] == "paid" and paid["open_amount"] == 0
    sent = client.post(
        f"{API}/invoices/{invoice_id}/send",
        {"to": "a@example.com"},
        content_type="application/json",
    )
    assert sent.status_code == 200
    listing = client.get(f"{API}/invoices?status=paid").json()
    assert [i["number"] for i in listing["items"]] == ["INV-2026-00001"]


def test_bad_input_is_422_not_500(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    bad = {
        "issue_date": "2026-05-15",
        "lines": [{"description": "x", "quantity": "-1", "unit_price": 1}],
    }
    assert client.post(f"{API}/invoices", bad, content_type="application/json").status_code == 422
    huge = {"issue_date": "2026-05-15", "lines": [{"description": "x", "unit_price": 10**20}]}
    assert client.post(f"{API}/invoices", huge, content_type="application/json").status_code == 422
    assert client.get(f"{API}/invoices?status=nonsense").status_code == 422
    assert client.get(f"{API}/invoices/99999999").status_code == 404
    assert not Invoice.objects.exists()


def test_received_pint_upload_and_approval(client_for: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = client_for(Role.ACCOUNTING)
    data = (Path(__file__).parent / "pint_examples" / "Example1-minimum.xml").read_bytes()
    response = client.post(
        f"{API}/received/pint", {"file": SimpleUploadedFile("a.xml", data, "application/xml")}
    )
    assert response.status_code == 201, response.json()
    item = response.json()
    assert item["total"] == 281240 and item["registration_ok"] is False  # check digit fails
    approved = client.post(f"{API}/received/{item['id']}/approve").json()
    assert approved["status"] == "approved" and approved["journal_entry_id"]
    broken = data.replace(b">281240</cbc:PayableAmount>", b">1</cbc:PayableAmount>")
    refused = client.post(
        f"{API}/received/pint", {"file": SimpleUploadedFile("b.xml", broken, "application/xml")}
    )
    assert refused.status_code == 422 and "ibr-co-16" in str(refused.json())
    assert ReceivedInvoice.objects.count() == 1


def test_invoice_list_queries_do_not_grow(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"{API}/invoices?page_size=100").status_code == 200
            assert client.get("/invoicing/invoices/").status_code == 200
        return len(ctx.captured_queries)

    cp = customer()
    for _ in range(2):
        issued(cp=cp)
    few = count()
    for _ in range(6):
        issued(cp=cp)
    assert count() == few
