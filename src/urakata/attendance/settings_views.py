"""HR settings pages (人事): work rules and shift calendars, the company calendar, the 36協定,
paid-leave settings (計画的付与, 斉一的付与). Each POST goes through one audited service."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from urakata.attendance import setup
from urakata.attendance.models import Agreement36, CompanyDay, LeaveSettings, WorkRule
from urakata.attendance.planned import leave_planned_for_codes
from urakata.attendance.schedule import (
    schedule_employee,
    schedule_parse,
    variable_schedule_save,
)
from urakata.attendance.selectors import local_today
from urakata.attendance.settings_forms import (
    AgreementForm,
    CalendarForm,
    PlannedForm,
    RuleForm,
    ScheduleForm,
    UniformGrantForm,
)
from urakata.core.error_pages import form_add_errors
from urakata.core.errors import DomainError
from urakata.core.permissions import require


def _page(
    request: HttpRequest, template: str, context: dict[str, Any], invalid: bool
) -> HttpResponse:
    return render(request, f"attendance/{template}", context, status=400 if invalid else 200)


def _run(form: forms.Form, action: Any) -> bool:
    """Validate the form, call the service; its problems go onto the form. True when saved."""
    if not form.is_valid():
        return False
    try:
        action()
    except DomainError as error:
        form_add_errors(form, error)
        return False
    return True


def _rule_initial(code: str) -> dict[str, Any]:
    rule = WorkRule.objects.filter(code=code).first() if code else None
    if rule is None:
        return {
            "workdays": list("01234"),
            "legal_holiday_weekday": 6,
            "week_start": 6,
            "start_time": "9:00",
            "end_time": "18:00",
            "break_start": "12:00",
            "break_minutes": 60,
            "national_holidays_off": True,
            "period_start_day": 1,
        }
    values = {f: getattr(rule, f) for f in setup.RULE_FIELDS}
    values["workdays"] = list(rule.workdays)
    return {"code": rule.code, **values}


@login_required
def rules(request: HttpRequest) -> HttpResponse:
    """就業規則 and the shift calendars of 変形労働時間制."""
    require(request.user, "attendance.manage")
    rule_form = RuleForm(initial=_rule_initial(str(request.GET.get("code", ""))[:20]))
    schedule_form = ScheduleForm()
    invalid = False
    if request.method == "POST":
        user = request.user
        if request.POST.get("action") == "schedule":
            schedule_form = ScheduleForm(request.POST)
            saved = _run(schedule_form, lambda: _save_schedule(request, schedule_form))
        else:
            rule_form = RuleForm(request.POST)
            saved = _run(
                rule_form,
                lambda: setup.work_rule_save(
                    actor=user, code=rule_form.cleaned_data["code"], **rule_form.values()
                ),
            )
            if saved:
                messages.success(request, _("就業規則を保存しました。"))
        if saved:
            return redirect("attendance:settings_rules")
        invalid = True
    context = {
        "rules": WorkRule.objects.all(),
        "rule_form": rule_form,
        "schedule_form": schedule_form,
    }
    return _page(request, "settings_rules.html", context, invalid)


def _save_schedule(request: HttpRequest, form: ScheduleForm) -> None:
    data = form.cleaned_data
    employee = schedule_employee(data["employee_code"])
    rows = variable_schedule_save(
        actor=request.user,
        rule=data["rule"],
        period_start=data["period_start"],
        days=schedule_parse(data["text"]),
        employee=employee,
    )
    messages.success(request, _("シフト表を保存しました(%(n)d 日)。") % {"n": len(rows)})


@login_required
def company_calendar(request: HttpRequest) -> HttpResponse:
    """会社カレンダー: company days off and working days of the year."""
    require(request.user, "attendance.manage")
    form = CalendarForm()
    if request.method == "POST":
        form = CalendarForm(request.POST)

        def save() -> None:
            data = form.cleaned_data
            off = {"off": True, "work": False}.get(data["kind"])
            setup.company_day_set(
                actor=request.user, date=data["date"], is_day_off=off, name=data["name"]
            )

        if _run(form, save):
            messages.success(request, _("会社カレンダーを保存しました。"))
            return redirect("attendance:settings_calendar")
    year = local_today().year
    days = CompanyDay.objects.filter(date__year__in=[year, year + 1])
    context = {"form": form, "days": days}
    return _page(request, "settings_calendar.html", context, form.is_bound)


@login_required
def agreement(request: HttpRequest) -> HttpResponse:
    """36協定: limits and the warning threshold per agreement year."""
    require(request.user, "attendance.manage")
    latest = Agreement36.objects.first()
    initial: dict[str, Any] = {"effective_from": dt.date(local_today().year, 4, 1)}
    if latest is not None:
        initial = {
            "effective_from": latest.effective_from,
            "monthly_limit_hours": latest.monthly_limit_minutes // 60,
            "annual_limit_hours": latest.annual_limit_minutes // 60,
            "special_clause": latest.special_clause,
            "special_monthly_limit_hours": latest.special_monthly_limit_minutes // 60,
            "special_annual_limit_hours": latest.special_annual_limit_minutes // 60,
            "special_months_allowed": latest.special_months_allowed,
            "warn_percent": latest.warn_percent,
        }
    form = AgreementForm(initial=initial)
    if request.method == "POST":
        form = AgreementForm(request.POST)
        saved = _run(
            form,
            lambda: setup.agreement_save(
                actor=request.user,
                effective_from=form.cleaned_data["effective_from"],
                **form.values(),
            ),
        )
        if saved:
            messages.success(request, _("36協定を保存しました。"))
            return redirect("attendance:settings_agreement")
    context = {"form": form, "agreements": Agreement36.objects.all()[:10]}
    return _page(request, "settings_agreement.html", context, form.is_bound)


@login_required
def leave_settings(request: HttpRequest) -> HttpResponse:
    """年休の設定: 計画的付与 (a day for many) and 斉一的付与 (the company-wide grant date)."""
    require(request.user, "attendance.manage")
    current = LeaveSettings.objects.first()
    planned_form = PlannedForm()
    uniform_form = UniformGrantForm(
        initial={
            "uniform_grant_month": current.uniform_grant_month if current else None,
            "uniform_grant_day": current.uniform_grant_day if current else 1,
        }
    )
    if request.method == "POST":
        if request.POST.get("action") == "uniform":
            uniform_form = UniformGrantForm(request.POST)
            saved = _run(
                uniform_form,
                lambda: setup.leave_settings_save(actor=request.user, **uniform_form.cleaned_data),
            )
            if saved:
                messages.success(request, _("年次有給休暇の付与日を保存しました。"))
        else:
            planned_form = PlannedForm(request.POST)
            saved = _run(planned_form, lambda: _planned(request, planned_form))
        if saved:
            return redirect("attendance:settings_leave")
    context = {"planned_form": planned_form, "uniform_form": uniform_form, "current": current}
    bound = planned_form.is_bound or uniform_form.is_bound
    return _page(request, "settings_leave.html", context, bound)


def _planned(request: HttpRequest, form: PlannedForm) -> None:
    data = form.cleaned_data
    codes = [c for c in data["employee_codes"].replace(",", " ").split() if c]
    booked, skipped = leave_planned_for_codes(
        actor=request.user, date=data["date"], codes=codes, reason=data["reason"]
    )
    messages.success(
        request,
        _("計画的付与を登録しました(%(n)d 人、残日数不足・休日などで %(s)d 人は対象外)。")
        % {"n": len(booked), "s": skipped},
    )
