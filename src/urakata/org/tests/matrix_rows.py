"""Permission-matrix rows for org: departments, employees, counterparties, company, import/export.

Collected by web/tests/test_permission_matrix.py; `build` adds the rows the URLs point at.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from urakata.core.roles import Role
from urakata.core.testing import ALL_ROLES, NO_ROLE, Endpoint, MatrixWorld, expect
from urakata.org.tests.factories import CounterpartyFactory, DepartmentFactory, EmployeeFactory

EVERY_ROLE = expect(*ALL_ROLES)  # any role (not a signed-in user without one)
SIGNED_IN = expect(NO_ROLE)
ADMINS = expect()
COUNTERPARTY_READERS = expect(
    Role.ACCOUNTING, Role.GENERAL_AFFAIRS, Role.EXECUTIVE, Role.AUDITOR, Role.MANAGER
)
COUNTERPARTY_WRITERS = expect(Role.ACCOUNTING, Role.GENERAL_AFFAIRS)
DEPARTMENT_WRITERS = expect(Role.HR, Role.GENERAL_AFFAIRS)
EMPLOYEE_WRITERS = expect(Role.HR)
COUNTERPARTY_IMPORTERS = expect(Role.ACCOUNTING, Role.GENERAL_AFFAIRS)

NEW_EMPLOYEE = {
    "code": "M0001",
    "last_name": "権限",
    "first_name": "太郎",
    "last_name_kana": "ケンゲン",
    "first_name_kana": "タロウ",
    "hire_date": "2024-04-01",
}
NEW_COUNTERPARTY = {"code": "MC001", "name": "株式会社マトリクス", "is_customer": True}
EMPLOYEE_CSV = "社員番号,姓,名,姓(フリガナ),名(フリガナ),入社日\nM0002,検証,花子,ケンショウ,ハナコ,2024-04-01\n"
COUNTERPARTY_CSV = "取引先コード,取引先名\nMC002,株式会社インポート\n"


def url(pattern: str, name: str) -> Callable[[Any], str]:
    """A URL factory: the pattern with the world's object `name` filled in by primary key."""
    return lambda ctx: pattern.format(ctx[name].pk)


def _csv(name: str, text: str) -> Callable[[Any], dict[str, Any]]:
    return lambda ctx: {"file": SimpleUploadedFile(name, text.encode("utf-8"), "text/csv")}


def build(world: MatrixWorld, make_user: Callable[..., Any]) -> dict[str, Any]:
    department = DepartmentFactory()
    employee = EmployeeFactory(department=department, user=make_user(Role.EMPLOYEE, employee=False))
    return {"department": department, "employee": employee, "counterparty": CounterpartyFactory()}


ENDPOINTS: list[Endpoint] = [
    # ------------------------------------------------------------ API: departments
    Endpoint("api-departments-list", "GET", "/api/v1/departments", EVERY_ROLE),
    Endpoint(
        "api-departments-detail", "GET", url("/api/v1/departments/{}", "department"), EVERY_ROLE
    ),
    Endpoint(
        "api-departments-create",
        "POST",
        "/api/v1/departments",
        DEPARTMENT_WRITERS,
        payload={"code": "MD01", "name": "権限検証部"},
    ),
    Endpoint(
        "api-departments-patch",
        "PATCH",
        url("/api/v1/departments/{}", "department"),
        DEPARTMENT_WRITERS,
        payload={"name": "改名部"},
    ),
    # ------------------------------------------------------------ API: employees
    Endpoint("api-employees-list", "GET", "/api/v1/employees", EVERY_ROLE),
    Endpoint("api-employees-detail", "GET", url("/api/v1/employees/{}", "employee"), EVERY_ROLE),
    Endpoint(
        "api-employees-create", "POST", "/api/v1/employees", EMPLOYEE_WRITERS, payload=NEW_EMPLOYEE
    ),
    Endpoint(
        "api-employees-patch",
        "PATCH",
        url("/api/v1/employees/{}", "employee"),
        EMPLOYEE_WRITERS,
        payload={"first_name": "次郎"},
    ),
    Endpoint(
        "api-employees-export", "GET", "/api/v1/employees/export", EMPLOYEE_WRITERS, payload={}
    ),
    Endpoint(
        "api-employees-import",
        "POST",
        "/api/v1/employees/import",
        EMPLOYEE_WRITERS,
        payload=_csv("employees.csv", EMPLOYEE_CSV),
        multipart=True,
    ),
    # ------------------------------------------------------------ API: counterparties
    Endpoint("api-counterparties-list", "GET", "/api/v1/counterparties", COUNTERPARTY_READERS),
    Endpoint(
        "api-counterparties-detail",
        "GET",
        url("/api/v1/counterparties/{}", "counterparty"),
        COUNTERPARTY_READERS,
    ),
    Endpoint(
        "api-counterparties-create",
        "POST",
        "/api/v1/counterparties",
        COUNTERPARTY_WRITERS,
        payload=NEW_COUNTERPARTY,
    ),
    Endpoint(
        "api-counterparties-patch",
        "PATCH",
        url("/api/v1/counterparties/{}", "counterparty"),
        COUNTERPARTY_WRITERS,
        payload={"phone": "03-1234-5678"},
    ),
    Endpoint(
        "api-counterparties-export", "GET", "/api/v1/counterparties/export", COUNTERPARTY_IMPORTERS
    ),
    Endpoint(
        "api-counterparties-import",
        "POST",
        "/api/v1/counterparties/import",
        COUNTERPARTY_IMPORTERS,
        payload=_csv("counterparties.csv", COUNTERPARTY_CSV),
        multipart=True,
    ),
    # ------------------------------------------------------------ pages
    Endpoint("page-employees", "GET", "/org/employees/", EVERY_ROLE),
    Endpoint("page-employees-htmx", "GET", "/org/employees/", EVERY_ROLE, htmx=True),
    Endpoint("page-departments", "GET", "/org/departments/", EVERY_ROLE),
    Endpoint("page-employee-detail", "GET", url("/org/employees/{}/", "employee"), EVERY_ROLE),
    Endpoint("page-employee-new", "GET", "/org/employees/new/", EMPLOYEE_WRITERS),
    Endpoint(
        "page-employee-edit", "GET", url("/org/employees/{}/edit/", "employee"), EMPLOYEE_WRITERS
    ),
    Endpoint(
        "page-employee-create",
        "POST",
        "/org/employees/new/",
        EMPLOYEE_WRITERS,
        payload={**NEW_EMPLOYEE, "employment_type": "regular", "status": "active"},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-employee-export",
        "GET",
        "/org/employees/export/",
        EMPLOYEE_WRITERS,
        payload={"format": "csv"},
    ),
    Endpoint("page-employee-import", "GET", "/org/employees/import/", EMPLOYEE_WRITERS),
    Endpoint(
        "page-department-detail", "GET", url("/org/departments/{}/", "department"), EVERY_ROLE
    ),
    Endpoint("page-department-new", "GET", "/org/departments/new/", DEPARTMENT_WRITERS),
    Endpoint(
        "page-department-edit",
        "GET",
        url("/org/departments/{}/edit/", "department"),
        DEPARTMENT_WRITERS,
    ),
    Endpoint(
        "page-counterparty-detail",
        "GET",
        url("/org/counterparties/{}/", "counterparty"),
        COUNTERPARTY_READERS,
    ),
    Endpoint("page-counterparty-new", "GET", "/org/counterparties/new/", COUNTERPARTY_WRITERS),
    Endpoint(
        "page-counterparty-edit",
        "GET",
        url("/org/counterparties/{}/edit/", "counterparty"),
        COUNTERPARTY_WRITERS,
    ),
    Endpoint(
        "page-counterparty-export",
        "GET",
        "/org/counterparties/export/",
        COUNTERPARTY_WRITERS,
        payload={"format": "xlsx"},
    ),
    Endpoint(
        "page-counterparty-import", "GET", "/org/counterparties/import/", COUNTERPARTY_IMPORTERS
    ),
    Endpoint("page-company", "GET", "/org/company/", ADMINS),
    Endpoint("page-counterparties", "GET", "/org/counterparties/", COUNTERPARTY_READERS),
]
