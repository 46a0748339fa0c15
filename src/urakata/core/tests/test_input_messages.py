"""Schema errors read as sentences in the user's language, through a real endpoint and directly."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from urakata.core.input_messages import input_error_message
from urakata.core.roles import Role
from urakata.core.services import api_token_create


def _client(make_user: Any, **headers: str) -> Client:
    user = make_user(Role.EMPLOYEE)
    _token, raw = api_token_create(actor=user, user=user, name="t")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}", **headers)


@pytest.mark.django_db
def test_too_long_question_names_the_limit_in_japanese_and_english(make_user: Any) -> None:
    body = {"question": "有" * 1001}
    japanese = _client(make_user).post(
        "/api/v1/assistant/ask", body, content_type="application/json"
    )
    assert japanese.status_code == 422
    assert japanese.json()["errors"]["question"] == ["1000文字以内で入力してください。"]
    english = _client(make_user, HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/assistant/ask", body, content_type="application/json"
    )
    assert english.json()["errors"]["question"] == ["Enter at most 1000 characters."]


def test_each_common_error_type_has_a_sentence() -> None:
    with translation.override("ja"):
        assert input_error_message({"type": "missing"}) == "必須です。"
        assert input_error_message({"type": "less_than_equal", "ctx": {"le": 10**15}}) == (
            "1,000,000,000,000,000以下の値を入力してください。"
        )
        assert input_error_message({"type": "int_parsing"}) == "数値で入力してください。"
        assert "YYYY-MM-DD" in input_error_message({"type": "date_from_datetime_parsing"})
        assert input_error_message(
            {"type": "literal_error", "ctx": {"expected": "'a' or 'b'"}}
        ) == ("次のいずれかを指定してください: 'a' or 'b'")
        assert input_error_message({"type": "something_new", "msg": "raw"}) == "raw"
