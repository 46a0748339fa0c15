"""Root URLconf: the REST API under /api/v1, admin, language switch, then each domain's pages.

Domains are mounted from their manifests (`urls` at `url_prefix`), in manifest order.
"""

from typing import Any

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView
from ninja import NinjaAPI

from urakata.api import api
from urakata.core.domains import manifests
from urakata.core.health import healthz


def urlpatterns_build(api: NinjaAPI) -> list[Any]:
    """The site's URL patterns with the given API and every domain's pages."""
    return [
        path("healthz", healthz, name="healthz"),
        path("i18n/", include("django.conf.urls.i18n")),
        path("api/v1/", api.urls),
        path("api/docs", RedirectView.as_view(url="/api/v1/docs", permanent=False)),
        # One login for the whole site: the admin's own form would bypass lock-out and its audit.
        path("admin/login/", RedirectView.as_view(pattern_name="web:login", query_string=True)),
        path("admin/", admin.site.urls),
        *(path(m.url_prefix, include(m.urls)) for m in manifests() if m.urls),
    ]


urlpatterns = urlpatterns_build(api)

handler500 = "urakata.web.views.server_error"
