"""The facilities API: clear 4xx answers for bad input, nothing half-saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from urakata.core.roles import Role
from urakata.facilities import visitors
from urakata.facilities.models import FixedAsset, GoodsReceipt, Visit
from urakata.facilities.tests import factories
from urakata.org.models import Counterparty

pytestmark = pytest.mark.django_db
API = "/api/v1/facilities"


def test_schedule_endpoint_matches_the_cli_shape(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    response = client.get(
        f"{API}/depreciation/schedule",
        {"cost": 1_000_000, "life": 10, "method": "declining", "acquired": "2024-04-01"},
    )
    assert response.status_code == 200
    schedule = response.json()["schedule"]
    assert [row["depreciation"] for row in schedule][:2] == [200_000, 160_000]
    assert schedule[-1]["book_value_end"] == 1
    bad = client.get(
        f"{API}/depreciation/schedule",
        {"cost": 1_000_000, "life": 70, "method": "straight", "acquired": "2024-04-01"},
    )
    assert bad.status_code == 422 and "life" in bad.json()["errors"]


def test_register_and_read_an_asset(client_for: Any) -> None:
    client = client_for(Role.GENERAL_AFFAIRS)
    payload = {
        "name": "サーバー",
        "category": "equipment",
        "life": 5,
        "method": "declining",
        "acquired_on": "2025-04-01",
        "cost": 2_000_000,
    }
    created = client.post(f"{API}/assets", payload, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["schedule"][0]["depreciation"] == 800_000  # 2,000,000 × 0.400
    bad = client.post(f"{API}/assets", {**payload, "life": 99}, content_type="application/json")
    assert bad.status_code == 422 and "life" in bad.json()["errors"]
    assert FixedAsset.objects.count() == 1
    listed = client.get(f"{API}/assets").json()
    assert listed["meta"]["count"] == 1
    assert client.get(f"{API}/assets/{2**63}").status_code == 422  # beyond BIGINT: not a 500


def test_check_in_answers_409_for_a_used_code(client_for: Any, make_user: Any) -> None:
    host = make_user(Role.EMPLOYEE)
    visit = factories.visit(host=host, day=timezone.localdate())
    client = client_for(Role.GENERAL_AFFAIRS)
    first = client.post(
        f"{API}/reception/check-in", {"code": visit.code}, content_type="application/json"
    )
    assert first.status_code == 200 and first.json()["status"] == "arrived"
    again = client.post(
        f"{API}/reception/check-in", {"code": visit.code}, content_type="application/json"
    )
    assert again.status_code == 409 and "使用済み" in again.json()["detail"]
    missing = client.post(
        f"{API}/reception/check-in", {"code": "ZZZZZZZZ"}, content_type="application/json"
    )
    assert missing.status_code == 404
    board = client.get(f"{API}/reception/board").json()
    assert [v["id"] for v in board["arrived"]] == [visit.pk]


def test_receipt_above_the_order_is_refused(client_for: Any) -> None:
    client = client_for(Role.GENERAL_AFFAIRS)
    vendor = Counterparty.objects.create(code="V9", name="備品商会", is_supplier=True)
    item = factories.item(vendor_id=vendor.pk)
    order = client.post(
        f"{API}/orders",
        {"vendor_id": vendor.pk, "lines": [{"item_id": item.pk, "quantity": "5"}]},
        content_type="application/json",
    ).json()
    line = order["lines"][0]["id"]
    over = client.post(
        f"{API}/orders/{order['id']}/receive",
        {"quantities": {str(line): "6"}},
        content_type="application/json",
    )
    assert over.status_code == 422
    assert not GoodsReceipt.objects.exists()
    ok = client.post(
        f"{API}/orders/{order['id']}/receive",
        {"quantities": {str(line): "5"}},
        content_type="application/json",
    )
    assert ok.status_code == 200 and ok.json()["status"] == "received"


def test_hosts_see_only_their_visits(client_for: Any, make_user: Any) -> None:
    host = make_user(Role.EMPLOYEE)
    visit = visitors.visit_register(
        actor=host, visitor_name="来客", visit_date=timezone.localdate()
    )
    other = client_for(Role.EMPLOYEE)
    assert other.get(f"{API}/visits/{visit.pk}").status_code == 404
    assert other.get(f"{API}/visits").json() == []
    assert Visit.objects.count() == 1
