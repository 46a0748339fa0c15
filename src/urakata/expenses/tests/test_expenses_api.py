"""The claim API end to end: create, lines, receipts (bad input), check, submit; list query count."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from urakata.expenses.tests.factories import WEEKDAY, claim_with_line, team

pytestmark = pytest.mark.django_db
API = "/api/v1/expenses"


@pytest.fixture
def people() -> dict[str, Any]:
    return team()


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_claim_lines_and_submit_errors(people: dict[str, Any]) -> None:
    client = _client(people["member"])
    created = client.post(f"{API}/claims", {"title": "大阪出張"}, content_type="application/json")
    assert created.status_code == 201
    claim_id = created.json()["id"]
    line = {
        "date": WEEKDAY.isoformat(),
        "category": "meeting",
        "payee": "喫茶さくら",
        "amount": 2_200,
    }
    added = client.post(f"{API}/claims/{claim_id}/lines", line, content_type="application/json")
    assert added.status_code == 201, added.content
    assert added.json()["amount_10"] == 2_200
    check = client.get(f"{API}/claims/{claim_id}/check").json()
    assert {"receipt", "attendees"} <= {f["code"] for f in check}
    refused = client.post(f"{API}/claims/{claim_id}/submit", {}, content_type="application/json")
    assert refused.status_code == 422
    assert any("領収書" in m for m in refused.json()["errors"]["claim"])
    bad = client.post(f"{API}/claims/{claim_id}/lines", {**line, "amount": -5},
                      content_type="application/json")  # fmt: skip
    assert bad.status_code == 422


def test_receipt_that_is_not_an_image_is_refused(people: dict[str, Any]) -> None:
    client = _client(people["member"])
    fake = io.BytesIO(b"#!/bin/sh\necho hi\n")
    fake.name = "receipt.png"
    response = client.post(f"{API}/receipts", {"file": fake})
    assert response.status_code == 422
    assert "receipt" in response.json()["errors"]


def test_list_query_count_does_not_grow(people: dict[str, Any]) -> None:
    client = _client(people["accountant"])
    claim_with_line(people["member"], seed=1)
    client.get(f"{API}/claims")
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{API}/claims").status_code == 200
    for seed in range(2, 6):
        claim_with_line(people["member"], seed=seed)
    with CaptureQueriesContext(connection) as many:
        body = client.get(f"{API}/claims").json()
    assert body["meta"]["count"] == 5
    assert len(many) == len(few)


def test_employee_sees_only_their_claims(people: dict[str, Any]) -> None:
    claim_with_line(people["member"], seed=1)
    other = team()["member"]
    assert _client(other).get(f"{API}/claims").json()["meta"]["count"] == 0
    assert _client(people["boss"]).get(f"{API}/claims").json()["meta"]["count"] == 1
