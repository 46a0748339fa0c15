"""The permission matrix: every endpoint × every subject (anonymous, no role, each role).

To add a domain's endpoints, append `Endpoint(...)` rows to ENDPOINTS (or build your own list in
your app's tests with `urakata.core.testing`), creating what they need in `objects` below.
See docs/adding-a-domain.md.
"""

from __future__ import annotations

from typing import Any

import pytest

from urakata.core.models import ApiToken, LoginThrottle
from urakata.core.roles import Role
from urakata.core.testing import (
    ALL_ROLES,
    ANONYMOUS,
    NO_ROLE,
    Endpoint,
    MatrixContext,
    check_endpoint,
    expect,
    matrix_cases,
)
from urakata.org.tests.factories import CounterpartyFactory, DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

EVERY_ROLE = expect(*ALL_ROLES)  # any role (not a signed-in user without one)
COUNTERPARTY_READERS = expect(
    Role.ACCOUNTING, Role.GENERAL_AFFAIRS, Role.EXECUTIVE, Role.AUDITOR, Role.MANAGER
)
COUNTERPARTY_WRITERS = expect(Role.ACCOUNTING, Role.GENERAL_AFFAIRS)
DEPARTMENT_WRITERS = expect(Role.HR, Role.GENERAL_AFFAIRS)
EMPLOYEE_WRITERS = expect(Role.HR)
AUDITORS = expect(Role.AUDITOR)
ADMINS = expect()
SIGNED_IN = expect(NO_ROLE)


def _url(pattern: str, name: str) -> Any:
    return lambda ctx: pattern.format(ctx[name].pk)


def _own_token(ctx: MatrixContext) -> str:
    owner = ctx.user or ctx["employee"].user
    token = ApiToken.objects.create(user=owner, name="matrix", prefix="urk_matrix", key_hash="x")
    return f"/accounts/tokens/{token.pk}/revoke/"


NEW_EMPLOYEE = {
    "code": "M0001",
    "last_name": "権限",
    "first_name": "太郎",
    "last_name_kana": "ケンゲン",
    "first_name_kana": "タロウ",
    "hire_date": "2024-04-01",
}
NEW_COUNTERPARTY = {"code": "MC001", "name": "株式会社マトリクス", "is_customer": True}

ENDPOINTS: list[Endpoint] = [
    # ------------------------------------------------------------ API: departments
    Endpoint("api-departments-list", "GET", "/api/v1/departments", EVERY_ROLE),
    Endpoint(
        "api-departments-detail",
        "GET",
        _url("/api/v1/departments/{}", "department"),
        EVERY_ROLE,
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
        _url("/api/v1/departments/{}", "department"),
        DEPARTMENT_WRITERS,
        payload={"name": "改名部"},
    ),
    # ------------------------------------------------------------ API: employees
    Endpoint("api-employees-list", "GET", "/api/v1/employees", EVERY_ROLE),
    Endpoint("api-employees-detail", "GET", _url("/api/v1/employees/{}", "employee"), EVERY_ROLE),
    Endpoint(
        "api-employees-create", "POST", "/api/v1/employees", EMPLOYEE_WRITERS, payload=NEW_EMPLOYEE
    ),
    Endpoint(
        "api-employees-patch",
        "PATCH",
        _url("/api/v1/employees/{}", "employee"),
        EMPLOYEE_WRITERS,
        payload={"first_name": "次郎"},
    ),
    # ------------------------------------------------------------ API: counterparties
    Endpoint("api-counterparties-list", "GET", "/api/v1/counterparties", COUNTERPARTY_READERS),
    Endpoint(
        "api-counterparties-detail",
        "GET",
        _url("/api/v1/counterparties/{}", "counterparty"),
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
        _url("/api/v1/counterparties/{}", "counterparty"),
        COUNTERPARTY_WRITERS,
        payload={"phone": "03-1234-5678"},
    ),
    # ------------------------------------------------------------ pages
    Endpoint("page-home", "GET", "/", SIGNED_IN),
    Endpoint("page-employees", "GET", "/org/employees/", EVERY_ROLE),
    Endpoint("page-employees-htmx", "GET", "/org/employees/", EVERY_ROLE, htmx=True),
    Endpoint("page-departments", "GET", "/org/departments/", EVERY_ROLE),
    Endpoint("page-employee-detail", "GET", _url("/org/employees/{}/", "employee"), EVERY_ROLE),
    Endpoint("page-employee-new", "GET", "/org/employees/new/", EMPLOYEE_WRITERS),
    Endpoint(
        "page-employee-edit", "GET", _url("/org/employees/{}/edit/", "employee"), EMPLOYEE_WRITERS
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
    Endpoint(
        "page-department-detail", "GET", _url("/org/departments/{}/", "department"), EVERY_ROLE
    ),
    Endpoint("page-department-new", "GET", "/org/departments/new/", DEPARTMENT_WRITERS),
    Endpoint(
        "page-counterparty-detail",
        "GET",
        _url("/org/counterparties/{}/", "counterparty"),
        COUNTERPARTY_READERS,
    ),
    Endpoint("page-counterparty-new", "GET", "/org/counterparties/new/", COUNTERPARTY_WRITERS),
    Endpoint(
        "page-counterparty-export",
        "GET",
        "/org/counterparties/export/",
        COUNTERPARTY_WRITERS,
        payload={"format": "xlsx"},
    ),
    Endpoint("page-company", "GET", "/org/company/", ADMINS),
    Endpoint("page-counterparties", "GET", "/org/counterparties/", COUNTERPARTY_READERS),
    Endpoint("page-audit", "GET", "/audit/", AUDITORS),
    Endpoint("page-audit-htmx", "GET", "/audit/", AUDITORS, htmx=True),
    Endpoint("page-audit-csv", "GET", "/audit/", AUDITORS, payload={"format": "csv"}),
    Endpoint("page-account", "GET", "/accounts/", SIGNED_IN),
    Endpoint("page-tokens", "GET", "/accounts/tokens/", EVERY_ROLE),
    Endpoint(
        "page-tokens-create",
        "POST",
        "/accounts/tokens/",
        EVERY_ROLE,
        payload={"name": "matrix", "lifetime_days": 30},
        form=True,
    ),
    # Revoking your own token stays possible even after your roles were taken away.
    Endpoint("page-tokens-revoke", "POST", _own_token, SIGNED_IN, form=True, redirects=True),
    Endpoint("page-login-locks", "GET", "/accounts/locks/", ADMINS),
    Endpoint(
        "page-login-unlock",
        "POST",
        "/accounts/locks/unlock/",
        ADMINS,
        payload={"username": "locked-user"},
        form=True,
        redirects=True,
    ),
    Endpoint(
        "page-two-factor-reset",
        "POST",
        "/accounts/locks/two-factor-reset/",
        ADMINS,
        payload=lambda ctx: {"username": ctx["employee"].user.username},
        form=True,
        redirects=True,
    ),
]


@pytest.fixture
def objects(make_user: Any) -> dict[str, Any]:
    """The rows the endpoints act on."""
    department = DepartmentFactory()
    employee = EmployeeFactory(department=department, user=make_user(Role.EMPLOYEE, employee=False))
    LoginThrottle.objects.create(username="locked-user", failures=5)
    return {
        "department": department,
        "employee": employee,
        "counterparty": CounterpartyFactory(),
    }


@pytest.mark.parametrize(("endpoint", "subject"), matrix_cases(ENDPOINTS))
def test_permission_matrix(
    endpoint: Endpoint, subject: str, make_user: Any, objects: dict[str, Any]
) -> None:
    check_endpoint(endpoint, subject, make_user=make_user, objects=objects)


def test_every_subject_is_covered() -> None:
    """The matrix names anonymous and a role-less user besides each role."""
    assert ANONYMOUS in EVERY_ROLE and NO_ROLE in EVERY_ROLE
    assert set(EVERY_ROLE) == {ANONYMOUS, NO_ROLE, *(role.value for role in Role)}
