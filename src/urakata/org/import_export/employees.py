"""Employee (従業員) import and export: by 社員番号, all rows or none, managers resolved in bulk."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from urakata.core.audit import diff
from urakata.core.errors import Conflict
from urakata.core.japanese import normalise_digits
from urakata.core.permissions import require
from urakata.core.tables import (
    BATCH,
    Column,
    ExportFile,
    ImportResult,
    RowError,
    Sheet,
    audit_export,
    audit_import,
    audit_many,
    by_code,
    check_format,
    choice_label,
    chunked,
    export_file,
    header_of,
    mark_duplicates,
    read_sheet,
    read_table,
    reject_if_errors,
    update_many,
)
from urakata.org import selectors, services
from urakata.org.models import Department, Employee, Position

# Where a service reports an error under another name than the file's column.
ERROR_FIELD_TO_COLUMN = {
    "department": "department_code",
    "position": "position_code",
    "manager": "manager_code",
}
EMPLOYEE_COLUMNS = [
    Column("code", "社員番号", aliases=("社員コード", "従業員番号", "Employee No", "Employee ID")),
    Column("last_name", "姓", aliases=("Last name", "Family name")),
    Column("first_name", "名", aliases=("First name", "Given name")),
    Column("last_name_kana", "姓(フリガナ)"),
    Column("first_name_kana", "名(フリガナ)"),
    Column("email", "メールアドレス", aliases=("メール", "E-mail", "Email")),
    Column("department_code", "部署コード", aliases=("部門コード", "Department code")),
    Column("department_name", "部署名", export_only=True),
    Column("position_code", "役職コード"),
    Column("position_name", "役職名", export_only=True),
    Column("manager_code", "上長の社員番号"),
    Column("employment_type", "雇用区分", Employee.EmploymentType),
    Column("hire_date", "入社日", aliases=("入社年月日", "Hire date")),
    Column("retire_date", "退職日", aliases=("退職年月日", "Retire date")),
    Column("status", "在籍状況", Employee.Status),
]


def _employee_export_row(employee: Employee) -> list[Any]:
    return [
        employee.code,
        employee.last_name,
        employee.first_name,
        employee.last_name_kana,
        employee.first_name_kana,
        employee.email,
        employee.department.code if employee.department else "",
        employee.department.name if employee.department else "",
        employee.position.code if employee.position else "",
        employee.position.name if employee.position else "",
        employee.manager.code if employee.manager else "",
        choice_label(Employee.EmploymentType, employee.employment_type),
        employee.hire_date,
        employee.retire_date,
        choice_label(Employee.Status, employee.status),
    ]


def employee_export(
    *, actor: Any, filters: selectors.EmployeeFilters, file_format: str
) -> ExportFile:
    """The filtered 従業員一覧 as CSV or Excel, in one query; records `org.employee.export`."""
    require(actor, "org.import_export")
    require(actor, "org.manage_employees")
    check_format(file_format)
    queryset = selectors.employee_list(actor=actor, filters=filters)
    rows = [_employee_export_row(e) for e in queryset.iterator(chunk_size=2000)]
    result = export_file(
        header=[c.header for c in EMPLOYEE_COLUMNS],
        rows=rows,
        file_format=file_format,
        basename="employees",
        title=_("従業員"),
    )
    audit_export(
        actor=actor,
        action="org.employee.export",
        file_format=file_format,
        rows=len(rows),
        filters=asdict(filters),
    )
    return result


@dataclass
class _EmployeePlan:
    creates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    updates: list[tuple[Employee, dict[str, Any], dict[str, list[Any]]]] = field(
        default_factory=list
    )
    unchanged: int = 0
    deferred_managers: dict[str, str] = field(default_factory=dict)  # code -> manager code


def _employee_relations(sheet: Sheet, existing: dict[str, Employee]) -> dict[str, Any]:
    """Departments and positions (few) by code, and every manager the file names, preloaded."""
    departments = {d.code: d for d in Department.objects.all()}
    positions = {p.code: p for p in Position.objects.all()}
    manager_codes = [
        normalise_digits(str(row.get("manager_code", "")))
        for _n, row in sheet.rows
        if row.get("manager_code")
    ]
    managers = dict(existing)
    managers.update(by_code(Employee, [c for c in manager_codes if c not in managers]))
    return {"department": departments, "position": positions, "manager": managers}


def _employee_row_data(
    number: int,
    row: dict[str, Any],
    code: str,
    lookups: dict[str, Any],
    file_codes: set[str],
    sheet: Sheet,
    plan: _EmployeePlan,
) -> dict[str, Any]:
    """The row as `employee_clean` input, relations resolved from the preloaded lookups."""
    data = {k: v for k, v in row.items() if not k.endswith("_code") or k == "code"}
    for name, label in (("department", _("部署コード")), ("position", _("役職コード"))):
        key = f"{name}_code"
        if key in row:
            value = str(row[key]).strip()
            data[name] = lookups[name].get(value) if value else None
            if value and data[name] is None:
                message = _("%(label)s「%(code)s」が見つかりません。") % {
                    "label": label,
                    "code": value,
                }
                sheet.errors.append(RowError(number, sheet.columns[key].header, message))
    if "manager_code" in row:
        manager_code = normalise_digits(str(row["manager_code"]))
        header = sheet.columns["manager_code"].header
        if not manager_code:
            data["manager"] = None
        elif manager_code == code:
            sheet.errors.append(RowError(number, header, _("本人を上長にはできません。")))
        elif manager_code in lookups["manager"]:
            data["manager"] = lookups["manager"][manager_code]
        elif manager_code in file_codes:
            plan.deferred_managers[code] = manager_code  # a new employee in the same file
        else:
            message = _("上長の社員番号「%(code)s」が見つかりません。") % {"code": manager_code}
            sheet.errors.append(RowError(number, header, message))
    return data


def _plan_employees(sheet: Sheet, *, create_logins: bool) -> _EmployeePlan:
    def code_of(row: dict[str, Any]) -> str:
        return normalise_digits(str(row.get("code", "")))

    duplicated = mark_duplicates(sheet, code_of, sheet.columns["code"].header)
    codes = [code_of(row) for _n, row in sheet.rows if code_of(row)]
    existing = by_code(Employee, codes, lock=True, related=("department", "position", "manager"))
    file_codes = set(codes)
    lookups = _employee_relations(sheet, existing)
    taken_usernames: set[str] = set()
    if create_logins:
        names = [services.login_username(c) for c in file_codes - set(existing)]
        for chunk in chunked(names):
            taken_usernames.update(
                get_user_model()
                .objects.filter(username__in=chunk)
                .values_list("username", flat=True)
            )
    plan = _EmployeePlan()
    for number, row in sheet.rows:
        if number in duplicated:
            continue
        code = code_of(row)
        data = _employee_row_data(number, row, code, lookups, file_codes, sheet, plan)
        instance = existing.get(code)
        cleaned, errors = services.employee_clean(data=data, instance=instance, check_unique=False)
        if instance is None and services.login_username(code) in taken_usernames:
            errors.setdefault("code", []).append(
                _("ログインユーザー名「%(name)s」は既に使われています。")
                % {"name": services.login_username(code)}
            )
        for name, messages in errors.items():
            header = header_of(sheet, name, EMPLOYEE_COLUMNS, ERROR_FIELD_TO_COLUMN)
            sheet.errors.extend(RowError(number, header, m) for m in messages)
        if errors:
            continue
        if instance is None:
            plan.creates.append((number, cleaned))
            continue
        changes = diff(instance, services.EMPLOYEE_FIELDS, cleaned)
        if code in plan.deferred_managers:
            changes["manager"] = [instance.manager_id, plan.deferred_managers[code]]
        if changes:
            plan.updates.append((instance, cleaned, changes))
        else:
            plan.unchanged += 1
    return plan


def _write_employees(*, actor: Any, plan: _EmployeePlan, create_logins: bool) -> dict[str, Any]:
    new = [Employee(**cleaned) for _n, cleaned in plan.creates]
    if create_logins and new:
        users = [services.employee_login_build(e) for e in new]
        get_user_model().objects.bulk_create(users, batch_size=BATCH)
        group = services.employee_role_group()
        through = get_user_model().groups.through
        through.objects.bulk_create(
            [through(user_id=u.pk, group_id=group.pk) for u in users], batch_size=BATCH
        )
        for employee, user in zip(new, users, strict=True):
            employee.user = user
    Employee.objects.bulk_create(new, batch_size=BATCH)
    by_code = {e.code: e for e in new}
    for instance, cleaned, changes in plan.updates:
        for name in changes:
            if name in cleaned:
                setattr(instance, name, cleaned[name])
        by_code[instance.code] = instance
    # Managers named by code that are themselves new in this file get linked once both exist.
    for code, manager_code in plan.deferred_managers.items():
        by_code[code].manager = by_code[manager_code]
    updated_codes = {u[0].code for u in plan.updates}
    deferred_new = [by_code[c] for c in plan.deferred_managers if c not in updated_codes]
    update_many(Employee, [(e, ["manager"]) for e in deferred_new])
    update_many(Employee, [(u[0], u[2]) for u in plan.updates])
    _sync_logins([u[0] for u in plan.updates if {"email", "first_name", "last_name"} & set(u[2])])
    return by_code


def _sync_logins(employees: list[Employee]) -> None:
    """Keep the login user's name and e-mail in step with the employee record."""
    by_user = {e.user_id: e for e in employees if e.user_id}
    users = list(get_user_model().objects.filter(pk__in=list(by_user)))
    for user in users:
        employee = by_user[user.pk]
        user.email, user.first_name, user.last_name = (
            employee.email,
            employee.first_name,
            employee.last_name,
        )
    update_many(get_user_model(), [(u, ["email", "first_name", "last_name"]) for u in users])


def employee_import(*, actor: Any, upload: Any, create_logins: bool = True) -> ImportResult:
    """Create or update employees by 社員番号 from a CSV/Excel file: all rows or none."""
    require(actor, "org.import_export")
    require(actor, "org.manage_employees")
    sheet = read_sheet(read_table(upload), EMPLOYEE_COLUMNS, _("従業員"))
    try:
        with transaction.atomic():
            plan = _plan_employees(sheet, create_logins=create_logins)
            reject_if_errors(sheet, _("従業員"))
            by_code = _write_employees(actor=actor, plan=plan, create_logins=create_logins)
            created = [
                (by_code[c["code"]], {k: [None, v] for k, v in c.items()}) for _n, c in plan.creates
            ]
            for target, changes in created:
                if target.code in plan.deferred_managers:
                    changes["manager"] = [None, target.manager_id]
            audit_many(actor=actor, action="org.employee.create", items=created)
            audit_many(
                actor=actor,
                action="org.employee.update",
                items=[(u[0], _resolved(u[2], by_code)) for u in plan.updates],
            )
            result = ImportResult(
                total=len(sheet.rows),
                created=len(plan.creates),
                updated=len(plan.updates),
                unchanged=plan.unchanged,
            )
            audit_import(actor=actor, action="org.employee.import", upload=upload, result=result)
    except IntegrityError:
        raise Conflict(
            _("同時に別の更新があったため取り込めませんでした。もう一度お試しください。")
        ) from None
    return result


def _resolved(changes: dict[str, list[Any]], by_code: Mapping[str, Employee]) -> dict[str, Any]:
    """Deferred manager codes in the audit changes become the ids they were given."""
    manager = changes.get("manager")
    if manager is not None and isinstance(manager[1], str):
        changes = {**changes, "manager": [manager[0], by_code[manager[1]].pk]}
    return changes
