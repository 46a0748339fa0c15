"""Japanese first: the browser's Accept-Language does not switch pages; the language cookie does."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_pages_are_japanese_for_an_english_browser() -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/accounts/login/")
    assert response.status_code == 200
    assert '<html lang="ja">' in response.content.decode()


def test_language_switch_sets_the_cookie_and_the_page_follows() -> None:
    client = Client()
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    page = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in page


def test_api_clients_may_ask_for_english() -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/employees")
    assert response.status_code == 401
    assert response.headers.get("Content-Language") == "en"
