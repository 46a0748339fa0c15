"""Pay master writes: profiles (with 個人番号), fixed items and 住民税; every change audited."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import require
from urakata.org.models import Employee
from urakata.payroll import crypto, insurance_events
from urakata.payroll.models import PayItem, PayProfile, ResidentTax

PROFILE_FIELDS = (
    "pay_type",
    "base_pay",
    "scheduled_hours",
    "scheduled_days",
    "commute_allowance",
    "commute_nontaxable",
    "declaration_submitted",
    "has_tax_spouse",
    "dependents",
    "extra_dependents",
    "secondary_dependents",
    "dependant_details",
    "health_insured",
    "pension_insured",
    "health_grade",
    "employment_insurance",
    "insured_kind",
    "birth_date",
    "municipality",
    "address",
)
COMMUTE_NONTAXABLE_LIMIT = 150_000  # 通勤手当の非課税限度額 (月額、交通機関・最高限度)


def profile_errors(values: dict[str, Any]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if values.get("pay_type") not in PayProfile.PayType.values:
        errors["pay_type"] = [_("給与形態を選んでください。")]
    for name in ("base_pay", "commute_allowance", "commute_nontaxable"):
        if int(values.get(name) or 0) < 0:
            errors[name] = [_("0以上で入力してください。")]
    nontaxable = int(values.get("commute_nontaxable") or 0)
    if nontaxable > COMMUTE_NONTAXABLE_LIMIT:
        errors["commute_nontaxable"] = [_("通勤手当の非課税限度額(月150,000円)を超えています。")]
    elif nontaxable > int(values.get("commute_allowance") or 0):
        errors["commute_nontaxable"] = [_("非課税額が通勤手当を超えています。")]
    if Decimal(values.get("scheduled_hours") or 0) <= 0:
        errors["scheduled_hours"] = [_("月平均所定労働時間を入力してください。")]
    if Decimal(values.get("scheduled_days") or 0) <= 0:
        errors["scheduled_days"] = [_("月平均所定労働日数を入力してください。")]
    if not 1 <= int(values.get("health_grade") or 0) <= 50:
        errors["health_grade"] = [_("健保等級は1〜50です。")]
    if values.get("employment_insurance") not in PayProfile.EmploymentInsurance.values:
        errors["employment_insurance"] = [_("雇用保険の区分を選んでください。")]
    if values.get("declaration_submitted") and values.get("secondary_dependents"):
        errors["secondary_dependents"] = [
            _("扶養控除等申告書(甲欄)を出した人は従たる給与の申告書を使えません。")
        ]
    if values.get("insured_kind") not in PayProfile.InsuredKind.values:
        errors["insured_kind"] = [_("社会保険の被保険者区分を選んでください。")]
    if not isinstance(values.get("birth_date"), dt.date):
        errors["birth_date"] = [_("生年月日を入力してください。")]
    details = values.get("dependant_details") or []
    errors.update(dependant_errors(details))
    if isinstance(details, list) and 0 < len(details) < int(values.get("dependents") or 0):
        errors["dependents"] = [_("控除対象扶養親族の数が扶養親族の明細の人数を超えています。")]
    return errors


DISABILITY_KINDS = ("", "general", "special", "special_cohabiting")


def dependant_errors(rows: Any) -> dict[str, list[str]]:
    """The 扶養親族 list: each with a name, a relation, a birth date not in the future."""
    if not isinstance(rows, list) or len(rows) > 20:
        return {"dependant_details": [_("扶養親族の明細が正しくありません。")]}
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    for n, row in enumerate(rows):
        row = row if isinstance(row, dict) else {}
        if not str(row.get("name") or "").strip() or len(str(row.get("name"))) > 60:
            errors[f"dependant_details.{n}.name"] = [_("氏名を入力してください(60文字まで)。")]
        if not str(row.get("relation") or "").strip() or len(str(row.get("relation"))) > 20:
            errors[f"dependant_details.{n}.relation"] = [_("続柄を入力してください(20文字まで)。")]
        try:
            born = dt.date.fromisoformat(str(row.get("birth_date") or ""))
        except ValueError:
            born = None
        if born is None or born > today or born.year < 1900:
            errors[f"dependant_details.{n}.birth_date"] = [_("生年月日が正しくありません。")]
        if row.get("disability", "") not in DISABILITY_KINDS:
            errors[f"dependant_details.{n}.disability"] = [_("障害者の区分を選んでください。")]
    return errors


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def pay_profile_save(
    *,
    actor: Any,
    employee: Employee,
    my_number: str | None = None,
    effective_month: dt.date | None = None,
    reason: str = "",
    **values: Any,
) -> PayProfile:
    """Create or change an employee's pay master; `my_number` (個人番号) is stored encrypted.

    Pay fields (`versions.DATED_FIELDS`) of an existing master change from `effective_month` (a
    pay month) when one is given — and always once the master has dated versions (then from this
    month when no month is given); the other fields change at once."""
    from urakata.payroll import versions

    require(actor, "payroll.manage")
    existing = PayProfile.objects.filter(employee=employee).first()
    if existing is not None and (effective_month is not None or existing.versions.exists()):
        dated = {k: values.pop(k) for k in list(values) if k in versions.DATED_FIELDS}
        if effective_month is None:  # from this month: only what differs from the row
            dated = {k: v for k, v in dated.items() if getattr(existing, k) != v}
        with transaction.atomic():
            if dated or effective_month is not None:
                versions.pay_profile_change_schedule(
                    actor=actor,
                    profile=existing,
                    effective_month=effective_month or timezone.localdate(),
                    reason=reason,
                    **dated,
                )
            return _profile_save(actor, employee, my_number, values)
    return _profile_save(actor, employee, my_number, values)


def _profile_save(
    actor: Any, employee: Employee, my_number: str | None, values: dict[str, Any]
) -> PayProfile:
    unknown = set(values) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("不明な項目があります。"), errors={k: [_("不明な項目です。")] for k in unknown}
        )
    with transaction.atomic():
        profile = PayProfile.objects.select_for_update().filter(employee=employee).first()
        current = profile if profile is not None else PayProfile(employee=employee)
        merged = {f: getattr(current, f) for f in PROFILE_FIELDS}
        merged.update(values)
        errors = profile_errors(merged)
        number = crypto.normalize_my_number(my_number) if my_number else ""
        if my_number is not None and number and not crypto.my_number_valid(number):
            errors["my_number"] = [_("個人番号は12桁で、チェックデジットが正しい必要があります。")]
        if errors:
            raise ValidationFailed(_("給与マスタを保存できません。"), errors=errors)
        changes = {
            f: [_plain(getattr(profile, f)) if profile else None, _plain(merged[f])]
            for f in PROFILE_FIELDS
            if profile is None or getattr(profile, f) != merged[f]
        }
        if profile is None:
            profile = PayProfile(employee=employee)
        for f in PROFILE_FIELDS:
            setattr(profile, f, merged[f])
        if number:
            profile.my_number_encrypted = crypto.encrypt(number)
            profile.my_number_last4 = number[-4:]
            changes["my_number"] = ["***", crypto.mask(number[-4:])]  # never the number itself
        profile.save()
        audit_record(actor=actor, action="payroll.profile.save", target=profile, changes=changes)
    return profile


def pay_profile_acquisition_decide(
    *, actor: Any, profile: PayProfile, overtime_estimate: int
) -> insurance_events.Acquisition:
    """資格取得時決定: set a new hire's 健保 grade (厚年 follows) from the pay expected for a whole
    month — base, fixed allowances, 通勤手当 and the overtime estimate; audited."""
    require(actor, "payroll.manage")
    if overtime_estimate < 0:
        raise ValidationFailed(
            _("資格取得時決定できません。"),
            errors={"overtime_estimate": [_("0以上で入力してください。")]},
        )
    allowances = sum(
        profile.items.filter(kind=PayItem.Kind.ALLOWANCE).values_list("amount", flat=True)
    )
    decision = insurance_events.acquisition_determination(
        pay_type=profile.pay_type,
        base_pay=profile.base_pay,
        scheduled_hours=profile.scheduled_hours,
        fixed_allowances=allowances,
        commute_allowance=profile.commute_allowance,
        overtime_estimate=overtime_estimate,
        acquired_on=profile.employee.hire_date,
    )
    with transaction.atomic():
        pay_profile_save(actor=actor, employee=profile.employee, health_grade=decision.health_grade)
        audit_record(
            actor=actor,
            action="payroll.profile.acquisition",
            target=profile,
            changes={
                "remuneration": [None, decision.remuneration],
                "overtime_estimate": [None, overtime_estimate],
                "health_grade": [profile.health_grade, decision.health_grade],
                "valid_until": [None, decision.valid_until],
            },
        )
    profile.refresh_from_db()
    return decision


def my_number_reveal(*, actor: Any, profile: PayProfile, purpose: str) -> str:
    """The 個人番号 in clear, for a purpose 番号法 allows (源泉徴収票, 社会保険の届出); logged."""
    require(actor, "payroll.manage")
    purpose = (purpose or "").strip()
    if not purpose:
        raise ValidationFailed(_("利用目的が必要です。"), errors={"purpose": [_("必須です。")]})
    if not profile.my_number_encrypted:
        raise ValidationFailed(
            _("個人番号が登録されていません。"), errors={"my_number": [_("未登録です。")]}
        )
    with transaction.atomic():
        audit_record(
            actor=actor,
            action="payroll.my_number.view",
            target=profile,
            changes={"purpose": [None, purpose]},
        )
    return crypto.decrypt(profile.my_number_encrypted)


def pay_item_save(
    *,
    actor: Any,
    profile: PayProfile,
    kind: str,
    name: str,
    amount: int,
    taxable: bool = True,
    in_overtime_base: bool = False,
) -> PayItem:
    """Add or change a fixed allowance or deduction (by its name), at once.

    Once the profile has dated items (`item_versions.pay_item_change_schedule`), an undated change
    is a change from this month, so the dated history stays the one the runs use.
    """
    require(actor, "payroll.manage")
    if profile.item_versions.exists():
        from django.utils import timezone

        from urakata.payroll.item_versions import pay_item_change_schedule

        pay_item_change_schedule(
            actor=actor,
            profile=profile,
            effective_month=timezone.localdate(),
            kind=kind,
            name=name,
            amount=amount,
            taxable=taxable,
            in_overtime_base=in_overtime_base,
        )
        return PayItem.objects.get(profile=profile, kind=kind, name=name.strip())
    errors: dict[str, list[str]] = {}
    if kind not in PayItem.Kind.values:
        errors["kind"] = [_("手当か控除を選んでください。")]
    if not (name or "").strip():
        errors["name"] = [_("名称を入力してください。")]
    if amount < 0:
        errors["amount"] = [_("0以上で入力してください。")]
    if errors:
        raise ValidationFailed(_("手当・控除を保存できません。"), errors=errors)
    with transaction.atomic():
        item, created = PayItem.objects.update_or_create(
            profile=profile,
            kind=kind,
            name=name.strip(),
            defaults={"amount": amount, "taxable": taxable, "in_overtime_base": in_overtime_base},
        )
        audit_record(
            actor=actor,
            action="payroll.item.save",
            target=item,
            changes={
                "name": [None, item.name],
                "amount": [None, amount],
                "created": [None, created],
            },
        )
    return item


def resident_tax_save(
    *, actor: Any, profile: PayProfile, fiscal_year: int, june_amount: int, monthly_amount: int
) -> ResidentTax:
    """住民税 特別徴収 of a year (June to May) from the municipality's notice."""
    require(actor, "payroll.manage")
    if june_amount < 0 or monthly_amount < 0:
        raise ValidationFailed(_("住民税を保存できません。"), errors={"amount": [_("0以上です。")]})
    with transaction.atomic():
        row, _created = ResidentTax.objects.update_or_create(
            profile=profile,
            fiscal_year=fiscal_year,
            defaults={"june_amount": june_amount, "monthly_amount": monthly_amount},
        )
        audit_record(
            actor=actor,
            action="payroll.resident_tax.save",
            target=row,
            changes={"june_amount": [None, june_amount], "monthly_amount": [None, monthly_amount]},
        )
    return row


SETTINGS_FIELDS = (
    "pay_day",
    "pay_month_offset",
    "collection",
    "tax_method",
    "prefecture",
    "employment_kind",
)


def payroll_settings_update(*, actor: Any, **values: Any) -> Any:
    """Change the company's payroll rules (支給日, 翌月/当月徴収, 月額表/電算機特例, 都道府県)."""
    from urakata.payroll.models import PayrollSettings
    from urakata.payroll.runs import settings_get

    require(actor, "payroll.manage")
    errors: dict[str, list[str]] = {}
    if set(values) - set(SETTINGS_FIELDS):
        errors["fields"] = [_("不明な項目があります。")]
    if "pay_day" in values and not 1 <= int(values["pay_day"]) <= 31:
        errors["pay_day"] = [_("支給日は1〜31日です。")]
    if "pay_month_offset" in values and not 0 <= int(values["pay_month_offset"]) <= 1:
        errors["pay_month_offset"] = [_("当月払い(0)か翌月払い(1)です。")]
    if "collection" in values and values["collection"] not in PayrollSettings.Collection.values:
        errors["collection"] = [_("翌月徴収か当月徴収を選んでください。")]
    if "tax_method" in values and values["tax_method"] not in PayrollSettings.TaxMethod.values:
        errors["tax_method"] = [_("月額表か電算機計算の特例を選んでください。")]
    if "prefecture" in values and not 1 <= int(values["prefecture"]) <= 47:
        errors["prefecture"] = [_("都道府県コードは01〜47です。")]
    if errors:
        raise ValidationFailed(_("給与設定を保存できません。"), errors=errors)
    with transaction.atomic():
        row = settings_get()
        changes = {k: [getattr(row, k), v] for k, v in values.items() if getattr(row, k) != v}
        for key, value in values.items():
            setattr(row, key, value)
        row.save()
        audit_record(actor=actor, action="payroll.settings.update", target=row, changes=changes)
    return row
