"""Import and export of the employee and counterparty masters (CSV / Excel).

Export writes the current filtered list with Japanese headers and records `org.<entity>.export`.
Import is all-or-nothing: every row is checked first (the same `*_clean` rules as the forms, plus
duplicate codes within the file); one bad row and nothing is written, and the caller gets a report
of every problem by row and column. A clean file is written in one transaction with bulk queries
and one audit event per created or changed record.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone, translation

from urakata.core.audit import audit_record, audit_record_many, diff
from urakata.core.errors import Conflict, ValidationFailed
from urakata.core.japanese import normalise_digits
from urakata.core.permissions import require
from urakata.org import selectors, services
from urakata.org.models import BankAccountFields, Counterparty, Department, Employee, Position
from urakata.org.tabular import (
    CSV_CONTENT_TYPE,
    XLSX_CONTENT_TYPE,
    Table,
    csv_unescape,
    read_table,
    write_csv,
    write_xlsx,
)

BATCH = 1000
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    """One column of an import/export file: the field it maps to and its Japanese header."""

    field: str
    header: str
    choices: type[models.TextChoices] | None = None
    export_only: bool = False  # shown for people (部署名), ignored when importing


EMPLOYEE_COLUMNS = [
    Column("code", "社員番号"),
    Column("last_name", "姓"),
    Column("first_name", "名"),
    Column("last_name_kana", "姓(フリガナ)"),
    Column("first_name_kana", "名(フリガナ)"),
    Column("email", "メールアドレス"),
    Column("department_code", "部署コード"),
    Column("department_name", "部署名", export_only=True),
    Column("position_code", "役職コード"),
    Column("position_name", "役職名", export_only=True),
    Column("manager_code", "上長の社員番号"),
    Column("employment_type", "雇用区分", Employee.EmploymentType),
    Column("hire_date", "入社日"),
    Column("retire_date", "退職日"),
    Column("status", "在籍状況", Employee.Status),
]
BANK_COLUMNS = [
    Column("bank_code", "銀行コード"),
    Column("bank_name", "銀行名"),
    Column("branch_code", "支店コード"),
    Column("branch_name", "支店名"),
    Column("account_type", "預金種目", BankAccountFields.AccountType),
    Column("account_number", "口座番号"),
    Column("account_holder_kana", "口座名義(カナ)"),
]
COUNTERPARTY_COLUMNS = [
    Column("code", "取引先コード"),
    Column("name", "取引先名"),
    Column("name_kana", "取引先名(カナ)"),
    Column("corporate_number", "法人番号"),
    Column("registration_number", "登録番号"),
    Column("is_customer", "得意先"),
    Column("is_supplier", "仕入先"),
    Column("postal_code", "郵便番号"),
    Column("address", "住所"),
    Column("phone", "電話番号"),
    Column("email", "メールアドレス"),
    Column("is_active", "有効"),
    *BANK_COLUMNS,
]
# Where a service reports an error under another name than the file's column.
ERROR_FIELD_TO_COLUMN = {
    "department": "department_code",
    "position": "position_code",
    "manager": "manager_code",
}


@dataclass(frozen=True)
class RowError:
    """One problem in an import file: spreadsheet row number (header = 1), column, message."""

    row: int
    column: str
    message: str


class ImportRejected(ValidationFailed):
    """The file had problems; nothing was written. `rows` lists every one of them."""

    def __init__(self, message: str, *, rows: list[RowError]) -> None:
        errors: dict[str, list[str]] = {}
        for problem in rows:
            errors.setdefault(f"{problem.row}:{problem.column}", []).append(problem.message)
        super().__init__(message, errors=errors)
        self.rows = rows


@dataclass
class ImportResult:
    """What an import did."""

    total: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True)
class ExportFile:
    """A file to download."""

    filename: str
    content_type: str
    content: bytes


# ---------------------------------------------------------------- shared parsing


def _key(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().lower().replace(" ", "")


@cache
def _choice_maps(choices: type[models.TextChoices]) -> dict[str, str]:
    """Accept the stored value or the Japanese label: 正社員 → regular."""
    with translation.override("ja"):
        mapping = {_key(str(label)): value for value, label in choices.choices}
    mapping.update({_key(value): value for value in choices.values})
    return mapping


@cache
def _choice_labels(choices: type[models.TextChoices]) -> dict[str, str]:
    with translation.override("ja"):
        return {value: str(label) for value, label in choices.choices}


def _choice_label(choices: type[models.TextChoices], value: str) -> str:
    """The Japanese label written to files (files do not change with the UI language)."""
    return _choice_labels(choices).get(value, value) if value else ""


@dataclass
class _Sheet:
    """A table mapped to fields: each row as {field: text}."""

    columns: dict[str, Column]  # field -> column, for the columns present in the file
    rows: list[tuple[int, dict[str, Any]]]
    errors: list[RowError] = field(default_factory=list)


def _map_header(table: Table, columns: Sequence[Column], entity: str) -> list[Column | None]:
    lookup: dict[str, Column] = {}
    for column in columns:
        lookup[_key(column.header)] = column
        lookup[_key(column.field)] = column
    mapped: list[Column | None] = []
    unknown: list[str] = []
    seen: set[str] = set()
    duplicated: list[str] = []
    for cell in table.header:
        found = lookup.get(_key(cell)) if cell else None
        if cell and found is None:
            unknown.append(cell)
        if found is not None:
            if found.field in seen:
                duplicated.append(cell)
            seen.add(found.field)
        mapped.append(found)
    expected = "、".join(c.header for c in columns if not c.export_only)
    problems: list[str] = []
    if unknown:
        problems.append(
            f"見出し行に不明な列があります: {'、'.join(unknown)}。使える見出し: {expected}"
        )
    if duplicated:
        problems.append(f"同じ列が2回以上あります: {'、'.join(duplicated)}")
    code = columns[0]
    if code.field not in seen and not unknown:
        problems.append(
            f"見出し行に「{code.header}」の列がありません。1行目は見出し行にしてください"
            f"({entity}の見出し: {expected})。"
        )
    if problems:
        raise ValidationFailed(problems[0], errors={"file": problems})
    return mapped


def _sheet(table: Table, columns: Sequence[Column], entity: str) -> _Sheet:
    mapped = _map_header(table, columns, entity)
    width = len(mapped)
    sheet = _Sheet(columns={c.field: c for c in mapped if c is not None}, rows=[])
    for number, cells in table.rows:
        # Trailing empty cells are harmless; a row with more or fewer cells is a broken file
        # (a stray comma or a missing quote shifts every later value into the wrong column).
        extra = [c for c in cells[width:] if c is not None and str(c).strip() != ""]
        if extra or len(cells) < width:
            count = len(cells) - (len(cells[width:]) - len(extra)) if extra else len(cells)
            message = f"列の数が見出しと合いません(見出し {width} 列、この行 {count} 列)。"
            sheet.errors.append(RowError(number, "", message))
            continue
        row: dict[str, Any] = {}
        for index, column in enumerate(mapped):
            if column is None or column.export_only:
                continue
            value = cells[index] if index < len(cells) else ""
            if isinstance(value, str):
                value = csv_unescape(value.strip())
            if column.choices is not None and isinstance(value, str) and value:
                value = _choice_maps(column.choices).get(_key(value), value)
            row[column.field] = value
        sheet.rows.append((number, row))
    return sheet


def _header_of(sheet: _Sheet, field_name: str, columns: Sequence[Column]) -> str:
    name = ERROR_FIELD_TO_COLUMN.get(field_name, field_name)
    column = sheet.columns.get(name) or next((c for c in columns if c.field == name), None)
    return column.header if column is not None else field_name


def _chunked(values: Sequence[Any], size: int = 500) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _by_code(
    model: Any, codes: Sequence[str], *, lock: bool = False, related: Sequence[str] = ()
) -> dict[str, Any]:
    """Rows by code, fetched in chunks (databases cap the number of query parameters)."""
    found: dict[str, Any] = {}
    for chunk in _chunked(sorted(set(codes))):
        queryset = model.objects.filter(code__in=chunk).select_related(*related)
        if lock:
            queryset = queryset.select_for_update(of=("self",))
        found.update({obj.code: obj for obj in queryset})
    return found


def _duplicates(sheet: _Sheet, code_of: Callable[[dict[str, Any]], str], label: str) -> set[int]:
    """Rows whose code already appeared higher up in the file; each gets an error."""
    first_row: dict[str, int] = {}
    duplicated: set[int] = set()
    for number, row in sheet.rows:
        code = code_of(row)
        if not code:
            continue
        if code in first_row:
            sheet.errors.append(
                RowError(
                    number,
                    label,
                    f"{label}「{code}」がファイル内で重複しています({first_row[code]}行目と同じ)。",
                )
            )
            duplicated.add(number)
        else:
            first_row[code] = number
    return duplicated


def _reject(sheet: _Sheet, entity: str) -> None:
    if sheet.errors:
        sheet.errors.sort(key=lambda e: (e.row, e.column))
        rows = len({e.row for e in sheet.errors})
        raise ImportRejected(
            f"{entity}を取り込めませんでした。{rows} 行に誤りがあります。"
            "ファイルを修正してもう一度取り込んでください(何も登録・更新していません)。",
            rows=sheet.errors,
        )


def _audit_many(
    *, actor: Any, action: str, items: Iterable[tuple[models.Model, dict[str, Any]]]
) -> None:
    audit_record_many(actor=actor, entries=((action, target, changes) for target, changes in items))


def _update_many(model: Any, items: Iterable[tuple[models.Model, Iterable[str]]]) -> None:
    """UPDATE each row's changed fields by primary key: one executemany per set of fields.

    Django's bulk_update builds a CASE WHEN per row in Python, which costs seconds for 10,000
    rows; a prepared UPDATE run with executemany is the same work in a fraction of the time.
    """
    groups: dict[tuple[str, ...], list[models.Model]] = {}
    for obj, names in items:
        groups.setdefault(tuple(sorted(names)), []).append(obj)
    quote = connection.ops.quote_name
    meta = model._meta
    with connection.cursor() as cursor:
        for names, objects in groups.items():
            fields = [meta.get_field(name) for name in names]
            assignments = ", ".join(f"{quote(f.column)} = %s" for f in fields)
            # identifiers come from model metadata; every value is a parameter
            sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608
            params = [
                [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
                for obj in objects
            ]
            for start in range(0, len(params), BATCH):
                cursor.executemany(sql, params[start : start + BATCH])


# ---------------------------------------------------------------- employees


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
        _choice_label(Employee.EmploymentType, employee.employment_type),
        employee.hire_date,
        employee.retire_date,
        _choice_label(Employee.Status, employee.status),
    ]


def _export(
    *,
    actor: Any,
    action: str,
    basename: str,
    title: str,
    columns: Sequence[Column],
    rows: list[list[Any]],
    file_format: str,
    query: dict[str, Any],
) -> ExportFile:
    header = [c.header for c in columns]
    stamp = timezone.localdate().strftime("%Y%m%d")
    if file_format == "xlsx":
        content = write_xlsx(header, rows, title=title)
        result = ExportFile(f"{basename}-{stamp}.xlsx", XLSX_CONTENT_TYPE, content)
    else:
        result = ExportFile(f"{basename}-{stamp}.csv", CSV_CONTENT_TYPE, write_csv(header, rows))
    with transaction.atomic():
        audit_record(
            actor=actor,
            action=action,
            target_type=action.rsplit(".", 1)[0],
            changes={"format": file_format, "rows": len(rows), "filters": query},
        )
    return result


def _check_format(file_format: str) -> None:
    if file_format not in FORMATS:
        message = "出力形式は csv または xlsx を指定してください。"
        raise ValidationFailed(message, errors={"format": [message]})


def employee_export(
    *, actor: Any, filters: selectors.EmployeeFilters, file_format: str
) -> ExportFile:
    """The filtered 従業員一覧 as CSV or Excel, in one query; records `org.employee.export`."""
    require(actor, "org.import_export")
    require(actor, "org.manage_employees")
    _check_format(file_format)
    queryset = selectors.employee_list(actor=actor, filters=filters)
    rows = [_employee_export_row(e) for e in queryset.iterator(chunk_size=2000)]
    return _export(
        actor=actor,
        action="org.employee.export",
        basename="employees",
        title="従業員",
        columns=EMPLOYEE_COLUMNS,
        rows=rows,
        file_format=file_format,
        query=asdict(filters),
    )


@dataclass
class _EmployeePlan:
    creates: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    updates: list[tuple[Employee, dict[str, Any], dict[str, list[Any]]]] = field(
        default_factory=list
    )
    unchanged: int = 0
    deferred_managers: dict[str, str] = field(default_factory=dict)  # code -> manager code


def _employee_relations(sheet: _Sheet, existing: dict[str, Employee]) -> dict[str, Any]:
    """Departments and positions (few) by code, and every manager the file names, preloaded."""
    departments = {d.code: d for d in Department.objects.all()}
    positions = {p.code: p for p in Position.objects.all()}
    manager_codes = [
        normalise_digits(str(row.get("manager_code", "")))
        for _n, row in sheet.rows
        if row.get("manager_code")
    ]
    managers = dict(existing)
    managers.update(_by_code(Employee, [c for c in manager_codes if c not in managers]))
    return {"department": departments, "position": positions, "manager": managers}


def _employee_row_data(
    number: int,
    row: dict[str, Any],
    code: str,
    lookups: dict[str, Any],
    file_codes: set[str],
    sheet: _Sheet,
    plan: _EmployeePlan,
) -> dict[str, Any]:
    """The row as `employee_clean` input, relations resolved from the preloaded lookups."""
    data = {k: v for k, v in row.items() if not k.endswith("_code") or k == "code"}
    for name, label in (("department", "部署コード"), ("position", "役職コード")):
        key = f"{name}_code"
        if key in row:
            value = str(row[key]).strip()
            data[name] = lookups[name].get(value) if value else None
            if value and data[name] is None:
                message = f"{label}「{value}」が見つかりません。"
                sheet.errors.append(RowError(number, sheet.columns[key].header, message))
    if "manager_code" in row:
        manager_code = normalise_digits(str(row["manager_code"]))
        header = sheet.columns["manager_code"].header
        if not manager_code:
            data["manager"] = None
        elif manager_code == code:
            sheet.errors.append(RowError(number, header, "本人を上長にはできません。"))
        elif manager_code in lookups["manager"]:
            data["manager"] = lookups["manager"][manager_code]
        elif manager_code in file_codes:
            plan.deferred_managers[code] = manager_code  # a new employee in the same file
        else:
            message = f"上長の社員番号「{manager_code}」が見つかりません。"
            sheet.errors.append(RowError(number, header, message))
    return data


def _plan_employees(sheet: _Sheet, *, create_logins: bool) -> _EmployeePlan:
    def code_of(row: dict[str, Any]) -> str:
        return normalise_digits(str(row.get("code", "")))

    duplicated = _duplicates(sheet, code_of, sheet.columns["code"].header)
    codes = [code_of(row) for _n, row in sheet.rows if code_of(row)]
    existing = _by_code(Employee, codes, lock=True, related=("department", "position", "manager"))
    file_codes = set(codes)
    lookups = _employee_relations(sheet, existing)
    taken_usernames: set[str] = set()
    if create_logins:
        names = [services.login_username(c) for c in file_codes - set(existing)]
        for chunk in _chunked(names):
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
                f"ログインユーザー名「{services.login_username(code)}」は既に使われています。"
            )
        for name, messages in errors.items():
            header = _header_of(sheet, name, EMPLOYEE_COLUMNS)
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
    _update_many(Employee, [(e, ["manager"]) for e in deferred_new])
    _update_many(Employee, [(u[0], u[2]) for u in plan.updates])
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
    _update_many(get_user_model(), [(u, ["email", "first_name", "last_name"]) for u in users])


def employee_import(*, actor: Any, upload: Any, create_logins: bool = True) -> ImportResult:
    """Create or update employees by 社員番号 from a CSV/Excel file: all rows or none."""
    require(actor, "org.import_export")
    require(actor, "org.manage_employees")
    sheet = _sheet(read_table(upload), EMPLOYEE_COLUMNS, "従業員")
    try:
        with transaction.atomic():
            plan = _plan_employees(sheet, create_logins=create_logins)
            _reject(sheet, "従業員")
            by_code = _write_employees(actor=actor, plan=plan, create_logins=create_logins)
            created = [
                (by_code[c["code"]], {k: [None, v] for k, v in c.items()}) for _n, c in plan.creates
            ]
            for target, changes in created:
                if target.code in plan.deferred_managers:
                    changes["manager"] = [None, target.manager_id]
            _audit_many(actor=actor, action="org.employee.create", items=created)
            _audit_many(
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
            _audit_import(actor, "org.employee.import", upload, result)
    except IntegrityError:
        raise Conflict(
            "同時に別の更新があったため取り込めませんでした。もう一度お試しください。"
        ) from None
    return result


def _resolved(changes: dict[str, list[Any]], by_code: Mapping[str, Employee]) -> dict[str, Any]:
    """Deferred manager codes in the audit changes become the ids they were given."""
    manager = changes.get("manager")
    if manager is not None and isinstance(manager[1], str):
        changes = {**changes, "manager": [manager[0], by_code[manager[1]].pk]}
    return changes


def _audit_import(actor: Any, action: str, upload: Any, result: ImportResult) -> None:
    audit_record(
        actor=actor,
        action=action,
        target_type=action.rsplit(".", 1)[0],
        changes={"file": str(getattr(upload, "name", ""))[:200], **result.as_dict()},
    )


# ---------------------------------------------------------------- counterparties


def _counterparty_export_row(counterparty: Counterparty) -> list[Any]:
    row: list[Any] = []
    for column in COUNTERPARTY_COLUMNS:
        value = getattr(counterparty, column.field)
        if isinstance(value, bool):
            value = "1" if value else "0"
        elif column.choices is not None:
            value = _choice_label(column.choices, value)
        row.append(value)
    return row


def counterparty_export(
    *, actor: Any, filters: selectors.CounterpartyFilters, file_format: str
) -> ExportFile:
    """The filtered 取引先一覧 as CSV or Excel, in one query; records `org.counterparty.export`."""
    require(actor, "org.import_export")
    require(actor, "org.manage_counterparties")
    _check_format(file_format)
    queryset = selectors.counterparty_list(actor=actor, filters=filters)
    rows = [_counterparty_export_row(c) for c in queryset.iterator(chunk_size=2000)]
    return _export(
        actor=actor,
        action="org.counterparty.export",
        basename="counterparties",
        title="取引先",
        columns=COUNTERPARTY_COLUMNS,
        rows=rows,
        file_format=file_format,
        query=asdict(filters),
    )


def _zero_pad(row: dict[str, Any]) -> None:
    """Excel drops leading zeros from 銀行コード 0005; put them back when the digits fit."""
    for name, width in (("bank_code", 4), ("branch_code", 3), ("account_number", 7)):
        value = row.get(name)
        if isinstance(value, str) and value.isdigit() and len(value) < width:
            row[name] = value.zfill(width)


def counterparty_import(*, actor: Any, upload: Any) -> ImportResult:
    """Create or update 取引先 by 取引先コード from a CSV/Excel file: all rows or none."""
    require(actor, "org.import_export")
    require(actor, "org.manage_counterparties")
    sheet = _sheet(read_table(upload), COUNTERPARTY_COLUMNS, "取引先")

    def code_of(row: dict[str, Any]) -> str:
        return str(row.get("code", "")).strip()

    try:
        with transaction.atomic():
            duplicated = _duplicates(sheet, code_of, sheet.columns["code"].header)
            existing = _by_code(
                Counterparty, [code_of(r) for _n, r in sheet.rows if code_of(r)], lock=True
            )
            creates: list[dict[str, Any]] = []
            updates: list[tuple[Counterparty, dict[str, list[Any]]]] = []
            unchanged = 0
            for number, row in sheet.rows:
                if number in duplicated:
                    continue
                _zero_pad(row)
                instance = existing.get(code_of(row))
                cleaned, errors = services.counterparty_clean(
                    data=row, instance=instance, check_unique=False
                )
                for name, messages in errors.items():
                    header = _header_of(sheet, name, COUNTERPARTY_COLUMNS)
                    sheet.errors.extend(RowError(number, header, m) for m in messages)
                if errors:
                    continue
                if instance is None:
                    creates.append(cleaned)
                    continue
                changes = diff(instance, services.COUNTERPARTY_FIELDS, cleaned)
                if not changes:
                    unchanged += 1
                    continue
                for name in changes:
                    setattr(instance, name, cleaned[name])
                updates.append((instance, changes))
            _reject(sheet, "取引先")
            new = Counterparty.objects.bulk_create(
                [Counterparty(**c) for c in creates], batch_size=BATCH
            )
            _update_many(Counterparty, updates)
            _audit_many(
                actor=actor,
                action="org.counterparty.create",
                items=[
                    (obj, {k: [None, v] for k, v in c.items()})
                    for obj, c in zip(new, creates, strict=True)
                ],
            )
            _audit_many(actor=actor, action="org.counterparty.update", items=updates)
            result = ImportResult(
                total=len(sheet.rows), created=len(new), updated=len(updates), unchanged=unchanged
            )
            _audit_import(actor, "org.counterparty.import", upload, result)
    except IntegrityError:
        raise Conflict(
            "同時に別の更新があったため取り込めませんでした。もう一度お試しください。"
        ) from None
    return result
