"""Domain errors on pages: one mapping to 403/404/409/422/429 pages, HTMX partials, flashes."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.test import RequestFactory
from django.utils import translation
from django_htmx.middleware import HtmxDetails

from urakata.core.error_pages import DomainErrorMiddleware, form_add_errors
from urakata.core.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    TooManyRequests,
    ValidationFailed,
)
from urakata.core.roles import Role

pytestmark = pytest.mark.django_db


def _request(make_user: Any, *, htmx: bool = False, path: str = "/ledger/entries/") -> Any:
    headers = {"HX-Request": "true"} if htmx else {}
    request = RequestFactory().post(path, headers=headers)
    request.user = make_user(Role.ACCOUNTING)
    request.session = SessionStore()
    request._messages = FallbackStorage(request)  # type: ignore[attr-defined]
    request.htmx = HtmxDetails(request)  # type: ignore[attr-defined]
    return request


def _answer(request: Any, error: Exception) -> Any:
    with translation.override("ja"):
        response = DomainErrorMiddleware(lambda r: None).process_exception(request, error)  # type: ignore[arg-type,return-value]
    return response


@pytest.mark.parametrize(
    ("error", "status", "title"),
    [
        (PermissionDenied("この操作を行う権限がありません。"), 403, "権限がありません"),
        (NotFound("申請が見つかりません。"), 404, "ページが見つかりません"),
        (Conflict("この月は締められています。"), 409, "操作できませんでした"),
        (
            ValidationFailed("入力内容に誤りがあります。", errors={"lines.1.account": ["なし"]}),
            422,
            "入力内容に誤りがあります",
        ),
        (TooManyRequests("しばらくしてからお試しください。"), 429, "アクセスが集中しています"),
    ],
)
def test_each_error_type_has_its_page(
    make_user: Any, error: Exception, status: int, title: str
) -> None:
    response = _answer(_request(make_user), error)
    body = response.content.decode()
    assert response.status_code == status
    assert title in body
    assert str(error) in body
    assert "lines.1.account" not in body
    if status == 422:
        assert "2行目の勘定科目: なし" in body


def test_htmx_gets_a_partial_retargeted_to_the_message_area(make_user: Any) -> None:
    error = ValidationFailed(
        "入力内容に誤りがあります。", errors={"delegate": ["見つかりません。"]}
    )
    response = _answer(_request(make_user, htmx=True), error)
    body = response.content.decode()
    assert response.status_code == 422
    assert response["HX-Retarget"] == "#page-errors"
    assert response["HX-Reswap"] == "innerHTML"
    assert "<html" not in body and 'role="alert"' in body
    assert "代理人: 見つかりません。" in body


def test_api_paths_are_left_to_the_api(make_user: Any) -> None:
    request = _request(make_user, path="/api/v1/ledger/entries")
    assert _answer(request, NotFound("x")) is None
    assert _answer(_request(make_user), ValueError("not a domain error")) is None


def test_form_add_errors_puts_messages_on_fields_and_labels_the_rest() -> None:
    from django import forms

    class DelegationForm(forms.Form):
        delegate = forms.CharField(label="代理人")

    form = DelegationForm(data={"delegate": "x"})
    assert form.is_valid()
    error = ValidationFailed(
        "入力内容に誤りがあります。",
        errors={"delegate": ["自分自身は選べません。"], "lines.0.amount": ["0円です。"]},
    )
    with translation.override("ja"):
        form_add_errors(form, error)
    assert form.errors["delegate"] == ["自分自身は選べません。"]
    assert form.non_field_errors() == ["1行目の金額: 0円です。"]


def test_real_pages_forbidden_and_not_found(client_for: Any) -> None:
    employee = client_for(Role.EMPLOYEE)
    forbidden = employee.get("/ledger/periods/")
    assert forbidden.status_code == 403
    assert "権限がありません" in forbidden.content.decode()
    missing = client_for(Role.ACCOUNTING).get("/workflow/requests/987654/")
    assert missing.status_code == 404
    assert "ページが見つかりません" in missing.content.decode()
    chart = client_for(Role.ACCOUNTING).get("/ledger/accounts/987654/")
    assert chart.status_code == 404


def test_real_htmx_request_gets_the_partial(client_for: Any) -> None:
    response = client_for(Role.EMPLOYEE).get("/ledger/entries/", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert response.status_code == 403
    assert response["HX-Retarget"] == "#page-errors"
    assert "<html" not in body and 'role="alert"' in body


def test_base_page_has_the_message_area_and_swaps_4xx(client_for: Any) -> None:
    page = client_for(Role.EMPLOYEE).get("/").content.decode()
    assert 'id="page-errors"' in page
    assert '"code": "4..", "swap": true' in page


def test_too_many_requests_carries_retry_after_on_pages_partials_and_the_api(
    make_user: Any,
) -> None:
    """429 is mapped once in core: the page, the HTMX partial and the JSON API all answer it."""
    from urakata.api import domain_error

    error = TooManyRequests("しばらくしてからお試しください。", retry_after=42)
    page = _answer(_request(make_user), error)
    partial = _answer(_request(make_user, htmx=True), error)
    assert (page.status_code, page["Retry-After"]) == (429, "42")
    assert (partial.status_code, partial["Retry-After"]) == (429, "42")
    assert partial["HX-Retarget"] == "#page-errors"
    api = domain_error(_request(make_user, path="/api/v1/x"), error)
    assert (api.status_code, api["Retry-After"]) == (429, "42")
    assert b"too_many_requests" in api.content
