"""A URLconf for testing the matrix helper: two views that refuse, one of them after writing."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.urls import path

from urakata.core.audit import audit_record


def honest(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=403)


def leaky(request: HttpRequest) -> HttpResponse:
    audit_record(actor=None, action="test.leak")  # the bug the matrix must catch
    return HttpResponse(status=403)


urlpatterns = [path("honest/", honest), path("leaky/", leaky)]
