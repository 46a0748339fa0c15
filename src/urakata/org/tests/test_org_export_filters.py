"""Org list exports hold exactly the rows their page lists, for every filter of the page."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from django.test import Client

from urakata.core.models import AuditEvent
from urakata.core.roles import Role
from urakata.org.models import Employee
from urakata.org.tests.factories import CounterpartyFactory, DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db


def _page_codes(client: Client, url: str, query: dict[str, str]) -> set[str]:
    page = client.get(url, query)
    assert page.status_code == 200
    assert page.context["page_obj"].paginator.num_pages == 1
    return {row.code for row in page.context["page_obj"]}


def _export_codes(client: Client, url: str, query: dict[str, str]) -> set[str]:
    response = client.get(url, {**query, "format": "csv"})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return {row[0] for row in rows[1:]}


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"department": "DEPT"},
        {"department": "DEPT", "status": "active"},
        {"employment_type": "contract"},
        {"q": "川"},
    ],
)
def test_employee_export_equals_the_page(client_for: Any, query: dict[str, str]) -> None:
    sales, plant = DepartmentFactory(), DepartmentFactory()
    EmployeeFactory(code="A1", department=sales, last_name="川上")
    EmployeeFactory(code="A2", department=sales, employment_type="contract")
    EmployeeFactory(
        code="A3", department=sales, status=Employee.Status.RETIRED, retire_date="2024-03-31"
    )
    EmployeeFactory(code="B1", department=plant, employment_type="contract")
    query = {k: str(sales.pk) if v == "DEPT" else v for k, v in query.items()}
    client = client_for(Role.HR)
    shown = _page_codes(client, "/org/employees/", query)
    assert shown
    assert _export_codes(client, "/org/employees/export/", query) == shown
    event = AuditEvent.objects.filter(action="org.employee.export").latest("seq")
    assert event.changes["rows"] == len(shown)


@pytest.mark.parametrize(
    "query", [{}, {"kind": "customer"}, {"kind": "supplier", "active": "1"}, {"q": "桜"}]
)
def test_counterparty_export_equals_the_page(client_for: Any, query: dict[str, str]) -> None:
    CounterpartyFactory(code="C1", name="桜商事", is_customer=True, is_supplier=False)
    CounterpartyFactory(code="C2", name="梅工業", is_customer=False, is_supplier=True)
    CounterpartyFactory(
        code="C3", name="松物産", is_customer=False, is_supplier=True, is_active=False
    )
    client = client_for(Role.ACCOUNTING)
    shown = _page_codes(client, "/org/counterparties/", query)
    assert shown
    assert _export_codes(client, "/org/counterparties/export/", query) == shown
