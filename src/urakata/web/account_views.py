"""Account pages: settings (password, two-factor), TOTP setup/verify, API tokens, login locks."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from urakata.core import selectors as core_selectors
from urakata.core import services as core_services
from urakata.core.error_pages import flash_error
from urakata.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from urakata.core.roles import ROLE_LABELS, Role, user_roles
from urakata.web.views import client_ip

# Choices for a new token's lifetime (days); the service caps it at TOKEN_MAX_DAYS.
TOKEN_LIFETIMES = (30, 90, 365)


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")


def _safe_next(request: HttpRequest, default: str) -> str:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if next_url and url_has_allowed_host_and_scheme(
        next_url, {request.get_host()}, require_https=request.is_secure()
    ):
        return next_url
    return default


# ---------------------------------------------------------------- account settings


def _account_context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    user = request.user
    known = {role.value: role for role in Role}
    roles = [ROLE_LABELS[known[name]] for name in sorted(user_roles(user)) if name in known]
    context: dict[str, Any] = {
        "roles": roles,
        "two_factor_enabled": core_selectors.two_factor_enabled(user),
        "two_factor_required": core_selectors.two_factor_required_by_role(user),
        "password_errors": {},
    }
    context.update(extra)
    return context


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """アカウント設定: password, two-factor status, link to API tokens."""
    return render(request, "web/account.html", _account_context(request))


@login_required
@require_POST
def password_change(request: HttpRequest) -> HttpResponse:
    """Change the signed-in user's password; the session stays signed in."""
    try:
        core_services.password_change(
            actor=request.user,
            current_password=request.POST.get("current_password", ""),
            new_password=request.POST.get("new_password", ""),
            new_password_confirm=request.POST.get("new_password_confirm", ""),
        )
    except ValidationFailed as error:
        context = _account_context(request, password_errors=error.errors)
        return render(request, "web/account.html", context, status=400)
    update_session_auth_hash(request, request.user)  # type: ignore[arg-type]
    messages.success(request, _("パスワードを変更しました。"))
    return redirect("web:account")


# ---------------------------------------------------------------- two-factor


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Register a TOTP device (first time) or verify a code from it (二要素認証)."""
    user = request.user
    setup = not core_selectors.two_factor_enabled(user)
    device = core_services.two_factor_pending_device(actor=user) if setup else None
    error = ""
    if request.method == "POST":
        token = request.POST.get("token", "")
        try:
            if device is not None:
                core_services.two_factor_confirm(actor=user, device=device, token=token)
                verified = device
            else:
                verified = core_services.two_factor_check(
                    actor=user, token=token, ip_address=client_ip(request)
                )
        except DomainError as failure:
            error = failure.message
        else:
            otp_login(request, verified)
            messages.success(
                request,
                _("二要素認証を設定しました。") if setup else _("二要素認証を確認しました。"),
            )
            return redirect(_safe_next(request, "/"))
    context = {
        "setup": setup,
        "error": error,
        "next": _safe_next(request, ""),
        "qr_svg": _qr_svg(device.config_url) if device is not None else "",
        "required": core_selectors.two_factor_required_by_role(user),
    }
    return render(request, "web/two_factor.html", context, status=400 if error else 200)


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    """Turn off two-factor (asks for the password; refused where the role requires it)."""
    try:
        core_services.two_factor_disable(
            actor=request.user, password=request.POST.get("password", "")
        )
        messages.success(request, _("二要素認証を無効にしました。"))
    except DomainError as error:
        flash_error(request, error)
    return redirect("web:account")


# ---------------------------------------------------------------- API tokens


def _expiry(value: str | None) -> Any:
    days = int(value) if value and value.isdigit() else None
    return timezone.now() + timedelta(days=days) if days else None


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """List, create and revoke personal API tokens; a new key is shown once."""
    new_key = ""
    status = 200
    if request.method == "POST":
        try:
            _token, new_key = core_services.api_token_create(
                actor=request.user,
                user=request.user,
                name=request.POST.get("name", ""),
                expires_at=_expiry(request.POST.get("lifetime_days")),
            )
        except ValidationFailed as error:
            status = 400
            flash_error(request, error)
    tokens = core_selectors.api_token_list(actor=request.user)
    context = {
        "tokens": tokens,
        "new_key": new_key,
        "lifetimes": TOKEN_LIFETIMES,
        "now": timezone.now(),
    }
    response = render(request, "web/tokens.html", context, status=status)
    response["Cache-Control"] = "no-store"  # the new key must not stay in a cache
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of the user's tokens."""
    core_services.api_token_revoke(actor=request.user, token_id=token_id)
    messages.success(request, _("トークンを無効にしました。"))
    return redirect("web:token_list")


# ---------------------------------------------------------------- login locks (admin)


@login_required
def login_locks(request: HttpRequest) -> HttpResponse:
    """ログインロック: usernames with failed logins; an administrator unlocks or resets 2FA."""
    rows = core_selectors.login_lock_list(actor=request.user)
    context = {"rows": rows, "now": timezone.now()}
    return render(request, "web/login_locks.html", context)


@login_required
@require_POST
def login_unlock(request: HttpRequest) -> HttpResponse:
    """Lift a lock-out by username."""
    username = request.POST.get("username", "")
    try:
        core_services.login_unlock(actor=request.user, username=username)
    except (ValidationFailed, Conflict, NotFound) as error:
        flash_error(request, error)
        return redirect("web:login_locks")
    messages.success(request, _("%(name)s のロックを解除しました。") % {"name": username})
    return redirect("web:login_locks")


@login_required
@require_POST
def two_factor_reset(request: HttpRequest) -> HttpResponse:
    """Remove a user's TOTP devices (lost phone) by username."""
    username = request.POST.get("username", "").strip()
    try:
        user = core_selectors.user_by_username(actor=request.user, username=username)
        core_services.two_factor_reset(actor=request.user, user=user)
    except (ValidationFailed, Conflict, NotFound) as error:
        flash_error(request, error)
        return redirect("web:login_locks")
    messages.success(request, _("%(name)s の二要素認証をリセットしました。") % {"name": username})
    return redirect("web:login_locks")
