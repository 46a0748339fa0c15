"""Middleware: enforce TOTP two-factor for the roles that require it and for users who enabled it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from urakata.core.selectors import two_factor_enabled, two_factor_required_by_role

# What a signed-in user who still owes a second factor may reach: signing in and out, the
# two-factor page itself, static files and the language switch. Not the account or token pages:
# a token made before the second factor would be a way around it.
_EXEMPT_PREFIXES = ("/static/", "/i18n/")
# Load balancer probes: answered without looking at the user (so without loading a session).
_EXEMPT_PATHS = ("/healthz",)
_EXEMPT_URL_NAMES = ("web:login", "web:logout", "web:two_factor")


def two_factor_required(user: Any) -> bool:
    """True when one of the user's roles is in URAKATA_2FA_REQUIRED_ROLES."""
    return two_factor_required_by_role(user)


def _uses_api_token(request: HttpRequest) -> bool:
    # A personal API token is itself the second factor for scripts; it was issued to a user who
    # had passed two-factor (when required). The token is checked by the API's authentication.
    return bool(request.headers.get("Authorization") or request.headers.get("X-API-Key"))


def _owes_second_factor(user: Any) -> bool:
    if user is None or not user.is_authenticated or user.is_verified():
        return False
    return two_factor_required_by_role(user) or two_factor_enabled(user)


class RequireTwoFactorMiddleware:
    """Until a signed-in user passes TOTP (when their role needs it or they turned it on):
    pages redirect to the two-factor page and session-authenticated API calls get a JSON 403."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    @staticmethod
    def _is_exempt(path: str) -> bool:
        if path in _EXEMPT_PATHS or path.startswith(_EXEMPT_PREFIXES):
            return True
        for name in _EXEMPT_URL_NAMES:
            try:
                if path == reverse(name):
                    return True
            except NoReverseMatch:  # a URLconf without the web pages (some tests)
                continue
        return False

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if self._is_exempt(request.path) or user is None or not user.is_authenticated:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            if _uses_api_token(request):
                # A request that presents a token is judged by the token alone: a wrong or
                # revoked token must not fall back to the browser session (which may still owe
                # its second factor).
                request.user = AnonymousUser()
                return self.get_response(request)
            if _owes_second_factor(user):
                return JsonResponse(
                    {"detail": _("二要素認証が必要です。"), "code": "two_factor_required"},
                    status=403,
                )
            return self.get_response(request)
        if _owes_second_factor(user):
            target = reverse("web:two_factor")
            if request.method == "GET":
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
            return redirect(target)
        return self.get_response(request)


class JapaneseFirstLocaleMiddleware(LocaleMiddleware):
    """Pages are Japanese unless the user picked another language (the language cookie).

    A browser's Accept-Language does not switch the UI of a Japanese back office; API clients
    may still ask for English error messages with Accept-Language.
    """

    def process_request(self, request: HttpRequest) -> None:
        if request.path.startswith("/api/"):
            super().process_request(request)
            return
        code = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if code not in dict(settings.LANGUAGES):
            code = settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()


_BODY_METHODS = ("POST", "PUT", "PATCH", "DELETE")
# The API's documentation pages and schema are read with GET only; nothing to limit there.


def _api_error(status: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse({"detail": detail, "code": code}, status=status)


class ApiRequestLimitsMiddleware:
    """Bounded work per API request, checked before a byte of the body is read or parsed.

    - a body larger than its limit gets a JSON 413 (JSON: URAKATA_API_MAX_JSON_BYTES; uploads:
      URAKATA_MAX_UPLOAD_BYTES plus room for the multipart framing);
    - a body that is neither JSON nor a multipart upload gets a JSON 415 (a `text/plain` body is
      not parsed as JSON);
    - a Content-Length that is not a number gets a JSON 400.
    """

    MULTIPART_SLACK = 64 * 1024

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and request.method in _BODY_METHODS:
            refused = self._refuse(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _refuse(self, request: HttpRequest) -> JsonResponse | None:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:
            return _api_error(400, _("Content-Length が正しくありません。"), "bad_request")
        content_type = (request.content_type or "").lower()
        if content_type == "multipart/form-data":
            limit = settings.URAKATA_MAX_UPLOAD_BYTES + self.MULTIPART_SLACK
        elif content_type == "application/json" or content_type.endswith("+json"):
            limit = settings.URAKATA_API_MAX_JSON_BYTES
        elif length == 0:
            return None  # no body (an action without payload)
        else:
            return _api_error(
                415,
                _(
                    "リクエスト本文は application/json(ファイルは multipart/form-data)で送ってください。"
                ),
                "unsupported_media_type",
            )
        if length > limit:
            return _api_error(
                413,
                _("リクエスト本文が大きすぎます(上限 %(limit)s バイト)。")
                % {"limit": f"{limit:,}"},
                "request_too_large",
            )
        return None


# No inline script anywhere (behaviour lives in static files bound by data attributes); styles
# may be inline (style="…" attributes and HTMX's indicator style), which cannot run code.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# The interactive API docs (Swagger UI from django-ninja) load their own script bundle.
_CSP_EXEMPT_PREFIXES = ("/api/v1/docs",)


class ContentSecurityPolicyMiddleware:
    """Sends the Content-Security-Policy header on every response that does not set its own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(_CSP_EXEMPT_PREFIXES):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
