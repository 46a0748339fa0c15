"""Pages for supplies: catalogue, purchase orders and receipts, loaned equipment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urakata.core.error_pages import flash_error
from urakata.core.errors import Conflict, ValidationFailed
from urakata.core.permissions import can, require
from urakata.facilities import matching, order_send, supplies
from urakata.facilities.forms import Fields
from urakata.facilities.models import Loan, SupplyItem
from urakata.org.models import Counterparty, Employee


@login_required
def item_list(request: HttpRequest) -> HttpResponse:
    """備品・消耗品: the catalogue with stock; low stock first when asked."""
    require(request.user, "facilities.view_supplies")
    if request.method == "POST":
        fields = Fields(request.POST)
        try:
            values: dict[str, Any] = {
                "code": fields.text("code", 20),
                "name": fields.text("name"),
                "category": fields.text("category", 50),
                "unit": fields.text("unit", 10),
                "unit_price": fields.integer("unit_price", 0) or 0,
                "vendor_id": fields.integer("vendor_id", limit=2**62),
                "stock": fields.text("stock", 20) or "0",
                "reorder_point": fields.text("reorder_point", 20) or "0",
                "consumable": fields.flag("consumable"),
                "asset_category": fields.text("asset_category", 20),
                "asset_life": fields.integer("asset_life", 0, limit=1000) or 0,
            }
            fields.check()
            supplies.item_create(actor=request.user, **values)
            messages.success(request, _("品目を登録しました。"))
        except ValidationFailed as error:
            flash_error(request, error)
        return redirect("facilities:item_list")
    low = request.GET.get("low") == "1"
    q = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "facilities/item_list.html",
        {
            "items": supplies.item_list(actor=request.user, q=q, low_stock=low)[:500],
            "low": low,
            "q": q,
            "low_count": supplies.item_list(actor=request.user, low_stock=True).count(),
            "vendors": Counterparty.objects.filter(is_supplier=True, is_active=True)[:500],
            "can_manage": can(request.user, "facilities.manage_supplies"),
            "categories": SupplyItem.CATEGORY_CHOICES_FOR_ASSETS,
        },
    )


@login_required
def order_list(request: HttpRequest) -> HttpResponse:
    """発注: orders and the form for a new one (one line per item with a quantity)."""
    require(request.user, "facilities.manage_supplies")
    if request.method == "POST":
        fields = Fields(request.POST)
        try:
            lines = [
                {"item_id": int(item_id), "quantity": quantity}
                for item_id, quantity in zip(
                    request.POST.getlist("item_id"), request.POST.getlist("quantity"), strict=False
                )
                if item_id.isdigit() and quantity.strip()
            ]
            vendor = fields.integer("vendor_id", 0, limit=2**62) or 0
            fields.check()
            order = supplies.purchase_order_create(
                actor=request.user,
                vendor_id=vendor,
                lines=lines,
                delivery_address=fields.text("delivery_address", 300),
            )
            messages.success(request, _("%(number)s を発注しました。") % {"number": order.number})
            return redirect("facilities:order_detail", order_id=order.pk)
        except ValidationFailed as error:
            flash_error(request, error)
        return redirect("facilities:order_list")
    return render(
        request,
        "facilities/order_list.html",
        {
            "orders": supplies.order_list(actor=request.user)[:200],
            "vendors": Counterparty.objects.filter(is_supplier=True, is_active=True)[:500],
            "items": supplies.item_list(actor=request.user)[:500],
        },
    )


@login_required
def order_detail(request: HttpRequest, order_id: int) -> HttpResponse:
    """One order; POST records a (partial) receipt."""
    order = supplies.order_get(actor=request.user, order_id=order_id)
    if request.method == "POST":
        quantities: dict[int, Any] = {}
        for key in request.POST:
            value = str(request.POST.get(key, "")).strip()
            suffix = key.removeprefix("receive_")
            if key.startswith("receive_") and suffix.isdigit() and value:
                quantities[int(suffix)] = value
        try:
            supplies.order_receive(actor=request.user, order_id=order.pk, quantities=quantities)
            messages.success(request, _("入荷を記録しました。"))
        except (ValidationFailed, Conflict) as error:
            flash_error(request, error)
        return redirect("facilities:order_detail", order_id=order.pk)
    lines = order.lines.select_related("item")
    return render(
        request,
        "facilities/order_detail.html",
        {"order": order, "lines": lines, "matches": matching.order_matches(order)},
    )


@login_required
def order_pdf(request: HttpRequest, order_id: int) -> HttpResponse:
    """発注書 (PDF)."""
    order, content = order_send.order_pdf_get(actor=request.user, order_id=order_id)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{order.number}.pdf"'
    return response


@login_required
@require_POST
def order_send_view(request: HttpRequest, order_id: int) -> HttpResponse:
    """E-mail the 発注書 to the vendor (and file it as 注文書)."""
    try:
        order = order_send.purchase_order_send(
            actor=request.user, order_id=order_id, email=request.POST.get("email", "")[:254]
        )
        messages.success(request, _("発注書を %(to)s に送付しました。") % {"to": order.sent_to})
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    return redirect("facilities:order_detail", order_id=order_id)


@login_required
def loan_list(request: HttpRequest) -> HttpResponse:
    """貸与品: what is out, and the list HR checks before a last day."""
    require(request.user, "facilities.manage_supplies")
    if request.method == "POST":
        fields = Fields(request.POST)
        try:
            employee = fields.integer("employee_id", 0, limit=2**62) or 0
            fields.check()
            supplies.loan_create(
                actor=request.user,
                employee_id=employee,
                kind=fields.text("kind", 10),
                name=fields.text("name"),
                serial_number=fields.text("serial_number", 100),
            )
            messages.success(request, _("貸与を登録しました。"))
        except ValidationFailed as error:
            flash_error(request, error)
        return redirect("facilities:loan_list")
    leaving = request.GET.get("leaving") == "1"
    return render(
        request,
        "facilities/loan_list.html",
        {
            "loans": supplies.loans_open(actor=request.user, leaving_only=leaving)[:500],
            "leaving": leaving,
            "kinds": Loan.Kind.choices,
            "employees": Employee.objects.filter(retire_date__isnull=True).order_by("code")[:500],
        },
    )


@login_required
@require_POST
def loan_return(request: HttpRequest, loan_id: int) -> HttpResponse:
    try:
        supplies.loan_return(actor=request.user, loan_id=loan_id)
        messages.success(request, _("返却を記録しました。"))
    except Conflict as error:
        flash_error(request, error)
    return redirect("facilities:loan_list")


@login_required
def request_list(request: HttpRequest) -> HttpResponse:
    """購買申請: my requests (総務: all) and the form for a new one."""
    from urakata.facilities import supply_requests as requests

    require(request.user, "facilities.view_supplies")
    if request.method == "POST":
        fields = Fields(request.POST)
        try:
            item = fields.integer("item_id", 0, limit=2**62) or 0
            fields.check()
            requests.supply_request_submit(
                actor=request.user,
                item_id=item,
                quantity=fields.text("quantity", 20),
                reason=fields.text("reason", 300),
            )
            messages.success(request, _("購買申請を提出しました。承認されると発注されます。"))
        except ValidationFailed as error:
            flash_error(request, error)
        return redirect("facilities:request_list")
    return render(
        request,
        "facilities/request_list.html",
        {
            "requests": requests_list(request.user),
            "items": supplies.item_list(actor=request.user)[:500],
        },
    )


def requests_list(user: Any) -> Any:
    from urakata.facilities import supply_requests as requests

    return requests.supply_request_list(actor=user)[:200]
