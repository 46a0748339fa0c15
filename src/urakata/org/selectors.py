"""Org reads: lists with filters (shared by pages and API), details scoped to the user."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from urakata.core.errors import NotFound
from urakata.core.permissions import require
from urakata.org.models import Company, Counterparty, Department, Employee, Position


@dataclass
class EmployeeFilters:
    """Filters for the employee list (従業員一覧)."""

    q: str = ""
    department_id: int | None = None
    status: str = ""
    employment_type: str = ""


def employee_list(*, actor: Any, filters: EmployeeFilters | None = None) -> QuerySet[Employee]:
    """Employees the actor may see, filtered; relations joined so the list costs one query."""
    require(actor, "org.view_directory")
    filters = filters or EmployeeFilters()
    queryset = Employee.objects.visible_to(actor).with_relations()
    if filters.q:
        q = filters.q.strip()
        queryset = queryset.filter(
            Q(code__icontains=q)
            | Q(last_name__icontains=q)
            | Q(first_name__icontains=q)
            | Q(last_name_kana__icontains=q)
            | Q(first_name_kana__icontains=q)
            | Q(email__icontains=q)
        )
    if filters.department_id:
        queryset = queryset.filter(department_id=filters.department_id)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.employment_type:
        queryset = queryset.filter(employment_type=filters.employment_type)
    return queryset.order_by("code")


def employee_get(*, actor: Any, employee_id: int) -> Employee:
    """One employee, or NotFound when outside the actor's scope."""
    require(actor, "org.view_directory")
    employee = Employee.objects.visible_to(actor).with_relations().filter(pk=employee_id).first()
    if employee is None:
        raise NotFound(_("従業員が見つかりません。"))
    return employee


def employee_count(*, actor: Any) -> int:
    """Active employees (在籍者数)."""
    return Employee.objects.visible_to(actor).filter(status=Employee.Status.ACTIVE).count()


def department_list(*, actor: Any, q: str = "") -> QuerySet[Department]:
    """Departments with their manager, parent and head count."""
    require(actor, "org.view_directory")
    queryset = Department.objects.select_related("parent", "manager").annotate(
        headcount=Count("employees", filter=Q(employees__status=Employee.Status.ACTIVE))
    )
    if q:
        queryset = queryset.filter(Q(code__icontains=q) | Q(name__icontains=q))
    return queryset.order_by("sort_order", "code")


def department_get(*, actor: Any, department_id: int) -> Department:
    """One department or NotFound."""
    department = department_list(actor=actor).filter(pk=department_id).first()
    if department is None:
        raise NotFound(_("部署が見つかりません。"))
    return department


def department_tree(*, actor: Any) -> list[tuple[Department, int]]:
    """Departments in tree order with their depth, in one query."""
    departments = list(department_list(actor=actor))
    children: dict[int | None, list[Department]] = {}
    for department in departments:
        children.setdefault(department.parent_id, []).append(department)
    ordered: list[tuple[Department, int]] = []

    def walk(parent_id: int | None, depth: int) -> None:
        for child in children.get(parent_id, []):
            ordered.append((child, depth))
            walk(child.pk, depth + 1)

    walk(None, 0)
    return ordered


def position_list(*, actor: Any) -> QuerySet[Position]:
    """Job titles, most senior first."""
    require(actor, "org.view_directory")
    return Position.objects.all()


@dataclass
class CounterpartyFilters:
    """Filters for the counterparty list (取引先一覧)."""

    q: str = ""
    kind: str = ""  # "customer" | "supplier" | ""
    active: bool | None = None


def counterparty_list(
    *, actor: Any, filters: CounterpartyFilters | None = None
) -> QuerySet[Counterparty]:
    """Counterparties the actor may see, filtered by text, kind and activity."""
    require(actor, "org.view_counterparties")
    filters = filters or CounterpartyFilters()
    queryset = Counterparty.objects.visible_to(actor)
    if filters.q:
        q = filters.q.strip()
        queryset = queryset.filter(
            Q(code__icontains=q)
            | Q(name__icontains=q)
            | Q(name_kana__icontains=q)
            | Q(corporate_number__icontains=q)
            | Q(registration_number__icontains=q)
        )
    if filters.kind == "customer":
        queryset = queryset.filter(is_customer=True)
    elif filters.kind == "supplier":
        queryset = queryset.filter(is_supplier=True)
    if filters.active is not None:
        queryset = queryset.filter(is_active=filters.active)
    return queryset.order_by("code")


def counterparty_get(*, actor: Any, counterparty_id: int) -> Counterparty:
    """One counterparty, or NotFound when outside the actor's scope."""
    counterparty = counterparty_list(actor=actor).filter(pk=counterparty_id).first()
    if counterparty is None:
        raise NotFound(_("取引先が見つかりません。"))
    return counterparty


def company_get() -> Company | None:
    """The company profile, if set up."""
    return Company.objects.order_by("pk").first()


def department_members(*, actor: Any, department: Department) -> QuerySet[Employee]:
    """Employees of one department (所属メンバー), relations joined, active first."""
    require(actor, "org.view_directory")
    return (
        Employee.objects.visible_to(actor)
        .with_relations()
        .filter(department=department)
        .order_by("status", "code")
    )


def department_children(*, actor: Any, department: Department) -> QuerySet[Department]:
    """The departments directly under one department."""
    require(actor, "org.view_directory")
    return Department.objects.filter(parent=department).order_by("sort_order", "code")


def employee_reports(*, actor: Any, employee: Employee) -> QuerySet[Employee]:
    """The employees who report to this one (部下)."""
    require(actor, "org.view_directory")
    return (
        Employee.objects.visible_to(actor)
        .with_relations()
        .filter(manager=employee, status__in=[Employee.Status.ACTIVE, Employee.Status.ON_LEAVE])
        .order_by("code")
    )
