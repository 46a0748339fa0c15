"""Payroll pages for HR: the pay master (dated pay changes, dated allowances and deductions, 住民税,
資格取得時決定) and bonus runs (create here; check and approve on the run page)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from urakata.core.error_pages import flash_error
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import require
from urakata.payroll import bonus, selectors, versions
from urakata.payroll.item_versions import item_history, pay_item_change_schedule
from urakata.payroll.models import PayItem, PayProfile
from urakata.payroll.services_profiles import (
    pay_item_save,
    pay_profile_acquisition_decide,
    pay_profile_save,
    resident_tax_save,
)


def _int(value: str, field: str) -> int:
    try:
        return int((value or "0").replace(",", "").strip())
    except ValueError:
        raise ValidationFailed(
            _("数値を入力してください。"), errors={field: [_("整数で入力してください。")]}
        ) from None


def _decimal(value: str, field: str) -> Decimal:
    try:
        return Decimal((value or "0").strip())
    except InvalidOperation:
        raise ValidationFailed(
            _("数値を入力してください。"), errors={field: [_("数値で入力してください。")]}
        ) from None


def _month(value: str, field: str) -> dt.date:
    try:
        return dt.datetime.strptime((value or "").strip(), "%Y-%m").date()
    except ValueError:
        raise ValidationFailed(
            _("月を YYYY-MM で入力してください。"), errors={field: [_("YYYY-MM です。")]}
        ) from None


@login_required
def profile_list(request: HttpRequest) -> HttpResponse:
    """給与マスタ: every employee's pay master (HR)."""
    return render(
        request,
        "payroll/profile_list.html",
        {"profiles": selectors.profile_list(actor=request.user)},
    )


@login_required
def profile_edit(request: HttpRequest, employee_id: int) -> HttpResponse:
    """One pay master: pay from a month (with its history), allowances, deductions, 住民税."""
    require(request.user, "payroll.manage")
    profile = selectors.profile_for(actor=request.user, employee_id=employee_id)
    return render(
        request,
        "payroll/profile_edit.html",
        {
            "profile": profile,
            "pay_types": PayProfile.PayType.choices,
            "history": versions.profile_history(profile),
            "items": list(profile.items.order_by("kind", "name")),
            "item_history": item_history(profile),
            "insured_kinds": PayProfile.InsuredKind.choices,
            "dependant_rows": _dependant_rows(profile),
            "disabilities": DISABILITIES,
            "taxes": list(profile.resident_taxes.order_by("-fiscal_year")),
        },
    )


DISABILITIES = (
    ("", _lazy("-")),
    ("general", _lazy("障害者")),
    ("special", _lazy("特別障害者")),
    ("special_cohabiting", _lazy("同居特別障害者")),
)


def _dependant_rows(profile: PayProfile) -> list[dict[str, Any]]:
    """The listed 扶養親族 with their age at this year's end, then blank rows to fill."""
    from urakata.payroll.views_declaration import DEPENDANT_ROWS, ages_at_year_end

    rows = ages_at_year_end(list(profile.dependant_details), timezone.localdate().year)
    blank = {"name": "", "relation": "", "birth_date": "", "disability": "", "age": None}
    return rows + [dict(blank) for _n in range(max(DEPENDANT_ROWS - len(rows), 0))]


def _pay_values(post: Any) -> dict[str, Any]:
    return {
        "pay_type": post.get("pay_type", ""),
        "base_pay": _int(post.get("base_pay", ""), "base_pay"),
        "scheduled_hours": _decimal(post.get("scheduled_hours", ""), "scheduled_hours"),
        "scheduled_days": _decimal(post.get("scheduled_days", ""), "scheduled_days"),
        "commute_allowance": _int(post.get("commute_allowance", ""), "commute_allowance"),
        "commute_nontaxable": _int(post.get("commute_nontaxable", ""), "commute_nontaxable"),
        "health_grade": _int(post.get("health_grade", ""), "health_grade"),
    }


@login_required
@require_POST
def profile_pay(request: HttpRequest, employee_id: int) -> HttpResponse:
    """Change pay from a pay month (a second change for the same month corrects it)."""
    require(request.user, "payroll.manage")
    profile = selectors.profile_for(actor=request.user, employee_id=employee_id)
    try:
        month = _month(request.POST.get("effective_month", ""), "effective_month")
        pay_profile_save(
            actor=request.user,
            employee=profile.employee,
            effective_month=month,
            reason=request.POST.get("reason", "")[:200],
            **_pay_values(request.POST),
        )
        messages.success(
            request, _("%(month)s からの給与を保存しました。") % {"month": f"{month:%Y-%m}"}
        )
    except ValidationFailed as error:
        flash_error(request, error)
    return redirect("payroll:profile_edit", employee_id=employee_id)


@login_required
@require_POST
def profile_item(request: HttpRequest, employee_id: int) -> HttpResponse:
    """Add, change or stop an allowance or deduction (by name), at once or from a pay month."""
    require(request.user, "payroll.manage")
    profile = selectors.profile_for(actor=request.user, employee_id=employee_id)
    post = request.POST
    try:
        kind, name = post.get("kind", ""), post.get("name", "")[:40]
        remove = post.get("remove") == "on"
        amount = 0 if remove else _int(post.get("amount", ""), "amount")
        taxable = post.get("taxable") == "on" or kind == PayItem.Kind.DEDUCTION
        in_base = post.get("in_overtime_base") == "on"
        if post.get("effective_month", "").strip() or remove:
            month = _month(post.get("effective_month", ""), "effective_month")
            pay_item_change_schedule(
                actor=request.user,
                profile=profile,
                effective_month=month,
                kind=kind,
                name=name,
                amount=amount,
                taxable=taxable,
                in_overtime_base=in_base,
                remove=remove,
                reason=post.get("reason", "")[:200],
            )
        else:
            pay_item_save(
                actor=request.user,
                profile=profile,
                kind=kind,
                name=name,
                amount=amount,
                taxable=taxable,
                in_overtime_base=in_base,
            )
        messages.success(request, _("手当・控除を保存しました。"))
    except ValidationFailed as error:
        flash_error(request, error)
    return redirect("payroll:profile_edit", employee_id=employee_id)


@login_required
@require_POST
def profile_resident_tax(request: HttpRequest, employee_id: int) -> HttpResponse:
    """住民税 特別徴収 of a year (June and July–May) from the notice."""
    require(request.user, "payroll.manage")
    profile = selectors.profile_for(actor=request.user, employee_id=employee_id)
    try:
        year = _int(request.POST.get("fiscal_year", ""), "fiscal_year")
        if not 2000 <= year <= 2100:
            raise ValidationFailed(
                _("住民税を保存できません。"),
                errors={"fiscal_year": [_("年度が正しくありません。")]},
            )
        resident_tax_save(
            actor=request.user,
            profile=profile,
            fiscal_year=year,
            june_amount=_int(request.POST.get("june_amount", ""), "june_amount"),
            monthly_amount=_int(request.POST.get("monthly_amount", ""), "monthly_amount"),
        )
        messages.success(request, _("住民税を保存しました。"))
    except ValidationFailed as error:
        flash_error(request, error)
    return redirect("payroll:profile_edit", employee_id=employee_id)


@login_required
@require_POST
def profile_acquisition(request: HttpRequest, employee_id: int) -> HttpResponse:
    """資格取得時決定 from the expected monthly pay with an overtime estimate."""
    require(request.user, "payroll.manage")
    profile = selectors.profile_for(actor=request.user, employee_id=employee_id)
    try:
        decision = pay_profile_acquisition_decide(
            actor=request.user,
            profile=profile,
            overtime_estimate=_int(request.POST.get("overtime_estimate", ""), "overtime_estimate"),
        )
        messages.success(
            request,
            _("報酬月額 %(pay)s円 → 標準報酬月額 %(std)s円(%(until)s まで)")
            % {
                "pay": f"{decision.remuneration:,}",
                "std": f"{decision.health_standard:,}",
                "until": decision.valid_until,
            },
        )
    except ValidationFailed as error:
        flash_error(request, error)
    return redirect("payroll:profile_edit", employee_id=employee_id)


def _bonus_amounts(actor: Any, text: str) -> dict[int, int]:
    """「社員番号,賞与額」 one a line → {employee id: amount}; every bad line reported."""
    parsed: dict[str, int] = {}
    problems: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        code, _sep, amount = line.replace("\t", ",").partition(",")
        try:
            parsed[code.strip()] = int(amount.replace(",", "").strip())
        except ValueError:
            problems.append(
                _("%(n)s行目: 「社員番号,賞与額」の形式ではありません。") % {"n": number}
            )
    ids = selectors.employee_ids_by_code(actor=actor, codes=list(parsed))
    problems += [
        _("社員番号 %(code)s の給与マスタがありません。") % {"code": code}
        for code in parsed
        if code not in ids
    ]
    if not parsed and not problems:
        problems.append(_("賞与額を1行以上入力してください。"))
    if problems:
        raise ValidationFailed(_("賞与を計算できません。"), errors={"amounts": problems})
    return {ids[code]: amount for code, amount in parsed.items()}


@login_required
@require_POST
def bonus_create(request: HttpRequest) -> HttpResponse:
    """Calculate a bonus run (支給日 and 「社員番号,賞与額」 lines); check and approve on its page."""
    require(request.user, "payroll.manage")
    try:
        try:
            pay_date = dt.date.fromisoformat(request.POST.get("pay_date", "").strip())
        except ValueError:
            raise ValidationFailed(
                _("支給日を YYYY-MM-DD で入力してください。"),
                errors={"pay_date": [_("日付が正しくありません。")]},
            ) from None
        amounts = _bonus_amounts(request.user, request.POST.get("amounts", "")[:200_000])
        run = bonus.bonus_run_calculate(
            actor=request.user,
            pay_date=pay_date,
            amounts=amounts,
            reason=request.POST.get("reason", "")[:200],
        )
    except ValidationFailed as error:
        flash_error(request, error)
        return redirect("payroll:run_list")
    messages.success(request, _("賞与を計算しました。確認して承認してください。"))
    return redirect("payroll:run_detail", run_id=run.pk)
