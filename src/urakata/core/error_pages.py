"""Domain errors on pages: one mapping to 403/404/409/422/429, as `urakata.api` does for JSON.

A page view lets a service's `DomainError` propagate; `DomainErrorMiddleware` answers it:
PermissionDenied → 403, NotFound → 404, Conflict → 409, ValidationFailed → 422,
TooManyRequests → 429 (with `Retry-After` when known), other → 400.
A full page shows the message and each field's problem by label; an HTMX request gets a partial
retargeted to the page's message area (`#page-errors` in base.html). Views that re-render their
form call `form_add_errors` (or pass `error_lines` to the template); POST actions that go back
to a list call `flash_error`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from urakata.core.errors import DomainError, NotFound, PermissionDenied
from urakata.core.labels import Labels, error_lines, error_text, labelled

HTMX_TARGET = "#page-errors"


def _titles() -> dict[int, str]:
    return {
        400: _("操作できませんでした"),
        403: _("権限がありません"),
        404: _("ページが見つかりません"),
        409: _("操作できませんでした"),
        422: _("入力内容に誤りがあります"),
        429: _("アクセスが集中しています"),
    }


def render_error(
    request: HttpRequest, error: DomainError, *, labels: Labels | None = None
) -> HttpResponse:
    """The page (or HTMX partial) for `error`, with its status code."""
    status = error.status if error.status in _titles() else 400
    context = {
        "title": _titles()[status],
        "message": error.message,
        "details": [line for line in error_lines(error, labels) if line != error.message],
        "status": status,
    }
    if getattr(request, "htmx", False):
        response = render(request, "web/partials/_error.html", context, status=status)
        response["HX-Retarget"] = HTMX_TARGET
        response["HX-Reswap"] = "innerHTML"
    else:
        if isinstance(error, PermissionDenied):
            template = "web/forbidden.html"
        elif isinstance(error, NotFound):
            template = "404.html"
        else:
            template = "web/error.html"
        response = render(request, template, context, status=status)
    retry_after = getattr(error, "retry_after", None)  # TooManyRequests
    if retry_after:
        response["Retry-After"] = str(retry_after)
    return response


def flash_error(request: HttpRequest, error: DomainError, *, labels: Labels | None = None) -> None:
    """Put `error` on the next page as one message: the text and each field's problem by label."""
    messages.error(request, error_text(error, labels))


def form_add_errors(form: Any, error: DomainError, *, labels: Labels | None = None) -> None:
    """Put a service's `ValidationFailed.errors` onto a Django form: by field when the form has
    it, else as a non-field error named by label; the message itself when nothing else says it."""
    form_labels = {name: field.label for name, field in form.fields.items() if field.label}
    merged = {**form_labels, **(labels or {})}
    for path, problems in error.errors.items():
        if path in form.fields:
            for problem in problems:
                form.add_error(path, str(problem))
        else:
            for text in labelled(path, problems, merged):
                form.add_error(None, text)
    if not error.errors:
        form.add_error(None, error.message)


class DomainErrorMiddleware:
    """Turns a `DomainError` that escaped a page view into its 4xx page (the API has its own)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError) or request.path.startswith("/api/"):
            return None
        return render_error(request, exception)
