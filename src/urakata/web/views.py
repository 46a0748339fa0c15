"""Shell pages: login/logout, two-factor, home, audit log, API tokens."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urakata.core import services as core_services
from urakata.web import selectors


def client_ip(request: HttpRequest) -> str | None:
    """The client address as seen by Django (the load balancer must set REMOTE_ADDR correctly)."""
    return request.META.get("REMOTE_ADDR")


def login_view(request: HttpRequest) -> HttpResponse:
    """Sign in with username and password; repeated failures lock the account for a while.

    Every attempt is an audit event (core.login.succeeded / core.login.failed). While a lock
    holds, even the right password is refused, so guessing cannot continue behind it.
    """
    error = ""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if request.method == "POST":
        username = (request.POST.get("username") or "").strip()
        password = request.POST.get("password") or ""
        ip_address = client_ip(request)
        if core_services.login_is_locked(username=username):
            core_services.login_record_failure(username=username, ip_address=ip_address)
            error = _(
                "ログイン失敗が続いたため、このアカウントは一時的にロックされています。しばらくしてから再度お試しください。"
            )
        else:
            user = authenticate(request, username=username, password=password)
            if user is None:
                locked = core_services.login_record_failure(
                    username=username, ip_address=ip_address
                )
                error = (
                    _("ログイン失敗が続いたため、このアカウントは一時的にロックされました。")
                    if locked
                    else _("ユーザー名またはパスワードが正しくありません。")
                )
            else:
                login(request, user)
                core_services.login_record_success(user=user, ip_address=ip_address)
                if next_url and url_has_allowed_host_and_scheme(
                    next_url, {request.get_host()}, require_https=request.is_secure()
                ):
                    return redirect(next_url)
                return redirect("web:home")
    return render(
        request, "web/login.html", {"error": error, "next": next_url}, status=401 if error else 200
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("web:login")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Home: headline numbers and recent activity from the database."""
    context: dict[str, Any] = selectors.home_summary(actor=request.user)
    return render(request, "web/home.html", context)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)
