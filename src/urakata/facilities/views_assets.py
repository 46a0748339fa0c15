"""Pages for the fixed-asset register (固定資産台帳) and its depreciation."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urakata.core.error_pages import flash_error
from urakata.core.errors import Conflict, ValidationFailed
from urakata.core.permissions import can, require
from urakata.facilities import asset_selectors, assets, depreciation, exports
from urakata.facilities.forms import Fields
from urakata.facilities.models import FixedAsset
from urakata.org.models import Department


def _fiscal_year(request: HttpRequest) -> int:
    text = request.GET.get("fy", "")
    if text.isdigit() and 1900 <= int(text) <= 2100:
        return int(text)
    return depreciation.fiscal_year_of(timezone.localdate(), assets.fiscal_start())


@login_required
def asset_list(request: HttpRequest) -> HttpResponse:
    """固定資産台帳 with this fiscal year's 減価償却明細; the register form for 総務/経理."""
    require(request.user, "facilities.view_assets")
    if request.method == "POST":
        return _asset_register(request)
    fiscal_year = _fiscal_year(request)
    rows = asset_selectors.depreciation_register(actor=request.user, fiscal_year=fiscal_year)
    return render(
        request,
        "facilities/asset_list.html",
        {
            "rows": rows,
            "fiscal_year": fiscal_year,
            "total": sum(row.depreciation for row in rows),
            "booked": sum(row.booked for row in rows),
            "categories": FixedAsset.CATEGORY_CHOICES,
            "methods": FixedAsset.METHOD_CHOICES,
            "departments": Department.objects.filter(is_active=True).order_by("code"),
            "can_manage": can(request.user, "facilities.manage_assets"),
            "can_post": can(request.user, "facilities.post_depreciation"),
        },
    )


def _asset_register(request: HttpRequest) -> HttpResponse:
    fields = Fields(request.POST)
    try:
        values = {
            "name": fields.text("name"),
            "category": fields.text("category", 20),
            "life": fields.integer("life", 0, limit=1000) or 0,
            "method": fields.text("method", 20),
            "acquired_on": fields.date("acquired_on"),
            "cost": fields.integer("cost", 0) or 0,
            "department_id": fields.integer("department_id", limit=2**62),
            "location": fields.text("location"),
            "paid_from": fields.text("paid_from", 10),
        }
        fields.check()
        asset = assets.asset_register(actor=request.user, **values)  # type: ignore[arg-type]
        messages.success(request, _("%(number)s を登録しました。") % {"number": asset.number})
        return redirect("facilities:asset_detail", asset_id=asset.pk)
    except ValidationFailed as error:
        flash_error(request, error)
    return redirect("facilities:asset_list")


@login_required
def asset_detail(request: HttpRequest, asset_id: int) -> HttpResponse:
    """One asset with its whole schedule and what has been booked."""
    asset = asset_selectors.asset_get(actor=request.user, asset_id=asset_id)
    booked = {
        line["fiscal_year"]: line["total"]
        for line in asset_selectors.booked_by_year(actor=request.user, asset=asset)
    }
    schedule = [
        {"row": row, "booked": booked.get(row.fiscal_year, 0)}
        for row in assets.asset_schedule_rows(asset)
    ]
    return render(
        request,
        "facilities/asset_detail.html",
        {
            "asset": asset,
            "schedule": schedule,
            "can_manage": can(request.user, "facilities.manage_assets"),
        },
    )


@login_required
@require_POST
def asset_dispose(request: HttpRequest, asset_id: int) -> HttpResponse:
    asset_selectors.asset_get(actor=request.user, asset_id=asset_id)
    fields = Fields(request.POST)
    try:
        disposed_on = fields.date("disposed_on")
        proceeds = fields.integer("proceeds", 0) or 0
        if disposed_on is None:
            fields.errors["disposed_on"] = [_("除売却日を入力してください。")]
        fields.check()
        assert disposed_on is not None
        assets.asset_dispose(
            actor=request.user, asset_id=asset_id, disposed_on=disposed_on, proceeds=proceeds
        )
        messages.success(request, _("除売却を記帳しました。"))
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    return redirect("facilities:asset_detail", asset_id=asset_id)


@login_required
@require_POST
def depreciation_post(request: HttpRequest) -> HttpResponse:
    """Book one month's depreciation (経理)."""
    month = request.POST.get("month", "")
    try:
        year_text, month_text = month.split("-")
        run = assets.depreciation_post(
            actor=request.user, year=int(year_text), month=int(month_text)
        )
        messages.success(
            request,
            _("%(month)s の減価償却費 %(total)s 円(%(count)s 件)を計上しました。")
            % {"month": month, "total": f"{run.total:,}", "count": run.assets},
        )
    except ValueError:
        messages.error(request, _("年月は YYYY-MM で指定してください。"))
    except ValidationFailed as error:
        flash_error(request, error)
    return redirect("facilities:asset_list")


@login_required
def asset_export(request: HttpRequest) -> HttpResponseBase:
    """固定資産台帳・減価償却明細 as CSV, Excel or PDF (an audited export)."""
    require(request.user, "facilities.view_assets")
    file_format = request.GET.get("format", "csv")
    if file_format not in ("csv", "xlsx", "pdf"):
        file_format = "csv"
    fiscal_year = _fiscal_year(request)
    if file_format == "pdf":
        content = exports.register_pdf(actor=request.user, fiscal_year=fiscal_year)
        response = HttpResponse(content, content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="fixed-assets-{fiscal_year}.pdf"'
        return response
    file = exports.register_export(
        actor=request.user, fiscal_year=fiscal_year, file_format=file_format
    )
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = f'attachment; filename="{file.filename}"'
    return response
