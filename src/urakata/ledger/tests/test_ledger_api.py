"""Ledger API: permission matrix, posting/correcting through JSON, 4xx errors, query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from urakata.core.roles import Role
from urakata.ledger.models import JournalEntry, Period
from urakata.ledger.tests.factories import post_simple

pytestmark = pytest.mark.django_db

ENTRY = {
    "date": "2025-05-10",
    "description": "API仕訳",
    "lines": [
        {"account": "7290", "debit": 1100, "tax_code": "P10"},
        {"account": "1140", "credit": 1100},
    ],
    "tax_entry": "inclusive",
}

READ_URLS = [
    "/api/v1/ledger/accounts",
    "/api/v1/ledger/tax-codes",
    "/api/v1/ledger/entries",
    "/api/v1/ledger/periods?fiscal_year=2025",
]
REPORT_URLS = [
    "/api/v1/ledger/reports/trial-balance?from=2025-04&to=2025-06",
    "/api/v1/ledger/reports/profit-and-loss?from=2025-04&to=2025-06",
    "/api/v1/ledger/reports/balance-sheet?as_of=2025-06",
    "/api/v1/ledger/reports/general-ledger?account=1140&from=2025-04&to=2025-06",
    "/api/v1/ledger/reports/tax-summary?from=2025-04&to=2025-06",
    "/api/v1/ledger/reports/trial-balance-by-department?from=2025-04&to=2025-06",
]


@pytest.mark.parametrize(
    ("role", "read", "report", "write"),
    [
        (None, 401, 401, 401),
        (Role.EMPLOYEE, 403, 403, 403),
        (Role.MANAGER, 403, 403, 403),
        (Role.EXECUTIVE, 403, 200, 403),
        (Role.AUDITOR, 200, 200, 403),
        (Role.ACCOUNTING, 200, 200, 201),
        (Role.ADMIN, 200, 200, 201),
    ],
)
def test_permission_matrix(
    client_for: Any, role: Role | None, read: int, report: int, write: int
) -> None:
    post_simple()
    client = client_for(role)
    for url in READ_URLS:
        assert client.get(url).status_code == read, url
    for url in REPORT_URLS:
        assert client.get(url).status_code == report, url
    before = JournalEntry.objects.count()
    response = client.post("/api/v1/ledger/entries", ENTRY, content_type="application/json")
    assert response.status_code == write
    assert JournalEntry.objects.count() == before + (1 if write == 201 else 0)


def test_post_and_correct_through_api(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    created = client.post("/api/v1/ledger/entries", ENTRY, content_type="application/json").json()
    assert created["amount"] == 1100 and len(created["lines"]) == 3
    response = client.post(
        f"/api/v1/ledger/entries/{created['id']}/correct",
        {
            "reason": "金額誤り",
            "lines": [{"account": "7290", "debit": 2200}, {"account": "1140", "credit": 2200}],
            "tax_entry": "none",
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["reversal"]["reverses_id"] == created["id"]
    assert body["replacement"]["replaces_id"] == created["id"]
    detail = client.get(f"/api/v1/ledger/entries/{created['id']}").json()
    assert detail["reversed_by"] == [body["reversal"]["id"]]
    assert detail["replaced_by"] == [body["replacement"]["id"]]
    history = client.get(f"/api/v1/ledger/entries/{created['id']}/history").json()
    assert [e["id"] for e in history] == [
        created["id"],
        body["reversal"]["id"],
        body["replacement"]["id"],
    ]
    again = client.post(
        f"/api/v1/ledger/entries/{created['id']}/correct",
        {"reason": "x"},
        content_type="application/json",
    )
    assert again.status_code == 409


def test_unbalanced_entry_is_422_with_all_errors(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    response = client.post(
        "/api/v1/ledger/entries",
        {
            "date": "2025-05-10",
            "description": "",
            "lines": [{"account": "0000", "debit": 5}, {"account": "1140", "credit": 3}],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "description" in errors and "lines.0.account" in errors
    bad_month = client.get("/api/v1/ledger/reports/trial-balance?from=2025-13")
    assert bad_month.status_code == 422
    assert client.get("/api/v1/ledger/entries/999999").status_code == 404


def test_close_and_reopen_via_api(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    assert client.post("/api/v1/ledger/periods/2025-05/close").status_code == 200
    refused = client.post("/api/v1/ledger/entries", ENTRY, content_type="application/json")
    assert refused.status_code == 422 and "date" in refused.json()["errors"]
    assert client.post("/api/v1/ledger/periods/2025-05/close").status_code == 409
    alone = client.post(
        "/api/v1/ledger/periods/2025-05/reopen",
        {"reason": "修正"},
        content_type="application/json",
    )
    assert alone.status_code == 409  # nobody else could approve it
    client_for(Role.ACCOUNTING)  # a second accountant exists now
    reopened = client.post(
        "/api/v1/ledger/periods/2025-05/reopen",
        {"reason": "修正"},
        content_type="application/json",
    )
    assert reopened.status_code == 202 and reopened.json()["status"] == "pending"
    assert Period.objects.get(period=202505).is_closed  # until the other one approves
    assert client_for(Role.AUDITOR).post("/api/v1/ledger/periods/2025-05/close").status_code == 403


def test_entry_list_query_count_does_not_grow(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/ledger/entries?page_size=100").status_code == 200
        return len(ctx.captured_queries)

    for _ in range(3):
        post_simple()
    few = count()
    for _ in range(20):
        post_simple()
    assert count() == few


def test_accounts_can_be_added_and_deactivated(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    response = client.post(
        "/api/v1/ledger/accounts",
        {"code": "7490", "name": "業務委託費", "category": "expense", "section": "sga"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["normal_side"] == "debit"
    account_id = response.json()["id"]
    sub = client.post(
        f"/api/v1/ledger/accounts/{account_id}/sub-accounts",
        {"code": "01", "name": "A社"},
        content_type="application/json",
    )
    assert sub.json()["sub_accounts"][0]["name"] == "A社"
    client.patch(
        f"/api/v1/ledger/accounts/{account_id}",
        {"is_active": False},
        content_type="application/json",
    )
    refused = client.post(
        "/api/v1/ledger/entries",
        {**ENTRY, "lines": [{"account": "7490", "debit": 1}, {"account": "1140", "credit": 1}]},
        content_type="application/json",
    )
    assert refused.status_code == 422
    duplicate = client.post(
        "/api/v1/ledger/accounts",
        {"code": "7490", "name": "業務委託費", "category": "x", "section": "y"},
        content_type="application/json",
    )
    assert set(duplicate.json()["errors"]) >= {"code", "name", "category", "section"}


def test_rounding_setting_via_api(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    assert client.get("/api/v1/ledger/settings").json()["rounding"] == "floor"
    bad = client.patch(
        "/api/v1/ledger/settings", {"rounding": "banker"}, content_type="application/json"
    )
    assert bad.status_code == 422 and "rounding" in bad.json()["errors"]
    ok = client.patch(
        "/api/v1/ledger/settings", {"rounding": "half_up"}, content_type="application/json"
    )
    assert ok.json()["rounding"] == "half_up"
    auditor = client_for(Role.AUDITOR)
    assert (
        auditor.patch(
            "/api/v1/ledger/settings", {"rounding": "floor"}, content_type="application/json"
        ).status_code
        == 403
    )
