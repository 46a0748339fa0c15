"""Attendance pages: my timecard (clock buttons), the team view, the HR dashboard."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urakata.attendance import pages, requests, selectors, services
from urakata.attendance.imports import parse_time
from urakata.core.error_pages import flash_error
from urakata.core.errors import Conflict, ValidationFailed
from urakata.core.permissions import require


def _month(request: HttpRequest) -> tuple[int, int]:
    text = request.GET.get("month") or request.POST.get("month") or ""
    if text:
        try:
            return selectors.parse_year_month(text)
        except ValidationFailed:
            pass
    today = selectors.local_today()
    return today.year, today.month


@login_required
def timecard(request: HttpRequest) -> HttpResponse:
    """My timecard (勤務表): the month's days, clock buttons, figures, leave balance."""
    require(request.user, "attendance.clock")
    year, month = _month(request)
    employee = selectors.own_employee(request.user)
    context = pages.timecard_context(request.user, employee, year, month)
    return render(request, "attendance/timecard.html", context)


@login_required
@require_POST
def clock_action(request: HttpRequest) -> HttpResponse:
    """打刻 from the timecard (出勤・退勤・休憩)."""
    action = request.POST.get("action", "")
    note = request.POST.get("location_note", "")[:200]
    try:
        if action == "in":
            services.clock_in(actor=request.user, location_note=note)
            messages.success(request, _("出勤を記録しました。"))
        elif action == "out":
            services.clock_out(actor=request.user, location_note=note)
            messages.success(request, _("退勤を記録しました。"))
        elif action in ("break_start", "break_end"):
            services.clock_break(actor=request.user, start=action == "break_start")
            messages.success(request, _("休憩を記録しました。"))
        else:
            raise ValidationFailed(_("操作が正しくありません。"), errors={"action": [action[:20]]})
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    return redirect("attendance:timecard")


def _post_date(request: HttpRequest, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(request.POST.get(name, ""))
    except ValueError:
        raise ValidationFailed(
            _("日付は YYYY-MM-DD で指定してください。"),
            errors={name: [_("日付が正しくありません。")]},
        ) from None


@login_required
@require_POST
def correction_new(request: HttpRequest) -> HttpResponse:
    """打刻修正申請 from the timecard."""
    try:
        start = parse_time(request.POST.get("start"))
        end = parse_time(request.POST.get("end"), allow_next_day=True)
        pause = request.POST.get("break_minutes", "0").strip() or "0"
        if start is None or end is None or not pause.isdigit():
            raise ValidationFailed(
                _("時刻は HH:MM、休憩は分で入力してください。"), errors={"start": [_("形式")]}
            )
        if end <= start:
            end += 1440
        requests.correction_submit(
            actor=request.user,
            work_date=_post_date(request, "work_date"),
            start=start,
            end=end,
            break_minutes=min(int(pause), 1440),
            reason=request.POST.get("reason", "")[:200],
        )
        messages.success(request, _("打刻修正を申請しました。"))
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    return redirect("attendance:timecard")


@login_required
@require_POST
def leave_new(request: HttpRequest) -> HttpResponse:
    """休暇申請 from the timecard."""
    try:
        hours = request.POST.get("hours", "0").strip() or "0"
        requests.leave_request_submit(
            actor=request.user,
            date=_post_date(request, "date"),
            unit=request.POST.get("unit", "full"),
            hours=int(hours) if hours.isdigit() and len(hours) < 3 else 0,
            kind=request.POST.get("kind", "annual"),
            reason=request.POST.get("reason", "")[:200],
            special_type=request.POST.get("special_type", "")[:20],
            evidence=request.POST.get("evidence", "")[:200],
        )
        messages.success(request, _("休暇を申請しました。"))
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    return redirect("attendance:timecard")


@login_required
def team(request: HttpRequest) -> HttpResponse:
    """Team view (managers): members' month figures, who is over the threshold, corrections."""
    require(request.user, "attendance.view_team")
    year, month = _month(request)
    context = pages.team_context(request.user, year, month)
    return render(request, "attendance/team.html", context)


@login_required
@require_POST
def confirm(request: HttpRequest) -> HttpResponse:
    """部署の月次確認 (the department's manager)."""
    year, month = _month(request)
    try:
        department = pages.department_for(request.user, request.POST.get("department", ""))
        services.department_confirm(
            actor=request.user, department=department, year=year, month=month
        )
        messages.success(request, _("%(name)sの勤怠を確認しました。") % {"name": department.name})
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    return redirect(f"/attendance/team/?month={year}-{month:02d}")


@login_required
def hr_dashboard(request: HttpRequest) -> HttpResponse:
    """HR dashboard: overtime by department (chart), 36協定 risks, the 5-day obligation list."""
    require(request.user, "attendance.view_all")
    year, month = _month(request)
    context = pages.hr_context(request.user, year, month)
    return render(request, "attendance/hr.html", context)


@login_required
@require_POST
def close(request: HttpRequest) -> HttpResponse:
    """月次締め (HR)."""
    require(request.user, "attendance.manage")
    year, month = _month(request)
    try:
        result = services.month_close(actor=request.user, year=year, month=month)
        messages.success(
            request,
            _("%(y)s年%(m)s月を締めました(%(n)s 人)。")
            % {"y": year, "m": month, "n": result.employees},
        )
    except (ValidationFailed, Conflict) as error:
        flash_error(request, error)
    return redirect(f"/attendance/hr/?month={year}-{month:02d}")


@login_required
def leave_register(request: HttpRequest) -> HttpResponseBase:
    """年次有給休暇管理簿 (労基則24条の7) as CSV: 基準日, days, dates taken, per employee."""
    require(request.user, "attendance.view_all")
    return pages.leave_register_response(request.user, selectors.local_today())


@login_required
def leave_register_pdf(request: HttpRequest) -> HttpResponseBase:
    """年次有給休暇管理簿 as a PDF (`?employee=CODE` for one employee)."""
    from django.http import HttpResponse as PdfResponse

    from urakata.attendance.register_pdf import leave_register_pdf as build

    require(request.user, "attendance.view_all")
    code = str(request.GET.get("employee", ""))[:20]
    body = build(actor=request.user, today=selectors.local_today(), employee_code=code)
    response = PdfResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="leave-register.pdf"'
    return response
