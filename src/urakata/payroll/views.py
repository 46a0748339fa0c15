"""Payroll pages: pay runs (HR: diff and approval; accounting: totals), payslips, 賃金台帳."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urakata.core.error_pages import flash_error
from urakata.core.errors import Conflict, NotFound, ValidationFailed
from urakata.core.permissions import can, require
from urakata.org import selectors as org_selectors
from urakata.payroll import outputs, selectors, services


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    """給与計算: the runs, and (HR) a form to calculate a month."""
    runs = selectors.pay_run_list(actor=request.user)[:36]
    return render(
        request,
        "payroll/run_list.html",
        {"runs": runs, "can_manage": can(request.user, "payroll.manage")},
    )


@login_required
@require_POST
def run_create(request: HttpRequest) -> HttpResponse:
    """Calculate a month (POST: month=YYYY-MM, reason for a fixed month)."""
    require(request.user, "payroll.manage")
    try:
        month = dt.datetime.strptime(request.POST.get("month", ""), "%Y-%m").date()
    except ValueError:
        messages.error(request, _("対象月を YYYY-MM で入力してください。"))
        return redirect("payroll:run_list")
    try:
        run = services.pay_run_calculate(
            actor=request.user, month=month, reason=request.POST.get("reason", "")
        )
    except ValidationFailed as error:
        flash_error(request, error)
        return redirect("payroll:run_list")
    messages.success(request, _("%(month)s の給与を計算しました。") % {"month": f"{month:%Y-%m}"})
    return redirect("payroll:run_detail", run_id=run.pk)


@login_required
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    """One run: HR sees each payslip against last month with flags; others the department totals."""
    run = selectors.pay_run_get(actor=request.user, run_id=run_id)
    manage = can(request.user, "payroll.manage")
    return render(
        request,
        "payroll/run_detail.html",
        {
            "run": run,
            "can_manage": manage,
            "can_approve": can(request.user, "payroll.approve"),
            "rows": selectors.pay_run_diff(actor=request.user, run=run) if manage else [],
            "departments": selectors.department_totals(actor=request.user, run=run),
        },
    )


def _transition(request: HttpRequest, run_id: int, step: str) -> HttpResponse:
    run = selectors.pay_run_get(actor=request.user, run_id=run_id)
    try:
        if step == "check":
            services.pay_run_check(actor=request.user, run=run)
            messages.success(request, _("確認済みにしました。"))
        elif step == "submit":
            from urakata.payroll.approval import pay_run_submit

            pay_run_submit(actor=request.user, run=run)
            messages.success(request, _("承認を申請しました。"))
        else:
            services.pay_run_approve(actor=request.user, run=run)
            messages.success(request, _("承認し確定しました。仕訳を記帳しました。"))
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    return redirect("payroll:run_detail", run_id=run_id)


@login_required
@require_POST
def run_check(request: HttpRequest, run_id: int) -> HttpResponse:
    """計算済み → 確認済み."""
    return _transition(request, run_id, "check")


@login_required
@require_POST
def run_submit(request: HttpRequest, run_id: int) -> HttpResponse:
    """確認済み → 承認待ち (workflow: another HR member approves)."""
    return _transition(request, run_id, "submit")


@login_required
@require_POST
def run_approve(request: HttpRequest, run_id: int) -> HttpResponse:
    """確認済み → 確定 (journal, transfers)."""
    return _transition(request, run_id, "approve")


@login_required
def my_payslips(request: HttpRequest) -> HttpResponse:
    """My payslips (phone-friendly)."""
    return render(
        request, "payroll/my_payslips.html", {"slips": selectors.my_payslips(actor=request.user)}
    )


@login_required
def payslip_detail(request: HttpRequest, payslip_id: int) -> HttpResponse:
    """One payslip (HR, or the employee's own fixed payslip)."""
    slip = selectors.payslip_get(actor=request.user, payslip_id=payslip_id)
    deductions = [row for row in slip.lines.get("deductions", []) if row[1]]
    return render(
        request,
        "payroll/payslip_detail.html",
        {
            "slip": slip,
            "deductions": deductions,
            "deduction_total": slip.gross - slip.net,
            "show_flags": can(
                request.user, "payroll.manage"
            ),  # HR's check notes, not the employee's
        },
    )


@login_required
def payslip_pdf(request: HttpRequest, payslip_id: int) -> HttpResponse:
    """The payslip as a PDF."""
    slip = selectors.payslip_get(actor=request.user, payslip_id=payslip_id)
    company = org_selectors.company_get()
    data = outputs.payslip_pdf(slip, company=company.name if company else "")
    services.export_log(
        actor=request.user, action="payroll.payslip.export", target=slip, details={"format": "pdf"}
    )
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="payslip-{slip.run.month:%Y-%m}-{slip.employee.code}.pdf"'
    )
    return response


@login_required
def wage_ledger(request: HttpRequest, year: int, fmt: str) -> HttpResponse:
    """賃金台帳 of a pay year as CSV, Excel or PDF (HR)."""
    if fmt not in ("csv", "xlsx", "pdf"):
        raise NotFound(_("形式が正しくありません。"))
    rows = selectors.wage_ledger_rows(actor=request.user, year=year)
    content, content_type, name = outputs.wage_ledger_file(rows, year=year, fmt=fmt)
    services.export_log(
        actor=request.user,
        action="payroll.wage_ledger.export",
        details={"year": year, "format": fmt, "rows": len(rows)},
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
