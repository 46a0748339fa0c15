"""Bounded work per API request: size, media type, authentication, ranges and lengths.

Each case is one that answered 500 (or did unbounded work) before: now a clear JSON 4xx, before
any work is done, and the bounds are in the OpenAPI schema.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from urakata.core.roles import Role
from urakata.core.schema_types import PAGE_MAX, YEN_LIMIT
from urakata.org.models import Department
from urakata.org.tests.factories import DepartmentFactory
from urakata.workflow.tests.factories import make_org, make_route, person

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin() -> Client:
    org = make_org()
    make_route()
    client = Client()
    client.force_login(org.admin)
    return client


def _post(client: Client, path: str, body: Any, method: str = "post") -> Any:
    return getattr(client, method)(path, json.dumps(body), content_type="application/json")


def test_body_over_the_limit_is_a_json_413(admin: Client) -> None:
    big = {"title": "x", "purpose": "あ" * (1024 * 1024), "amount": 1}
    response = _post(admin, "/api/v1/workflow/ringi", big)
    assert response.status_code == 413
    assert response.json()["code"] == "request_too_large"


def test_non_json_body_is_a_415_not_parsed_as_json(admin: Client) -> None:
    body = json.dumps({"title": "x", "purpose": "y", "amount": 1})
    response = admin.post("/api/v1/workflow/ringi", body, content_type="text/plain")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"


def test_anonymous_api_write_is_a_json_401_not_a_csrf_403() -> None:
    client = Client(enforce_csrf_checks=True)
    response = _post(client, "/api/v1/workflow/ringi", {"title": "x", "purpose": "y"})
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_signed_in_browser_still_needs_the_csrf_token() -> None:
    user = person(department=DepartmentFactory())
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = _post(client, "/api/v1/workflow/ringi", {"title": "x", "purpose": "y"})
    assert response.status_code == 403


@pytest.mark.parametrize(
    "path",
    ["/api/v1/employees", "/api/v1/ledger/entries", "/api/v1/workflow/requests"],
)
def test_page_numbers_are_bounded(admin: Client, path: str) -> None:
    assert admin.get(f"{path}?page=2000000000000000000").status_code == 422
    assert admin.get(f"{path}?page={PAGE_MAX + 1}").status_code == 422
    assert admin.get(f"{path}?page=0").status_code == 422
    response = admin.get(f"{path}?page={PAGE_MAX}")
    assert response.status_code == 200 and response.json()["items"] == []


def _entry(amount: int, date: str = "2025-04-01") -> dict[str, Any]:
    return {
        "date": date,
        "description": "境界値",
        "lines": [
            {"account": "1110", "debit": amount},
            {"account": "4110", "credit": amount},
        ],
    }


@pytest.mark.parametrize(
    "body",
    [
        _entry(2**63),
        _entry(YEN_LIMIT + 1),
        _entry(-1),
        _entry(100, "0001-01-01"),
        _entry(100, "9999-12-31"),
        {**_entry(100), "description": "x" * 201},
    ],
)
def test_journal_entry_bounds(admin: Client, body: dict[str, Any]) -> None:
    response = _post(admin, "/api/v1/ledger/entries", body)
    assert response.status_code == 422, response.content


@pytest.mark.parametrize("month", ["0000-01", "1899-12", "2101-01", "9999-99"])
def test_trial_balance_months_are_bounded(admin: Client, month: str) -> None:
    response = admin.get(f"/api/v1/ledger/reports/trial-balance?from={month}")
    assert response.status_code == 422


def test_ringi_amount_and_purpose_are_bounded(admin: Client) -> None:
    for body in (
        {"title": "x", "purpose": "y", "amount": 2**63},
        {"title": "x", "purpose": "y" * 20_001, "amount": 1},
        {"title": "x" * 201, "purpose": "y", "amount": 1},
    ):
        assert _post(admin, "/api/v1/workflow/ringi", body).status_code == 422


def test_department_patch_with_empty_code_and_negative_order_is_422(admin: Client) -> None:
    first, second = DepartmentFactory(code="A1"), DepartmentFactory(code="A2")
    for department in (first, second):
        response = _post(admin, f"/api/v1/departments/{department.pk}", {"code": ""}, "patch")
        assert response.status_code == 422
    response = _post(admin, f"/api/v1/departments/{first.pk}", {"sort_order": -1}, "patch")
    assert response.status_code == 422
    codes = sorted(Department.objects.filter(code__startswith="A").values_list("code", flat=True))
    assert codes == ["A1", "A2"]
    assert _post(admin, "/api/v1/departments", {"code": "Z" * 21, "name": "n"}).status_code == 422


def test_bank_rule_priority_cannot_be_negative(admin: Client) -> None:
    body = {"name": "r", "pattern": "p", "account": "1110", "priority": -1}
    assert _post(admin, "/api/v1/ledger/bank/rules", body).status_code == 422


def test_employee_name_longer_than_its_column_is_422(admin: Client) -> None:
    body = {
        "code": "E9",
        "last_name": "長" * 51,
        "first_name": "名",
        "last_name_kana": "ナガ",
        "first_name_kana": "ナ",
        "hire_date": "2024-04-01",
    }
    assert _post(admin, "/api/v1/employees", body).status_code == 422


def test_mask_text_is_bounded(admin: Client) -> None:
    from urakata.assistant.api import MASK_MAX_CHARS

    client = Client()
    client.force_login(person(Role.AI_OPERATOR, department=DepartmentFactory()))
    ok = _post(client, "/api/v1/assistant/mask", {"text": "電話 090-1234-5678"})
    assert ok.status_code == 200 and "[PHONE_1]" in ok.json()["masked"]
    too_long = _post(client, "/api/v1/assistant/mask", {"text": "あ" * (MASK_MAX_CHARS + 1)})
    assert too_long.status_code == 422


def test_openapi_declares_the_bounds() -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    assert components["RingiIn"]["properties"]["amount"]["maximum"] == YEN_LIMIT
    assert components["RingiIn"]["properties"]["title"]["maxLength"] == 200
    assert components["MaskIn"]["properties"]["text"]["maxLength"] > 0
    assert components["RouteStepSchema"]["properties"]["quorum"]["enum"] == ["all", "any"]
    line = components["LineIn"]["properties"]
    assert line["debit"]["minimum"] == 0 and line["debit"]["maximum"] == YEN_LIMIT
    employees = schema["paths"]["/api/v1/employees"]["get"]["parameters"]
    page = next(p for p in employees if p["name"] == "page")
    assert page["schema"]["maximum"] == PAGE_MAX and page["schema"]["minimum"] == 1


def test_every_api_schema_has_its_own_name() -> None:
    # OpenAPI keys component schemas by class name: two domains' `LineIn` would silently share
    # one definition (the fuzzer and client generators then see the wrong fields).
    from collections import Counter

    from ninja import Schema

    import urakata.api  # noqa: F401 - mounts every domain's router

    found: list[type] = []
    pending = list(Schema.__subclasses__())
    while pending:
        cls = pending.pop()
        pending += cls.__subclasses__()
        if cls.__module__.startswith("urakata.") and ".tests" not in cls.__module__:
            found.append(cls)
    names = Counter(cls.__name__ for cls in found)
    twice = {name: n for name, n in names.items() if n > 1}
    assert not twice, f"schema class names used twice: {twice}"
