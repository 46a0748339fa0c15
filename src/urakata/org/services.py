"""Org write services: every create/update validates all fields, writes, and records an audit event."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record, diff
from urakata.core.errors import ValidationFailed
from urakata.core.japanese import (
    corporate_number_error,
    invoice_registration_number_error,
    is_katakana,
    normalise_digits,
    normalise_kana,
)
from urakata.core.permissions import require
from urakata.core.roles import Role
from urakata.org.models import Company, Counterparty, Department, Employee, Position

Errors = dict[str, list[str]]

EMPLOYEE_FIELDS = [
    "code",
    "last_name",
    "first_name",
    "last_name_kana",
    "first_name_kana",
    "email",
    "department",
    "position",
    "manager",
    "employment_type",
    "hire_date",
    "retire_date",
    "status",
]
BANK_FIELDS = [
    "bank_code",
    "bank_name",
    "branch_code",
    "branch_name",
    "account_type",
    "account_number",
    "account_holder_kana",
]
COUNTERPARTY_FIELDS = [
    "code",
    "name",
    "name_kana",
    "corporate_number",
    "registration_number",
    "is_customer",
    "is_supplier",
    "postal_code",
    "address",
    "phone",
    "email",
    "is_active",
    *BANK_FIELDS,
]
COMPANY_FIELDS = [
    "name",
    "name_kana",
    "corporate_number",
    "registration_number",
    "fiscal_year_start_month",
    "postal_code",
    "address",
    "phone",
    "representative",
    *BANK_FIELDS,
]
DEPARTMENT_FIELDS = ["code", "name", "parent", "manager", "sort_order", "is_active"]


def _add(errors: Errors, field: str, message: str) -> None:
    errors.setdefault(field, []).append(message)


def _text(data: Mapping[str, Any], field: str) -> str:
    value = data.get(field)
    return "" if value is None else str(value).strip()


def _require(errors: Errors, data: Mapping[str, Any], *fields: str) -> None:
    for field in fields:
        if not _text(data, field):
            _add(errors, field, _("必須項目です。"))


def _check_email(errors: Errors, value: str, field: str = "email") -> None:
    if value:
        try:
            validate_email(value)
        except DjangoValidationError:
            _add(errors, field, _("メールアドレスの形式が正しくありません。"))


def _check_choice(errors: Errors, field: str, value: str, choices: Any) -> None:
    if value and value not in choices.values:
        allowed = "、".join(f"{v}({label})" for v, label in choices.choices)
        _add(
            errors,
            field,
            _("「%(value)s」は選べません。選択肢: %(allowed)s")
            % {"value": value, "allowed": allowed},
        )


def _check_bank(errors: Errors, cleaned: dict[str, Any]) -> None:
    for field, length in (("bank_code", 4), ("branch_code", 3), ("account_number", 7)):
        value = cleaned.get(field, "")
        if value and not (value.isdigit() and len(value) <= length):
            _add(
                errors, field, _("%(length)s桁以内の数字で入力してください。") % {"length": length}
            )
    if cleaned.get("bank_code") and len(cleaned["bank_code"]) != 4:
        _add(errors, "bank_code", _("銀行コードは4桁の数字です。"))
    if cleaned.get("branch_code") and len(cleaned["branch_code"]) != 3:
        _add(errors, "branch_code", _("支店コードは3桁の数字です。"))
    _check_choice(errors, "account_type", cleaned.get("account_type", ""), Company.AccountType)


def _clean_bank(data: Mapping[str, Any], cleaned: dict[str, Any]) -> None:
    for field in BANK_FIELDS:
        if field in data:
            value = _text(data, field)
            if field in ("bank_code", "branch_code", "account_number"):
                value = normalise_digits(value)
            elif field == "account_holder_kana":
                value = normalise_kana(value)
            cleaned[field] = value


def _check_identifiers(errors: Errors, cleaned: dict[str, Any]) -> None:
    number = cleaned.get("corporate_number", "")
    if number and (message := corporate_number_error(number)):
        _add(errors, "corporate_number", message)
    t_number = cleaned.get("registration_number", "")
    if t_number and (message := invoice_registration_number_error(t_number)):
        _add(errors, "registration_number", message)


_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


def _parse_date(errors: Errors, field: str, value: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = unicodedata.normalize("NFKC", str(value)).strip()
    # 2024-04-01, 2024/4/1 (Excel's CSV), 2024年4月1日, 20240401
    match = _DATE.fullmatch(text.replace("年", "/").replace("月", "/").replace("日", ""))
    try:
        if match:
            year, month, day = (int(part) for part in match.groups())
            return dt.date(year, month, day)
        return dt.date.fromisoformat(text)
    except ValueError:
        _add(
            errors,
            field,
            _("日付「%(value)s」を読めません。YYYY-MM-DD で入力してください。") % {"value": value},
        )
        return None


def _parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "y", "on", "○", "はい"}


# ---------------------------------------------------------------- employees


EMPLOYEE_REQUIRED = ("code", "last_name", "first_name", "last_name_kana", "first_name_kana")


def employee_clean(
    *, data: Mapping[str, Any], instance: Employee | None = None, check_unique: bool = True
) -> tuple[dict[str, Any], Errors]:
    """Normalise and validate employee fields; returns the cleaned values and every problem found.

    `department`, `position` and `manager` may be model instances, primary keys, or codes
    (`department_code`, `position_code`, `manager_code`, as in CSV files). Bulk imports that
    check codes against the database once for the whole file pass `check_unique=False`.
    """
    errors: Errors = {}
    cleaned: dict[str, Any] = {}
    creating = instance is None
    if creating:
        _require(errors, data, *EMPLOYEE_REQUIRED)
        if not data.get("hire_date"):
            _add(errors, "hire_date", _("必須項目です。"))
    else:
        # An update may leave a field out, but may not blank a required one.
        _require(errors, data, *[f for f in EMPLOYEE_REQUIRED if f != "code" and f in data])
        if "hire_date" in data and not data.get("hire_date"):
            _add(errors, "hire_date", _("必須項目です。"))
    for field in ("code", "last_name", "first_name", "email"):
        if field in data:
            cleaned[field] = _text(data, field)
    if "code" in cleaned:
        cleaned["code"] = normalise_digits(cleaned["code"]) if cleaned["code"] else ""
        if not creating and not cleaned["code"]:
            _add(errors, "code", _("必須項目です。"))
    for field in ("last_name_kana", "first_name_kana"):
        if field in data:
            cleaned[field] = normalise_kana(_text(data, field))
            if cleaned[field] and not is_katakana(cleaned[field]):
                _add(errors, field, _("フリガナはカタカナで入力してください。"))
    _check_email(errors, cleaned.get("email", ""))
    for field in ("employment_type", "status"):
        if field in data and _text(data, field):
            cleaned[field] = _text(data, field)
    _check_choice(
        errors, "employment_type", cleaned.get("employment_type", ""), Employee.EmploymentType
    )
    _check_choice(errors, "status", cleaned.get("status", ""), Employee.Status)
    for field in ("hire_date", "retire_date"):
        if field in data:
            cleaned[field] = _parse_date(errors, field, data.get(field))
    hire, retire = cleaned.get("hire_date"), cleaned.get("retire_date")
    if hire and retire and retire < hire:
        _add(errors, "retire_date", _("退職日は入社日より後の日付にしてください。"))
    _resolve_relations(errors, data, cleaned)
    code = cleaned.get("code")
    if code and check_unique:
        clash = Employee.objects.filter(code=code)
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            _add(errors, "code", _("社員番号「%(code)s」は既に使われています。") % {"code": code})
    manager = cleaned.get("manager")
    if manager is not None and instance is not None and manager.pk == instance.pk:
        _add(errors, "manager", _("本人を上長にはできません。"))
    return cleaned, errors


def _missing_code(kind: str, code: str) -> str:
    messages = {
        "department": _("部署コード「%(code)s」が見つかりません。"),
        "position": _("役職コード「%(code)s」が見つかりません。"),
        "manager": _("上長の社員番号「%(code)s」が見つかりません。"),
        "parent": _("上位部署コード「%(code)s」が見つかりません。"),
        "department_manager": _("部署長の社員番号「%(code)s」が見つかりません。"),
    }
    return messages[kind] % {"code": code}


def _missing_id(kind: str, value: Any) -> str:
    messages = {
        "department": _("部署(ID %(id)s)が見つかりません。"),
        "position": _("役職(ID %(id)s)が見つかりません。"),
        "manager": _("上長(ID %(id)s)が見つかりません。"),
        "parent": _("上位部署(ID %(id)s)が見つかりません。"),
        "department_manager": _("部署長(ID %(id)s)が見つかりません。"),
    }
    return messages[kind] % {"id": value}


def _resolve(
    errors: Errors, data: Mapping[str, Any], field: str, model: Any, kind: str
) -> tuple[bool, Any]:
    """(present, value) for a relation given as instance, id (`field`/`field_id`) or `field_code`."""
    code_key = f"{field}_code"
    if code_key in data:
        code = _text(data, code_key)
        if not code:
            return True, None
        found = model.objects.filter(
            code=normalise_digits(code) if field == "manager" else code
        ).first()
        if found is None:
            _add(errors, field, _missing_code(kind, code))
        return True, found
    for key in (field, f"{field}_id"):
        if key in data:
            value = data[key]
            if value in (None, ""):
                return True, None
            if isinstance(value, model):
                return True, value
            found = model.objects.filter(pk=value).first() if str(value).isdigit() else None
            if found is None:
                _add(errors, field, _missing_id(kind, value))
            return True, found
    return False, None


def _resolve_relations(errors: Errors, data: Mapping[str, Any], cleaned: dict[str, Any]) -> None:
    for field, model, kind in (
        ("department", Department, "department"),
        ("position", Position, "position"),
        ("manager", Employee, "manager"),
    ):
        present, value = _resolve(errors, data, field, model, kind)
        if present:
            cleaned[field] = value


def _ensure_role_group(role: Role) -> Group:
    group, _created = Group.objects.get_or_create(name=role.value)
    return group


def login_username(code: str) -> str:
    """The login name given to a new employee's user: the 社員番号 in lower case."""
    return code.lower()


def employee_login_build(employee: Employee) -> Any:
    """An unsaved login user for a new employee (unusable password until one is set)."""
    user = get_user_model()(username=login_username(employee.code), email=employee.email)
    user.first_name, user.last_name = employee.first_name, employee.last_name
    user.set_unusable_password()
    return user


def employee_role_group() -> Group:
    """The Django group of the employee role, created on first use."""
    return _ensure_role_group(Role.EMPLOYEE)


def _create_login(employee: Employee) -> Any:
    user_model = get_user_model()
    username = login_username(employee.code)
    user = user_model(username=username, email=employee.email)
    user.first_name, user.last_name = employee.first_name, employee.last_name
    user.set_unusable_password()
    user.save()
    user.groups.add(_ensure_role_group(Role.EMPLOYEE))
    return user


def employee_create(*, actor: Any, data: Mapping[str, Any], create_login: bool = True) -> Employee:
    """Register an employee (入社登録) and, by default, a login user with the employee role."""
    require(actor, "org.manage_employees")
    cleaned, errors = employee_clean(data=data)
    if create_login and cleaned.get("code"):
        username = login_username(cleaned["code"])
        if get_user_model().objects.filter(username=username).exists():
            _add(
                errors,
                "code",
                _("ログインユーザー名「%(username)s」は既に使われています。")
                % {"username": username},
            )
    if errors:
        raise ValidationFailed(
            _("従業員を登録できません。入力内容を確認してください。"), errors=errors
        )
    with transaction.atomic():
        employee = Employee(**cleaned)
        employee.save()
        if create_login:
            employee.user = _create_login(employee)
            employee.save(update_fields=["user"])
        audit_record(
            actor=actor,
            action="org.employee.create",
            target=employee,
            changes={k: [None, v] for k, v in cleaned.items()},
        )
    return employee


def employee_update(*, actor: Any, employee: Employee, data: Mapping[str, Any]) -> Employee:
    """Change an employee's master data; only fields present in `data` change."""
    require(actor, "org.manage_employees")
    cleaned, errors = employee_clean(data=data, instance=employee)
    if errors:
        raise ValidationFailed(
            _("従業員を更新できません。入力内容を確認してください。"), errors=errors
        )
    with transaction.atomic():
        employee = Employee.objects.select_for_update().get(pk=employee.pk)
        changes = diff(employee, EMPLOYEE_FIELDS, cleaned)
        if not changes:
            return employee
        for field in changes:
            setattr(employee, field, cleaned[field])
        employee.save(update_fields=list(changes))
        if employee.user_id and {"email", "first_name", "last_name"} & set(changes):
            get_user_model().objects.filter(pk=employee.user_id).update(
                email=employee.email, first_name=employee.first_name, last_name=employee.last_name
            )
        audit_record(actor=actor, action="org.employee.update", target=employee, changes=changes)
    return employee


# ---------------------------------------------------------------- departments and positions


def department_clean(
    *, data: Mapping[str, Any], instance: Department | None = None
) -> tuple[dict[str, Any], Errors]:
    """Validate department fields; a department may not be its own ancestor."""
    errors: Errors = {}
    cleaned: dict[str, Any] = {}
    # A new department needs both; a change may leave either out, but not blank it.
    _require(errors, data, *[f for f in ("code", "name") if instance is None or f in data])
    for field in ("code", "name"):
        if field in data:
            cleaned[field] = _text(data, field)
    if "sort_order" in data:
        try:
            cleaned["sort_order"] = int(data.get("sort_order") or 0)
        except (TypeError, ValueError):
            _add(errors, "sort_order", _("表示順は整数で入力してください。"))
    if "is_active" in data:
        cleaned["is_active"] = _parse_bool(data["is_active"])
    for field, model, kind in (
        ("parent", Department, "parent"),
        ("manager", Employee, "department_manager"),
    ):
        present, value = _resolve(errors, data, field, model, kind)
        if present:
            cleaned[field] = value
    if cleaned.get("code"):
        clash = Department.objects.filter(code=cleaned["code"])
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            _add(
                errors,
                "code",
                _("部署コード「%(code)s」は既に使われています。") % {"code": cleaned["code"]},
            )
    parent = cleaned.get("parent")
    if parent is not None and instance is not None:
        node: Department | None = parent
        while node is not None:
            if node.pk == instance.pk:
                _add(errors, "parent", _("自部署や配下の部署を上位部署にはできません。"))
                break
            node = node.parent
    return cleaned, errors


def department_create(*, actor: Any, data: Mapping[str, Any]) -> Department:
    """Create a department (部署)."""
    require(actor, "org.manage_departments")
    cleaned, errors = department_clean(data=data)
    if errors:
        raise ValidationFailed(_("部署を登録できません。"), errors=errors)
    with transaction.atomic():
        department = Department.objects.create(**cleaned)
        audit_record(
            actor=actor,
            action="org.department.create",
            target=department,
            changes={k: [None, v] for k, v in cleaned.items()},
        )
    return department


def department_update(*, actor: Any, department: Department, data: Mapping[str, Any]) -> Department:
    """Change a department; moving it under another parent keeps the tree acyclic."""
    require(actor, "org.manage_departments")
    cleaned, errors = department_clean(data=data, instance=department)
    if errors:
        raise ValidationFailed(_("部署を更新できません。"), errors=errors)
    with transaction.atomic():
        department = Department.objects.select_for_update().get(pk=department.pk)
        changes = diff(department, DEPARTMENT_FIELDS, cleaned)
        if changes:
            for field in changes:
                setattr(department, field, cleaned[field])
            department.save(update_fields=list(changes))
            audit_record(
                actor=actor, action="org.department.update", target=department, changes=changes
            )
    return department


def position_create(*, actor: Any, code: str, name: str, rank: int = 0) -> Position:
    """Create a job title (役職)."""
    require(actor, "org.manage_employees")
    errors: Errors = {}
    _require(errors, {"code": code, "name": name}, "code", "name")
    if code and Position.objects.filter(code=code).exists():
        _add(errors, "code", _("役職コード「%(code)s」は既に使われています。") % {"code": code})
    if errors:
        raise ValidationFailed(_("役職を登録できません。"), errors=errors)
    with transaction.atomic():
        position = Position.objects.create(code=code, name=name, rank=rank)
        audit_record(
            actor=actor,
            action="org.position.create",
            target=position,
            changes={"code": [None, code], "name": [None, name], "rank": [None, rank]},
        )
    return position


# ---------------------------------------------------------------- counterparties and company


def counterparty_clean(
    *, data: Mapping[str, Any], instance: Counterparty | None = None, check_unique: bool = True
) -> tuple[dict[str, Any], Errors]:
    """Validate a 取引先: 法人番号 and T-number check digits, bank account shape, unique code."""
    errors: Errors = {}
    cleaned: dict[str, Any] = {}
    if instance is None:
        _require(errors, data, "code", "name")
    else:
        _require(errors, data, *[f for f in ("code", "name") if f in data])
    for field in ("code", "name", "postal_code", "address", "phone", "email"):
        if field in data:
            cleaned[field] = _text(data, field)
    if "name_kana" in data:
        cleaned["name_kana"] = normalise_kana(_text(data, "name_kana"))
    for field in ("corporate_number", "registration_number"):
        if field in data:
            cleaned[field] = normalise_digits(_text(data, field))
    for field in ("is_customer", "is_supplier", "is_active"):
        if field in data:
            cleaned[field] = _parse_bool(data[field])
    _clean_bank(data, cleaned)
    _check_identifiers(errors, cleaned)
    _check_bank(errors, cleaned)
    _check_email(errors, cleaned.get("email", ""))
    if cleaned.get("code") and check_unique:
        clash = Counterparty.objects.filter(code=cleaned["code"])
        if instance is not None:
            clash = clash.exclude(pk=instance.pk)
        if clash.exists():
            _add(
                errors,
                "code",
                _("取引先コード「%(code)s」は既に使われています。") % {"code": cleaned["code"]},
            )
    return cleaned, errors


def counterparty_create(*, actor: Any, data: Mapping[str, Any]) -> Counterparty:
    """Register a business partner (取引先登録)."""
    require(actor, "org.manage_counterparties")
    cleaned, errors = counterparty_clean(data=data)
    if errors:
        raise ValidationFailed(
            _("取引先を登録できません。入力内容を確認してください。"), errors=errors
        )
    with transaction.atomic():
        counterparty = Counterparty.objects.create(**cleaned)
        audit_record(
            actor=actor,
            action="org.counterparty.create",
            target=counterparty,
            changes={k: [None, v] for k, v in cleaned.items()},
        )
    return counterparty


def counterparty_update(
    *, actor: Any, counterparty: Counterparty, data: Mapping[str, Any]
) -> Counterparty:
    """Change a 取引先; only fields present in `data` change."""
    require(actor, "org.manage_counterparties")
    cleaned, errors = counterparty_clean(data=data, instance=counterparty)
    if errors:
        raise ValidationFailed(
            _("取引先を更新できません。入力内容を確認してください。"), errors=errors
        )
    with transaction.atomic():
        counterparty = Counterparty.objects.select_for_update().get(pk=counterparty.pk)
        changes = diff(counterparty, COUNTERPARTY_FIELDS, cleaned)
        if changes:
            for field in changes:
                setattr(counterparty, field, cleaned[field])
            counterparty.save(update_fields=list(changes))
            audit_record(
                actor=actor, action="org.counterparty.update", target=counterparty, changes=changes
            )
    return counterparty


def company_update(*, actor: Any, data: Mapping[str, Any]) -> Company:
    """Set the company profile (自社情報); creates it on first use."""
    require(actor, "org.manage_company")
    errors: Errors = {}
    cleaned: dict[str, Any] = {}
    for field in ("name", "postal_code", "address", "phone", "representative"):
        if field in data:
            cleaned[field] = _text(data, field)
    if "name" in cleaned and not cleaned["name"]:
        _add(errors, "name", _("必須項目です。"))
    if "name_kana" in data:
        cleaned["name_kana"] = normalise_kana(_text(data, "name_kana"))
    for field in ("corporate_number", "registration_number"):
        if field in data:
            cleaned[field] = normalise_digits(_text(data, field))
    if "fiscal_year_start_month" in data:
        try:
            month = int(data["fiscal_year_start_month"])
        except (TypeError, ValueError):
            month = 0
        if not 1 <= month <= 12:
            _add(errors, "fiscal_year_start_month", _("期首月は1〜12で入力してください。"))
        cleaned["fiscal_year_start_month"] = month
    _clean_bank(data, cleaned)
    _check_identifiers(errors, cleaned)
    _check_bank(errors, cleaned)
    if errors:
        raise ValidationFailed(_("会社情報を更新できません。"), errors=errors)
    with transaction.atomic():
        company = Company.objects.select_for_update().order_by("pk").first()
        if company is None:
            company = Company(name=cleaned.get("name") or "")
        changes = (
            diff(company, COMPANY_FIELDS, cleaned)
            if company.pk
            else {k: [None, v] for k, v in cleaned.items()}
        )
        for field, value in cleaned.items():
            setattr(company, field, value)
        company.save()
        audit_record(actor=actor, action="org.company.update", target=company, changes=changes)
    return company
