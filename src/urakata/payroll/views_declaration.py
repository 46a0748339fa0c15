"""Pay-master page: 扶養控除等申告書 (甲/乙, 源泉控除対象配偶者, 扶養親族 with birth dates, 障害者等),
従たる給与についての扶養控除等申告書 and the social-insurance 被保険者区分 — what the API already
took, now on the HR page; saved through `pay_profile_save` (validated, audited at once)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from urakata.core.error_pages import flash_error
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import require
from urakata.payroll import selectors
from urakata.payroll.models import PayProfile
from urakata.payroll.services_profiles import pay_profile_save

DEPENDANT_ROWS = 8  # blank rows on the page; empty ones are ignored


def _count(post: Any, field: str) -> int:
    raw = (post.get(field) or "0").strip()
    if not raw.isdigit() or int(raw) > 99:
        raise ValidationFailed(
            _("給与マスタを保存できません。"),
            errors={field: [_("0〜99の整数で入力してください。")]},
        )
    return int(raw)


def dependant_rows(post: Any) -> list[dict[str, str]]:
    """The filled rows of the 扶養親族 table (a row with any field filled counts)."""
    rows = []
    for n in range(DEPENDANT_ROWS):
        row = {
            "name": post.get(f"dep_name_{n}", "").strip(),
            "relation": post.get(f"dep_relation_{n}", "").strip(),
            "birth_date": post.get(f"dep_birth_{n}", "").strip(),
            "disability": post.get(f"dep_disability_{n}", "").strip(),
        }
        if any(row.values()):
            rows.append(row)
    return rows


def ages_at_year_end(rows: list[dict[str, Any]], year: int) -> list[dict[str, Any]]:
    """Each row with its age on 31 December of `year` (the date the 申告書 counts ages on)."""
    out = []
    end = dt.date(year, 12, 31)
    for row in rows:
        try:
            born = dt.date.fromisoformat(row.get("birth_date", ""))
            age: int | None = end.year - born.year - ((end.month, end.day) < (born.month, born.day))
        except ValueError:
            age = None
        out.append({**row, "age": age})
    return out


@login_required
@require_POST
def profile_declaration(request: HttpRequest, employee_id: int) -> HttpResponse:
    """Save the 扶養控除等申告書 block and the 被保険者区分 of a pay master (HR)."""
    require(request.user, "payroll.manage")
    profile = selectors.profile_for(actor=request.user, employee_id=employee_id)
    post = request.POST
    try:
        column = post.get("tax_column", "")
        if column not in PayProfile.TaxColumn.values:
            raise ValidationFailed(
                _("給与マスタを保存できません。"),
                errors={"tax_column": [_("甲欄か乙欄を選んでください。")]},
            )
        kou = column == PayProfile.TaxColumn.KOU
        values: dict[str, Any] = {
            "declaration_submitted": kou,
            "has_tax_spouse": kou and post.get("has_tax_spouse") == "on",
            "dependents": _count(post, "dependents") if kou else 0,
            "extra_dependents": _count(post, "extra_dependents") if kou else 0,
            "secondary_dependents": 0 if kou else _count(post, "secondary_dependents"),
            "dependant_details": dependant_rows(post),
            "insured_kind": post.get("insured_kind", ""),
        }
        pay_profile_save(actor=request.user, employee=profile.employee, **values)
        messages.success(request, _("扶養控除等申告書と被保険者区分を保存しました。"))
    except ValidationFailed as error:
        flash_error(request, error)
    return redirect("payroll:profile_edit", employee_id=employee_id)
