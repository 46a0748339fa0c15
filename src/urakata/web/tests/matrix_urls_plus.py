"""The project's URLconf with one page more, which no matrix row reaches."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from urakata.urls import urlpatterns as project


def new_feature(request: HttpRequest) -> HttpResponse:
    return HttpResponse("new")


urlpatterns = [*project, path("new-feature/", new_feature)]
