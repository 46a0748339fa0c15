"""Service error messages follow the request's language: Japanese by default, English on request."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import translation

from urakata.core import services as core_services
from urakata.core.roles import Role
from urakata.org.tests.factories import EmployeeFactory

BAD_EMPLOYEE = {
    "code": "E100",
    "last_name": "山田",
    "first_name": "花子",
    "last_name_kana": "Yamada",
    "first_name_kana": "ハナコ",
    "hire_date": "2024-04-01",
}


@pytest.fixture(autouse=True)
def _back_to_japanese() -> Any:
    """LocaleMiddleware leaves the last request's language active in this thread."""
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


def _api_client(make_user: Any, *roles: Role, **headers: str) -> Client:
    user = make_user(*roles)
    _token, key = core_services.api_token_create(actor=user, user=user, name="i18n")
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}", **headers)


def test_employee_api_errors_in_english_on_accept_language(make_user: Any) -> None:
    EmployeeFactory(code="E100")
    client = _api_client(make_user, Role.HR, HTTP_ACCEPT_LANGUAGE="en")
    response = client.post("/api/v1/employees", BAD_EMPLOYEE, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Cannot add the employee. Please check your input."
    assert body["errors"]["code"] == ["The employee number “E100” is already in use."]
    assert body["errors"]["last_name_kana"] == ["Enter the furigana in katakana."]


def test_employee_api_errors_stay_japanese_by_default(make_user: Any) -> None:
    EmployeeFactory(code="E100")
    client = _api_client(make_user, Role.HR)
    response = client.post("/api/v1/employees", BAD_EMPLOYEE, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "従業員を登録できません。入力内容を確認してください。"
    assert body["errors"]["code"] == ["社員番号「E100」は既に使われています。"]
    assert body["errors"]["last_name_kana"] == ["フリガナはカタカナで入力してください。"]


def test_english_request_does_not_leak_into_the_next_japanese_one(make_user: Any) -> None:
    EmployeeFactory(code="E100")
    english = _api_client(make_user, Role.HR, HTTP_ACCEPT_LANGUAGE="en")
    japanese = _api_client(make_user, Role.HR)
    english.post("/api/v1/employees", BAD_EMPLOYEE, content_type="application/json")
    body = japanese.post("/api/v1/employees", BAD_EMPLOYEE, content_type="application/json").json()
    assert body["errors"]["code"] == ["社員番号「E100」は既に使われています。"]


def test_permission_denied_api_in_english_and_japanese(make_user: Any) -> None:
    english = _api_client(make_user, Role.EMPLOYEE, HTTP_ACCEPT_LANGUAGE="en")
    response = english.get("/api/v1/counterparties")
    assert response.status_code == 403
    assert response.json() == {
        "detail": "You do not have permission to do this.",
        "code": "permission_denied",
    }
    japanese = _api_client(make_user, Role.EMPLOYEE)
    assert japanese.get("/api/v1/counterparties").json()["detail"] == (
        "この操作を行う権限がありません。"
    )


def test_unauthenticated_api_in_english(client: Client) -> None:
    response = client.get("/api/v1/employees", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 401
    assert response.json()["detail"] == "Authentication is required."


def _post_counterparty(client: Client) -> Any:
    return client.post(
        "/org/counterparties/new/",
        {"code": "C900", "name": "株式会社見本", "corporate_number": "1234567890123"},
    )


def test_counterparty_page_corporate_number_error_in_english(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    client.cookies["django_language"] = "en"
    response = _post_counterparty(client)
    assert response.status_code == 422
    page = response.content.decode()
    assert "The check digit of the corporate number is wrong." in page
    assert "Cannot add the counterparty. Please check your input." in page
    assert "チェックデジット" not in page


def test_counterparty_page_corporate_number_error_japanese_by_default(client_for: Any) -> None:
    response = _post_counterparty(client_for(Role.ACCOUNTING))
    assert response.status_code == 422
    page = response.content.decode()
    assert "法人番号のチェックデジットが正しくありません。" in page
    assert "The check digit" not in page
