"""API plumbing shared by every domain router: authentication, errors, pagination."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Schema
from ninja.security import APIKeyHeader, HttpBearer, SessionAuth

from urakata.core.schema_types import PAGE_MAX
from urakata.core.services import api_token_authenticate


class TokenAuth(HttpBearer):
    """`Authorization: Bearer urk_...` with a personal API token."""

    def authenticate(self, request: HttpRequest, token: str) -> Any | None:
        user = api_token_authenticate(key=token)
        if user is not None:
            request.user = user
        return user


class TokenHeaderAuth(APIKeyHeader):
    """`X-API-Key: urk_...` for tools that cannot send a bearer header."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> Any | None:
        user = api_token_authenticate(key=key or "")
        if user is not None:
            request.user = user
        return user


class BrowserSessionAuth(SessionAuth):
    """The browser session; CSRF is checked only for a signed-in user.

    Without a session there is nothing to forge, and an anonymous call should hear "401: sign
    in" (the same as a call without a token), not "403: CSRF check failed".
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super()._get_key(request)


API_AUTH = [TokenAuth(), TokenHeaderAuth(), BrowserSessionAuth()]


class ErrorOut(Schema):
    """Every API error: a message for people and a code for programs."""

    detail: str
    code: str
    errors: dict[str, list[str]] | None = None
    messages: list[str] | None = None  # `errors` as sentences naming each field's label


# The error responses every endpoint declares (OpenAPI): one body shape for all of them.
API_ERRORS: dict[int, type[ErrorOut]] = {
    status: ErrorOut for status in (400, 401, 403, 404, 409, 422)
}
# Endpoints that count hits (`core.ratelimit`) also declare 429 (`core.errors.TooManyRequests`,
# answered by the shared DomainError handler with `Retry-After` when known).
RATE_LIMITED_ERRORS: dict[int, type[ErrorOut]] = {**API_ERRORS, 429: ErrorOut}


class PageMeta(Schema):
    count: int
    page: int
    page_size: int
    pages: int


def paginate(queryset: Any, *, page: int, page_size: int) -> tuple[list[Any], PageMeta]:
    """Slice a queryset by page number (1-based); page_size is capped at 200.

    Endpoints declare `page: PageNumber` and `page_size: PageSize` (core.schema_types), so the
    bounds are in the schema; the clamps here guard callers that pass raw numbers.
    """
    page_size = max(1, min(page_size, 200))
    page = max(1, min(page, PAGE_MAX))
    count = queryset.count()
    pages = max(1, -(-count // page_size))
    start = (page - 1) * page_size
    items = list(queryset[start : start + page_size])
    return items, PageMeta(count=count, page=page, page_size=page_size, pages=pages)
