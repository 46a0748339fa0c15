"""Self-registration links: the host's page to make and revoke them, the visitor's public page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urakata.core.error_pages import flash_error
from urakata.core.errors import Conflict, NotFound, TooManyRequests, ValidationFailed
from urakata.core.labels import error_lines
from urakata.core.permissions import require
from urakata.facilities import invites
from urakata.facilities.forms import Fields


@login_required
def invite_list(request: HttpRequest) -> HttpResponse:
    """来訪者登録リンク: make a link for a meeting (shown once with its check code), revoke one."""
    require(request.user, "facilities.host_visitors")
    if request.method == "POST":
        fields = Fields(request.POST)
        try:
            values: dict[str, Any] = {
                "title": fields.text("title"),
                "place": fields.text("place", 100),
                "date_from": fields.date("date_from"),
                "date_to": fields.date("date_to"),
                "time_from": fields.time("time_from"),
                "time_to": fields.time("time_to"),
                "max_uses": fields.integer("max_uses", 1, limit=1000) or 0,
                "days_valid": fields.integer("days_valid", 14, limit=1000) or 0,
            }
            fields.check()
            created = invites.visit_invite_create(actor=request.user, **values)
        except ValidationFailed as error:
            flash_error(request, error)
            return redirect("facilities:invite_list")
        link = request.build_absolute_uri(reverse("facilities:invite_public", args=[created.token]))
        return render(
            request,
            "facilities/invite_created.html",
            {"invite": created.invite, "link": link, "code": created.code},
        )
    return render(
        request,
        "facilities/invite_list.html",
        {
            "invites": [
                (i, invites.invite_state(i))
                for i in invites.visit_invite_list(actor=request.user)[:100]
            ]
        },
    )


@login_required
@require_POST
def invite_revoke(request: HttpRequest, invite_id: int) -> HttpResponse:
    try:
        invites.visit_invite_revoke(actor=request.user, invite_id=invite_id)
        messages.success(request, _("登録リンクを無効にしました。"))
    except Conflict as error:
        flash_error(request, error)
    return redirect("facilities:invite_list")


def _closed(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "facilities/invite_closed.html", {"message": message}, status=status)


def _limited(request: HttpRequest, error: TooManyRequests) -> HttpResponse:
    """The public page's own 429 (no site chrome for a visitor), with core's Retry-After."""
    response = _closed(request, error.message, error.status)
    if error.retry_after:
        response["Retry-After"] = str(error.retry_after)
    return response


def invite_public(request: HttpRequest, token: str) -> HttpResponse:
    """The visitor's page (no login): the meeting, the host's window, the form and the code."""
    ip = request.META.get("REMOTE_ADDR")
    try:
        invite = invites.visit_invite_public_get(token=token, ip=ip)
    except TooManyRequests as error:
        return _limited(request, error)
    except (NotFound, Conflict) as error:
        return _closed(request, error.message, 410 if isinstance(error, Conflict) else 404)
    errors: list[str] = []
    if request.method == "POST":
        fields = Fields(request.POST)
        try:
            values: dict[str, Any] = {
                "visitor_name": fields.text("visitor_name", 100),
                "visitor_company": fields.text("visitor_company"),
                "visitor_email": fields.text("visitor_email", 254),
                "visit_date": fields.date("visit_date"),
                "expected_time": fields.time("expected_time"),
                "party_size": fields.integer("party_size", 1, limit=1000) or 0,
            }
            fields.check()
            visit = invites.visit_self_register(
                token=token, code=fields.text("code", 20), ip=ip, **values
            )
        except TooManyRequests as error:
            return _limited(request, error)
        except ValidationFailed as error:
            errors = [error.message, *(x for x in error_lines(error) if x != error.message)]
            invite.refresh_from_db()
            if invites.invite_state(invite) == "locked":
                return _closed(request, error.message, 410)
        except (NotFound, Conflict) as error:
            return _closed(request, error.message, 410)
        else:
            return render(request, "facilities/invite_done.html", {"visit": visit})
    return render(
        request,
        "facilities/invite_public.html",
        {"invite": invite, "errors": errors, "form": request.POST if errors else {}},
        status=422 if errors else 200,
    )
