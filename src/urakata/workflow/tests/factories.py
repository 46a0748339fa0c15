"""Test helpers: a small org (本社 → 営業部), routes, and 稟議 requests."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import Group

from urakata.core.roles import Role
from urakata.org.models import Department, Employee
from urakata.org.tests.factories import DepartmentFactory, EmployeeFactory, UserFactory
from urakata.workflow.models import Route, RouteStep


def person(
    *roles: Role,
    department: Department,
    manager: Employee | None = None,
    username: str | None = None,
) -> Any:
    """A user with an employee record in `department`, reporting to `manager`."""
    user = UserFactory(**({"username": username} if username else {}))
    for role in (Role.EMPLOYEE, *roles):
        user.groups.add(Group.objects.get_or_create(name=role.value)[0])
    EmployeeFactory(user=user, department=department, manager=manager)
    return user


@dataclass
class Org:
    hq: Department
    sales: Department
    president: Any
    sales_manager: Any
    applicant: Any
    colleague: Any
    accountant_a: Any
    accountant_b: Any
    outsider: Any
    auditor: Any
    admin: Any


def make_org() -> Org:
    """本社 (president) → 営業部 (sales_manager) with an applicant; two accountants; others."""
    hq = DepartmentFactory(code="HQ", name="本社")
    sales = DepartmentFactory(code="D500", name="営業部", parent=hq)
    accounting = DepartmentFactory(code="D400", name="経理部", parent=hq)
    president = person(Role.EXECUTIVE, department=hq, username="president")
    hq.manager = president.employee
    hq.save()
    sales_manager = person(
        Role.MANAGER, department=sales, manager=president.employee, username="sales_manager"
    )
    sales.manager = sales_manager.employee
    sales.save()
    applicant = person(department=sales, manager=sales_manager.employee, username="applicant")
    colleague = person(department=sales, manager=sales_manager.employee, username="colleague")
    accountant_a = person(Role.ACCOUNTING, department=accounting, username="acc_a")
    accountant_b = person(Role.ACCOUNTING, department=accounting, username="acc_b")
    outsider = person(department=accounting, username="outsider")
    auditor = person(Role.AUDITOR, department=hq, username="auditor")
    admin = person(Role.ADMIN, department=hq, username="admin_user")
    return Org(
        hq,
        sales,
        president,
        sales_manager,
        applicant,
        colleague,
        accountant_a,
        accountant_b,
        outsider,
        auditor,
        admin,
    )


def make_route(
    subject_type: str = "workflow.ringi",
    steps: list[dict[str, Any]] | None = None,
    conditions: list[dict[str, Any]] | None = None,
    priority: int = 0,
    name: str = "稟議ルート",
) -> Route:
    """A route written directly (services are tested separately)."""
    route = Route.objects.create(
        name=name, subject_type=subject_type, conditions=conditions or [], priority=priority
    )
    steps = steps or [
        {"name": "部署長承認", "approvers": [{"kind": "department_manager"}]},
        {
            "name": "経理確認",
            "approvers": [{"kind": "role", "role": "accounting"}],
            "quorum": "any",
        },
    ]
    for order, step in enumerate(steps, start=1):
        RouteStep.objects.create(
            route=route,
            order=order,
            name=step["name"],
            approvers=step["approvers"],
            quorum=step.get("quorum", "all"),
            conditions=step.get("conditions", []),
        )
    return route


RINGI = {"title": "展示会出展", "purpose": "新製品の展示会に出展する", "amount": 300000}
