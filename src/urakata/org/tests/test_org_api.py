"""Org REST API: JSON errors with 4xx, pagination, token auth, constant query counts."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from urakata.core import services as core_services
from urakata.core.roles import Role
from urakata.org.models import Employee
from urakata.org.tests.factories import CounterpartyFactory, EmployeeFactory

pytestmark = pytest.mark.django_db


def test_anonymous_gets_json_401(client: Client) -> None:
    response = client.get("/api/v1/employees")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_token_auth_lists_employees_with_pagination(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    EmployeeFactory.create_batch(5)
    _token, key = core_services.api_token_create(actor=user, user=user, name="cli")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {key}")
    response = client.get("/api/v1/employees?page=2&page_size=2")
    body = response.json()
    assert response.status_code == 200
    assert body["meta"] == {"count": 6, "page": 2, "page_size": 2, "pages": 3}
    assert len(body["items"]) == 2


def test_revoked_token_is_refused(make_user: Any) -> None:
    user = make_user(Role.EMPLOYEE)
    token, key = core_services.api_token_create(actor=user, user=user, name="cli")
    core_services.api_token_revoke(actor=user, token_id=token.pk)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {key}").get("/api/v1/employees").status_code == 401


def test_bad_input_is_422_with_field_errors(client_for: Any) -> None:
    client = client_for(Role.HR)
    response = client.post(
        "/api/v1/employees",
        {
            "code": "X1",
            "last_name": "山田",
            "first_name": "花子",
            "last_name_kana": "Yamada",
            "first_name_kana": "ハナコ",
            "hire_date": "2024-04-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "last_name_kana" in response.json()["errors"]
    malformed = client.post("/api/v1/employees", "{not json", content_type="application/json")
    assert malformed.status_code == 400
    assert malformed.json() == {
        "detail": "リクエスト本文を JSON のオブジェクト({…})として読み取れません。",
        "code": "parse_error",
    }
    missing = client.post("/api/v1/employees", {"code": "X2"}, content_type="application/json")
    assert missing.status_code == 422 and missing.json()["code"] == "validation_error"


def test_employee_cannot_create_employees(client_for: Any) -> None:
    client = client_for(Role.EMPLOYEE)
    before = Employee.objects.count()
    response = client.post(
        "/api/v1/employees",
        {
            "code": "X1",
            "last_name": "山田",
            "first_name": "花子",
            "last_name_kana": "ヤマダ",
            "first_name_kana": "ハナコ",
            "hire_date": "2024-04-01",
        },
        content_type="application/json",
    )
    assert response.status_code == 403
    assert Employee.objects.count() == before


def test_unknown_id_is_404(client_for: Any) -> None:
    response = client_for(Role.HR).get("/api/v1/employees/999999")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_counterparties_hidden_from_plain_employees(client_for: Any) -> None:
    CounterpartyFactory()
    assert client_for(Role.EMPLOYEE).get("/api/v1/counterparties").status_code == 403
    assert client_for(Role.ACCOUNTING).get("/api/v1/counterparties").json()["meta"]["count"] == 1


@pytest.mark.parametrize(
    "url", ["/api/v1/employees", "/api/v1/counterparties", "/api/v1/departments"]
)
def test_list_query_count_does_not_grow(client_for: Any, url: str) -> None:
    client = client_for(Role.ADMIN)

    def count_queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    EmployeeFactory.create_batch(3)
    CounterpartyFactory.create_batch(3)
    few = count_queries()
    EmployeeFactory.create_batch(30)
    CounterpartyFactory.create_batch(30)
    assert count_queries() == few
