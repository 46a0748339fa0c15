"""Org services: employees (社員) and their logins."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils.translation import gettext as _

from urakata.core.audit import audit_record, diff
from urakata.core.errors import ValidationFailed
from urakata.core.japanese import (
    is_katakana,
    normalise_digits,
    normalise_kana,
)
from urakata.core.permissions import require
from urakata.core.roles import Role
from urakata.org.models import Department, Employee, Position
from urakata.org.services_common import (
    EMPLOYEE_FIELDS,
    Errors,
    _add,
    _check_choice,
    _check_email,
    _parse_date,
    _require,
    _resolve,
    _text,
)

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
