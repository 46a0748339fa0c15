"""Account pages: TOTP two-factor setup/verify and personal API tokens."""

from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from urakata.core import selectors as core_selectors
from urakata.core import services as core_services
from urakata.core.errors import DomainError
from urakata.core.permissions import require


def _qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return buffer.getvalue().decode("utf-8")


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Register a TOTP device (first time) or verify a code from it (二要素認証)."""
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    setup = device is None
    if setup:
        device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
        if device is None:
            device = TOTPDevice.objects.create(user=request.user, name="default", confirmed=False)
    error = ""
    if request.method == "POST":
        token = (request.POST.get("token") or "").strip()
        if device.verify_token(token):
            if setup:
                core_services.two_factor_confirm(actor=request.user, device=device)
            otp_login(request, device)
            messages.success(request, _("二要素認証を確認しました。"))
            return redirect("web:home")
        error = _("確認コードが正しくありません。")
    context = {
        "setup": setup,
        "error": error,
        "qr_svg": _qr_svg(device.config_url) if setup else "",
    }
    return render(request, "web/two_factor.html", context, status=400 if error else 200)


@login_required
def token_list(request: HttpRequest) -> HttpResponse:
    """List, create and revoke personal API tokens; a new key is shown once."""
    new_key = ""
    if request.method == "POST":
        try:
            _token, new_key = core_services.api_token_create(
                actor=request.user, user=request.user, name=request.POST.get("name", "")
            )
        except DomainError as error:
            messages.error(request, error.message)
    tokens = core_selectors.api_token_list(actor=request.user)
    return render(request, "web/tokens.html", {"tokens": tokens, "new_key": new_key})


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    require(request.user, "core.manage_tokens")
    try:
        core_services.api_token_revoke(actor=request.user, token_id=token_id)
        messages.success(request, _("トークンを無効にしました。"))
    except DomainError as error:
        messages.error(request, error.message)
    return redirect("web:token_list")
