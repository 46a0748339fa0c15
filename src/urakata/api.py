"""The REST API at /api/v1: one NinjaAPI, each domain mounts its router here."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from urakata.assistant.api import router as assistant_router
from urakata.core.api import API_AUTH
from urakata.core.errors import DomainError
from urakata.core.labels import error_lines, labelled
from urakata.ledger.api import router as ledger_router
from urakata.org.api import router as org_router
from urakata.workflow.api import router as workflow_router

api = NinjaAPI(
    title="Urakata API",
    version="1",
    urls_namespace="api-v1",
    auth=API_AUTH,
    docs_url="/docs",
    description="裏方 (Urakata) back-office REST API. Authenticate with `Authorization: Bearer <token>`.",
)


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


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, exc.status, exc.message, exc.code, exc.errors, error_lines(exc))


@api.exception_handler(NinjaValidationError)
def input_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for item in exc.errors:
        loc = ".".join(
            str(part) for part in item.get("loc", ()) if part not in ("body", "query", "payload")
        )
        errors.setdefault(loc or "__all__", []).append(str(item.get("msg", "invalid")))
    messages = [line for key, found in errors.items() for line in labelled(key, found)]
    return _error(
        request, 422, _("入力内容に誤りがあります。"), "validation_error", errors, messages
    )


@api.exception_handler(AuthenticationError)
def auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, _("認証が必要です。"), "not_authenticated")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 400 and str(exc) == "Cannot parse request body":  # malformed JSON
        return _error(
            request, 400, _("リクエスト本文を JSON として読み取れません。"), "parse_error"
        )
    return _error(request, exc.status_code, str(exc), "error")


api.add_router("/", org_router)
api.add_router("/workflow", workflow_router)
api.add_router("/assistant", assistant_router)
api.add_router("/", ledger_router)
