"""Middleware: enforce TOTP two-factor for the roles that require it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from urakata.core.roles import user_roles

# Paths a user who still owes a second factor may reach.
_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/")


def two_factor_required(user: Any) -> bool:
    """True when one of the user's roles is in URAKATA_2FA_REQUIRED_ROLES."""
    required = set(settings.URAKATA_2FA_REQUIRED_ROLES)
    return bool(required and required & user_roles(user))


class RequireTwoFactorMiddleware:
    """Send a signed-in user whose role needs 2FA to the verify/setup page until they pass it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(_EXEMPT_PREFIXES)
            and two_factor_required(user)
            and not user.is_verified()  # type: ignore[union-attr]
        ):
            return redirect("web:two_factor")
        return self.get_response(request)
