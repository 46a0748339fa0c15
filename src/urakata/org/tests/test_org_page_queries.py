"""List and detail pages cost the same number of queries for 3 rows or 30 (no N+1)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from urakata.core.roles import Role
from urakata.org.models import Department
from urakata.org.tests.factories import CounterpartyFactory, DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db


def _count(client: Client, url: str, **headers: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
        assert response.status_code == 200
    return len(ctx.captured_queries)


def _grows(client: Client, url: str, add: Callable[[int], None], **headers: Any) -> tuple[int, int]:
    add(3)
    _count(client, url, **headers)  # warm-up: role cache, session
    few = _count(client, url, **headers)
    add(30)
    return few, _count(client, url, **headers)


def _employees(n: int) -> None:
    department = Department.objects.first() or DepartmentFactory()
    boss = EmployeeFactory(department=department)
    EmployeeFactory.create_batch(n, manager=boss, department=department)


@pytest.mark.parametrize("headers", [{}, {"HTTP_HX_REQUEST": "true"}])
def test_employee_list_page_query_count_is_constant(client_for: Any, headers: Any) -> None:
    few, many = _grows(client_for(Role.HR), "/org/employees/", _employees, **headers)
    assert few == many


@pytest.mark.parametrize("headers", [{}, {"HTTP_HX_REQUEST": "true"}])
def test_counterparty_list_page_query_count_is_constant(client_for: Any, headers: Any) -> None:
    def add(n: int) -> None:
        CounterpartyFactory.create_batch(n)

    few, many = _grows(client_for(Role.ACCOUNTING), "/org/counterparties/", add, **headers)
    assert few == many


def test_department_pages_query_count_is_constant(client_for: Any) -> None:
    client = client_for(Role.HR)
    department = DepartmentFactory()

    def add(n: int) -> None:
        for _ in range(n):
            DepartmentFactory(parent=department, manager=EmployeeFactory(department=department))

    few, many = _grows(client, "/org/departments/", add)
    assert few == many
    few, many = _grows(client, f"/org/departments/{department.pk}/", add)
    assert few == many


def test_employee_detail_query_count_is_constant(client_for: Any) -> None:
    boss = EmployeeFactory()

    def add(n: int) -> None:
        EmployeeFactory.create_batch(n, manager=boss)

    few, many = _grows(client_for(Role.EMPLOYEE), f"/org/employees/{boss.pk}/", add)
    assert few == many
