"""The OpenAPI documentation works offline: no asset comes from a CDN."""

from __future__ import annotations

import re

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_api_docs_are_served_without_a_cdn(client_for: object) -> None:
    client = Client()
    redirect = client.get("/api/docs")
    assert redirect.status_code == 302 and redirect["Location"] == "/api/v1/docs"
    page = client.get("/api/v1/docs").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert assets and all(url.startswith("/static/") for url in assets), assets
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/employees" in schema["paths"]
