"""特別休暇 by company rule: HR defines the types; a request names one and is checked here
(who may use it, evidence, the yearly balance). Approval books no 年休 grant."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from urakata.attendance.grant_dates import add_months
from urakata.attendance.models import LeaveRequest, RequestStatus, SpecialLeaveType
from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import require
from urakata.org.models import Employee

TYPE_FIELDS = (
    "name",
    "per_year",
    "days",
    "paid",
    "evidence_required",
    "min_tenure_months",
    "counts_as_attendance",
    "active",
)


def special_type_save(*, actor: Any, code: str, **values: Any) -> SpecialLeaveType:
    """Create or change a special-leave type (特別休暇の種類) by code."""
    require(actor, "attendance.manage")
    errors: dict[str, list[str]] = {}
    unknown = set(values) - set(TYPE_FIELDS)
    for key in unknown:
        errors[key] = [_("不明")]
    days = Decimal(str(values.get("days", "0")))
    if not Decimal("0.5") <= days <= 366 or days % Decimal("0.5"):
        errors["days"] = [_("日数は 0.5 日単位、0.5〜366 日で指定してください。")]
    if not code or len(code) > 20:
        errors["code"] = [_("コードは 1〜20 文字で指定してください。")]
    if not str(values.get("name", "")).strip():
        errors["name"] = [_("名称を入力してください。")]
    if errors:
        raise ValidationFailed(_("特別休暇の種類を保存できません。"), errors=errors)
    with transaction.atomic():
        row = SpecialLeaveType.objects.select_for_update().filter(code=code).first()
        before = {f: getattr(row, f) for f in values} if row else {}
        row = row or SpecialLeaveType(code=code)
        for field, value in values.items():
            setattr(row, field, value)
        row.days = days
        row.save()
        audit_record(
            actor=actor,
            action="attendance.special_type.save",
            target=row,
            changes={f: [before.get(f), values[f]] for f in values},
        )
    return row


def special_used_days(employee: Employee, kind: SpecialLeaveType, year: int) -> Decimal:
    """Days of a type requested (pending or approved) in a calendar year."""
    rows = LeaveRequest.objects.filter(
        employee=employee,
        special_type=kind,
        date__year=year,
        status__in=[RequestStatus.PENDING, RequestStatus.APPROVED],
    )
    return sum((r.days for r in rows), Decimal("0"))


def special_balances(employee: Employee, on: dt.date) -> list[dict[str, Any]]:
    """Each active type: the year's days, used and remaining (per-event types: days per event)."""
    out = []
    for kind in SpecialLeaveType.objects.filter(active=True):
        used = special_used_days(employee, kind, on.year)
        out.append(
            {
                "code": kind.code,
                "name": kind.name,
                "per_year": kind.per_year,
                "paid": kind.paid,
                "days": float(kind.days),
                "used": float(used),
                "remaining": float(max(kind.days - used, Decimal("0"))) if kind.per_year else None,
            }
        )
    return out


def special_problems(
    employee: Employee, code: str, date: dt.date, unit: str, evidence: str
) -> tuple[SpecialLeaveType | None, dict[str, list[str]]]:
    """The type of a special-leave request and what refuses it (empty: fine)."""
    kind = SpecialLeaveType.objects.filter(code=code, active=True).first() if code else None
    if kind is None:
        return None, {"special_type": [_("特別休暇の種類を選んでください。")]}
    errors: dict[str, list[str]] = {}
    if unit == LeaveRequest.Unit.HOURS:
        errors["unit"] = [_("特別休暇は全日または半日で申請してください。")]
    if kind.min_tenure_months and add_months(employee.hire_date, kind.min_tenure_months) > date:
        errors["special_type"] = [
            _("勤続%(m)dか月以上の社員が取得できる休暇です。") % {"m": kind.min_tenure_months}
        ]
    if kind.evidence_required and not evidence.strip():
        errors["evidence"] = [_("証明(事由・書類の内容)を入力してください。")]
    if kind.per_year and not errors:
        needed = Decimal("1") if unit == LeaveRequest.Unit.FULL else Decimal("0.5")
        if special_used_days(employee, kind, date.year) + needed > kind.days:
            errors["date"] = [_("%(name)sの今年の残日数が足りません。") % {"name": kind.name}]
    return kind, errors
