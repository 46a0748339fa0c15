"""The throw-away domain's one page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from urakata.core.errors import PermissionDenied
from urakata.core.permissions import require


def index(request: HttpRequest) -> HttpResponse:
    try:
        require(request.user, "throwaway_domain.use")
    except PermissionDenied:
        return HttpResponse("forbidden", status=403)
    return HttpResponse("試験ドメインのページ")


app_name = "throwaway_domain"
urlpatterns = [path("", index, name="index")]
