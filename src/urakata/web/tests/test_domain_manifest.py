"""A domain declared only in its manifest appears in navigation, the API and the URLs.

The throw-away app (`web/tests/throwaway_domain/`) is added to INSTALLED_APPS and nothing else is
edited: the project discovers its manifest. The URLconf is built again the way `urakata.urls`
builds it at start-up (a running process builds it once, after INSTALLED_APPS is fixed).
"""

from __future__ import annotations

import types
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from urakata.api import api_build
from urakata.core.audit import audit_verify_all
from urakata.core.domains import default_jobs, demo_seeders, manifests
from urakata.core.permissions import can
from urakata.core.roles import Role
from urakata.urls import urlpatterns_build

pytestmark = pytest.mark.django_db

APP = "urakata.web.tests.throwaway_domain"


@pytest.fixture
def throwaway_installed() -> Iterator[None]:
    with override_settings(INSTALLED_APPS=[*settings.INSTALLED_APPS, APP]):
        urlconf = types.ModuleType("throwaway_root_urls")
        urlconf.urlpatterns = urlpatterns_build(api_build())  # type: ignore[attr-defined]
        with override_settings(ROOT_URLCONF=urlconf):
            yield
    assert "throwaway_domain" not in {m.label for m in manifests()}


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_navigation_shows_the_new_domain_to_holders_of_its_capability(
    throwaway_installed: None, make_user: Any
) -> None:
    executive = make_user(Role.EXECUTIVE)
    page = _client(executive).get("/").content.decode()
    assert "試験ページ" in page and 'href="/throwaway/"' in page
    employee_page = _client(make_user(Role.EMPLOYEE)).get("/").content.decode()
    assert "試験ページ" not in employee_page
    assert can(executive, "throwaway_domain.use")


def test_urls_mount_the_new_domain_pages(throwaway_installed: None, make_user: Any) -> None:
    assert reverse("throwaway_domain:index") == "/throwaway/"
    response = _client(make_user(Role.EXECUTIVE)).get("/throwaway/")
    assert response.status_code == 200 and "試験ドメインのページ" in response.content.decode()
    assert _client(make_user(Role.EMPLOYEE)).get("/throwaway/").status_code == 403


def test_api_mounts_the_new_domain_router(throwaway_installed: None, make_user: Any) -> None:
    executive = make_user(Role.EXECUTIVE, username="yamada")
    client = _client(executive)
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/throwaway/ping" in schema["paths"]
    assert "/api/v1/employees" in schema["paths"]  # the other domains are still there
    response = client.get("/api/v1/throwaway/ping")
    assert response.status_code == 200 and response.json() == {"pong": "yamada"}
    denied = _client(make_user(Role.EMPLOYEE)).get("/api/v1/throwaway/ping")
    assert denied.status_code == 403 and denied.json()["code"] == "permission_denied"


def test_demo_jobs_and_verifiers_come_from_the_manifest(throwaway_installed: None) -> None:
    assert demo_seeders()[-1] == f"{APP}.demo.seed"
    assert "throwaway_domain.tick" in {job.name for job in default_jobs()}
    _chain, problems = audit_verify_all()
    assert problems["throwaway_domain"] == [] and "ledger" in problems


def test_without_the_app_nothing_of_it_remains(client: Client) -> None:
    assert "throwaway_domain" not in {m.label for m in manifests()}
    assert "throwaway_domain" not in " ".join(demo_seeders())
    assert client.get("/throwaway/").status_code == 404
