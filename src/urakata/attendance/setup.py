"""HR settings of attendance: work rules and their assignment, the company calendar, the 36協定."""

from __future__ import annotations

import calendar as pycalendar
import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from urakata.attendance.models import (
    Agreement36,
    CompanyDay,
    LeaveSettings,
    WorkRule,
    WorkRuleAssignment,
)
from urakata.core.audit import audit_record
from urakata.core.errors import NotFound, ValidationFailed
from urakata.core.permissions import require
from urakata.org.models import Employee

RULE_FIELDS = (
    "name",
    "kind",
    "start_time",
    "end_time",
    "break_start",
    "break_minutes",
    "workdays",
    "legal_holiday_weekday",
    "week_start",
    "national_holidays_off",
    "core_start",
    "core_end",
    "is_supervisor",
    "is_default",
    "period_start_day",
)


def _rule_problems(rule: WorkRule) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if rule.kind not in WorkRule.Kind.values:
        errors["kind"] = [_("労働時間制が正しくありません。")]
    if not set(rule.workdays) <= set("0123456") or not rule.workdays:
        errors["workdays"] = [_("所定労働日は曜日の番号(月=0〜日=6)で指定してください。")]
    elif str(rule.legal_holiday_weekday) in rule.workdays:
        errors["legal_holiday_weekday"] = [_("法定休日が所定労働日に含まれています。")]
    if not 0 <= rule.legal_holiday_weekday <= 6 or not 0 <= rule.week_start <= 6:
        errors["week_start"] = [_("曜日は 0〜6 で指定してください。")]
    if not 1 <= int(rule.period_start_day or 0) <= 28:
        errors["period_start_day"] = [_("変形期間の起算日は 1〜28 日で指定してください。")]
    if rule.end_time <= rule.start_time:
        errors["end_time"] = [_("終業時刻が始業時刻より前です。")]
    return errors


def work_rule_save(*, actor: Any, code: str, **values: Any) -> WorkRule:
    """Create or change a work rule (就業規則); one rule is the default."""
    require(actor, "attendance.manage")
    unknown = set(values) - set(RULE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("不明な項目があります。"), errors={k: [_("不明")] for k in unknown}
        )
    with transaction.atomic():
        rule = WorkRule.objects.select_for_update().filter(code=code).first()
        before = {f: getattr(rule, f) for f in values} if rule else {}
        rule = rule or WorkRule(code=code, name=values.get("name") or code)
        for field, value in values.items():
            setattr(rule, field, value)
        errors = _rule_problems(rule)
        if errors:
            raise ValidationFailed(_("就業規則を保存できません。"), errors=errors)
        if rule.is_default:
            WorkRule.objects.exclude(code=code).filter(is_default=True).update(is_default=False)
        rule.save()
        audit_record(
            actor=actor,
            action="attendance.rule.save",
            target=rule,
            changes={f: [before.get(f), values[f]] for f in values},
        )
    return rule


def work_rule_assign(*, actor: Any, employee: Employee, rule_code: str) -> WorkRuleAssignment:
    """Apply a work rule to an employee."""
    require(actor, "attendance.manage")
    rule = WorkRule.objects.filter(code=rule_code).first()
    if rule is None:
        raise NotFound(_("就業規則が見つかりません。"))
    with transaction.atomic():
        row, _created = WorkRuleAssignment.objects.update_or_create(
            employee=employee, defaults={"rule": rule}
        )
        audit_record(
            actor=actor,
            action="attendance.rule.assign",
            target=row,
            changes={"employee": employee.code, "rule": rule.code},
        )
    return row


def company_day_set(
    *, actor: Any, date: dt.date, is_day_off: bool | None, name: str = ""
) -> CompanyDay | None:
    """会社カレンダー: a company day off, a working day on a holiday, or back to the default."""
    require(actor, "attendance.manage")
    with transaction.atomic():
        row = CompanyDay.objects.select_for_update().filter(date=date).first()
        before = None if row is None else row.is_day_off
        if is_day_off is None:
            if row is not None:
                row.delete()
            row = None
        else:
            row, _created = CompanyDay.objects.update_or_create(
                date=date, defaults={"is_day_off": is_day_off, "name": name[:100]}
            )
        audit_record(
            actor=actor,
            action="attendance.calendar.set",
            target_type="attendance.companyday",
            changes={"date": date, "is_day_off": [before, is_day_off], "name": name},
        )
    return row


def agreement_save(*, actor: Any, effective_from: dt.date, **values: Any) -> Agreement36:
    """Record the 36協定 of the year starting `effective_from` (legal caps checked)."""
    require(actor, "attendance.manage")
    row = Agreement36.objects.filter(effective_from=effective_from).first() or Agreement36(
        effective_from=effective_from
    )
    for field, value in values.items():
        if not hasattr(row, field):
            raise ValidationFailed(_("不明な項目があります。"), errors={field: [_("不明")]})
        setattr(row, field, value)
    errors: dict[str, list[str]] = {}
    if row.special_monthly_limit_minutes >= 100 * 60:
        errors["special_monthly_limit_minutes"] = [_("月100時間未満にしてください。")]
    if row.special_annual_limit_minutes > 720 * 60:
        errors["special_annual_limit_minutes"] = [_("年720時間以内にしてください。")]
    if row.special_months_allowed > 6:
        errors["special_months_allowed"] = [_("年6か月以内にしてください。")]
    if not 1 <= row.warn_percent <= 100:
        errors["warn_percent"] = [_("1〜100 で指定してください。")]
    if errors:
        raise ValidationFailed(_("36協定を保存できません。"), errors=errors)
    with transaction.atomic():
        row.save()
        audit_record(
            actor=actor,
            action="attendance.agreement.set",
            target=row,
            changes={"effective_from": effective_from, **values},
        )
    return row


def leave_settings_save(
    *, actor: Any, uniform_grant_month: int | None, uniform_grant_day: int = 1
) -> LeaveSettings:
    """年休の付与日: a company-wide date (斉一的付与, e.g. 4/1) or None for 基準日 per hire date."""
    require(actor, "attendance.manage")
    errors: dict[str, list[str]] = {}
    if uniform_grant_month is not None and not 1 <= uniform_grant_month <= 12:
        errors["uniform_grant_month"] = [_("月は 1〜12 で指定してください。")]
    elif not 1 <= uniform_grant_day <= pycalendar.monthrange(2024, uniform_grant_month or 1)[1]:
        errors["uniform_grant_day"] = [_("その月にない日付です。")]
    if errors:
        raise ValidationFailed(_("年次有給休暇の設定を保存できません。"), errors=errors)
    with transaction.atomic():
        row = LeaveSettings.objects.select_for_update().first() or LeaveSettings()
        before = (row.uniform_grant_month, row.uniform_grant_day) if row.pk else (None, 1)
        row.uniform_grant_month = uniform_grant_month
        row.uniform_grant_day = uniform_grant_day
        row.save()
        audit_record(
            actor=actor,
            action="attendance.leave_settings.save",
            target=row,
            changes={"uniform_grant": [before, (uniform_grant_month, uniform_grant_day)]},
        )
    return row
