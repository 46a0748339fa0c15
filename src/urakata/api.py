"""The REST API at /api/v1: one NinjaAPI; each domain's router is mounted from its manifest."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.parser import Parser

from urakata.core.api import API_AUTH
from urakata.core.domains import manifests
from urakata.core.errors import DomainError
from urakata.core.input_messages import input_error_message
from urakata.core.labels import error_lines, labelled


def _error(
    request: HttpRequest,
    status: int,
    detail: str,
    code: str,
    errors: dict[str, list[str]] | None = None,
    messages: list[str] | None = None,
) -> HttpResponse:
    body: dict[str, object] = {"detail": detail, "code": code}
    if errors:
        body["errors"] = errors  # machine keys (`lines.1.account`) for programs
    if messages:
        body["messages"] = messages  # the same problems naming each field's label, for people
    return api.create_response(request, body, status=status)


def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    response = _error(request, exc.status, exc.message, exc.code, exc.errors, error_lines(exc))
    retry_after = getattr(exc, "retry_after", None)  # TooManyRequests (429)
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def input_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        loc = ".".join(
            str(part) for part in item.get("loc", ()) if part not in ("body", "query", "payload")
        )
        errors.setdefault(loc or "__all__", []).append(input_error_message(item))
    messages = [line for key, found in errors.items() for line in labelled(key, found)]
    return _error(
        request, 422, _("入力内容に誤りがあります。"), "validation_error", errors, messages
    )


def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, _("認証が必要です。"), "not_authenticated")


def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc) == "Cannot parse request body":  # malformed JSON
        return _error(
            request,
            400,
            _("リクエスト本文を JSON のオブジェクト({…})として読み取れません。"),
            "parse_error",
        )
    return _error(request, exc.status_code, str(exc), "error")


class ObjectBodyParser(Parser):
    """Every JSON body of the API is an object: `[null, null]`, `5` or `null` is refused (400)."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError("the request body must be a JSON object")
        return data


def api_build() -> NinjaAPI:
    """The API with its error handlers and the router of every domain that declares one."""
    built = NinjaAPI(
        title="Urakata API",
        version="1",
        urls_namespace="api-v1",
        auth=API_AUTH,
        parser=ObjectBodyParser(),
        docs_url="/docs",
        description=(
            "裏方 (Urakata) back-office REST API. "
            "Authenticate with `Authorization: Bearer <token>`."
        ),
    )
    built.exception_handler(DomainError)(domain_error)
    built.exception_handler(NinjaValidationError)(input_error)
    built.exception_handler(AuthenticationError)(auth_error)
    built.exception_handler(HttpError)(http_error)
    for manifest in manifests():
        if manifest.api_router:
            built.add_router(manifest.api_prefix, import_string(manifest.api_router))
    return built


api = api_build()
