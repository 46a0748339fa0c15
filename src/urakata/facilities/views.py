"""Pages for visitors and reception (来客・受付)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urakata.core.error_pages import flash_error
from urakata.core.errors import Conflict, NotFound, ValidationFailed
from urakata.core.http import querystring_without_page
from urakata.core.permissions import can, require
from urakata.facilities import badge, notify, visitors
from urakata.facilities.forms import Fields
from urakata.org.models import Employee


@login_required
def visit_mine(request: HttpRequest) -> HttpResponse:
    """来客予定: the visits I host, and the form to pre-register one."""
    require(request.user, "facilities.host_visitors")
    if request.method == "POST":
        fields = Fields(request.POST)
        try:
            values: dict[str, Any] = {
                "visitor_name": fields.text("visitor_name", 100),
                "visitor_company": fields.text("visitor_company"),
                "visitor_email": fields.text("visitor_email", 254),
                "visit_date": fields.date("visit_date"),
                "expected_time": fields.time("expected_time"),
                "purpose": fields.text("purpose"),
                "place": fields.text("place", 100),
                "party_size": fields.integer("party_size", 1, limit=1000) or 1,
            }
            fields.check()
            visit = visitors.visit_register(actor=request.user, **values)
            messages.success(
                request, _("来客を登録しました。受付コード: %(code)s") % {"code": visit.code}
            )
        except ValidationFailed as error:
            flash_error(request, error)
        return redirect("facilities:visit_mine")
    return render(
        request,
        "facilities/visit_mine.html",
        {"visits": visitors.visit_mine(actor=request.user)[:200]},
    )


@login_required
@require_POST
def visit_cancel(request: HttpRequest, visit_id: int) -> HttpResponse:
    try:
        visitors.visit_cancel(actor=request.user, visit_id=visit_id)
        messages.success(request, _("来客予定を取り消しました。"))
    except Conflict as error:
        flash_error(request, error)
    return redirect("facilities:visit_mine")


@login_required
def visit_qr(request: HttpRequest, visit_id: int) -> HttpResponse:
    """The invitation's QR code (PNG) for the host to share."""
    visit = visitors.visit_get(actor=request.user, visit_id=visit_id)
    response = HttpResponse(notify.qr_png(visitors.qr_payload(visit)), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def reception(request: HttpRequest) -> HttpResponse:
    """受付 (kiosk): scan or type the code, search by name, today's board."""
    require(request.user, "facilities.reception")
    q = request.GET.get("q", "").strip()[:100]
    board = visitors.visit_board(actor=request.user, q=q)
    hosts = Employee.objects.filter(user__isnull=False, retire_date__isnull=True).order_by("code")
    return render(
        request,
        "facilities/reception.html",
        {"board": board, "q": q, "hosts": hosts[:500], "today": timezone.localdate()},
    )


@login_required
@require_POST
def reception_check_in(request: HttpRequest) -> HttpResponse:
    fields = Fields(request.POST)
    try:
        visit = visitors.visit_check_in(
            actor=request.user,
            code=fields.text("code", 100),
            visit_id=fields.integer("visit_id", limit=2**62),
            rules_accepted=fields.flag("rules_accepted"),
        )
        messages.success(
            request,
            _("%(name)s 様の受付が完了しました。入館証 %(badge)s 番。担当者に通知しました。")
            % {"name": visit.visitor_name, "badge": visit.badge_number},
        )
    except (ValidationFailed, Conflict, NotFound) as error:
        flash_error(request, error)
    return redirect("facilities:reception")


@login_required
@require_POST
def reception_walk_in(request: HttpRequest) -> HttpResponse:
    fields = Fields(request.POST)
    try:
        host = fields.integer("host_id", limit=2**62)
        fields.check()
        employee = Employee.objects.filter(pk=host or 0, user__isnull=False).first()
        if employee is None:
            raise ValidationFailed(
                _("担当者を選んでください。"), errors={"host_id": [_("担当者を選んでください。")]}
            )
        visit = visitors.visit_walk_in(
            actor=request.user,
            host_id=employee.user_id or 0,
            visitor_name=fields.text("visitor_name", 100),
            visitor_company=fields.text("visitor_company"),
            purpose=fields.text("purpose"),
            rules_accepted=fields.flag("rules_accepted"),
        )
        messages.success(
            request, _("受付しました。入館証 %(badge)s 番。") % {"badge": visit.badge_number}
        )
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    return redirect("facilities:reception")


@login_required
@require_POST
def visit_check_out(request: HttpRequest, visit_id: int) -> HttpResponse:
    try:
        visitors.visit_check_out(actor=request.user, visit_id=visit_id)
        messages.success(request, _("退館を記録しました。入館証を回収してください。"))
    except Conflict as error:
        flash_error(request, error)
    return redirect("facilities:reception")


@login_required
def visit_badge(request: HttpRequest, visit_id: int) -> HttpResponse:
    """入館証 (PDF) with the visitor number and host."""
    content = badge.visit_badge_pdf(actor=request.user, visit_id=visit_id)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="badge-{visit_id}.pdf"'
    return response


@login_required
def visit_log(request: HttpRequest) -> HttpResponse:
    """来客記録: searchable by date, company and host; each view is audited."""
    fields = Fields(request.GET)
    filters = visitors.LogFilters(
        date_from=fields.date("date_from"),
        date_to=fields.date("date_to"),
        company=fields.text("company", 100),
        host=fields.text("host", 100),
    )
    rows = visitors.visit_log(
        actor=request.user, filters=filters, ip_address=request.META.get("REMOTE_ADDR")
    )
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "facilities/visit_log.html",
        {
            "page": page,
            "filters": filters,
            "querystring": querystring_without_page(request),
            "can_reception": can(request.user, "facilities.reception"),
        },
    )
