"""Org pages: each renders for an allowed role, 403 for a disallowed one, 404 out of scope."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from urakata.core.roles import Role
from urakata.org.tests.factories import (
    CompanyFactory,
    CounterpartyFactory,
    DepartmentFactory,
    EmployeeFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def objects() -> dict[str, Any]:
    department = DepartmentFactory(code="D900", name="品質保証部")
    employee = EmployeeFactory(code="Z0001", department=department, last_name="柴田")
    counterparty = CounterpartyFactory(
        code="C900",
        name="株式会社見本",
        bank_code="0005",
        bank_name="三菱UFJ銀行",
        branch_code="135",
        account_type="1",
        account_number="7654321",
    )
    CompanyFactory()
    return {"department": department, "employee": employee, "counterparty": counterparty}


PAGES = [
    # (url template, allowed role, disallowed role, text the page must show)
    ("/org/employees/", Role.EMPLOYEE, None, "柴田"),
    ("/org/employees/{employee}/", Role.EMPLOYEE, None, "Z0001"),
    ("/org/employees/new/", Role.HR, Role.MANAGER, "社員番号"),
    ("/org/employees/{employee}/edit/", Role.HR, Role.ACCOUNTING, "柴田"),
    ("/org/employees/import/", Role.HR, Role.EMPLOYEE, "社員番号"),
    ("/org/departments/", Role.EMPLOYEE, None, "品質保証部"),
    ("/org/departments/{department}/", Role.EMPLOYEE, None, "柴田"),
    ("/org/departments/new/", Role.GENERAL_AFFAIRS, Role.EMPLOYEE, "部署コード"),
    ("/org/departments/{department}/edit/", Role.HR, Role.ACCOUNTING, "品質保証部"),
    ("/org/counterparties/", Role.ACCOUNTING, Role.EMPLOYEE, "株式会社見本"),
    ("/org/counterparties/{counterparty}/", Role.MANAGER, Role.EMPLOYEE, "7654321"),
    ("/org/counterparties/new/", Role.ACCOUNTING, Role.MANAGER, "法人番号"),
    ("/org/counterparties/{counterparty}/edit/", Role.GENERAL_AFFAIRS, Role.HR, "株式会社見本"),
    ("/org/counterparties/import/", Role.ACCOUNTING, Role.HR, "取引先コード"),
    ("/org/company/", Role.ADMIN, Role.HR, "株式会社テスト"),
]


def _url(template: str, objects: dict[str, Any]) -> str:
    return template.format(**{name: obj.pk for name, obj in objects.items()})


@pytest.mark.parametrize(("template", "allowed", "denied", "text"), PAGES)
def test_page_renders_for_allowed_role(
    client_for: Any, objects: dict[str, Any], template: str, allowed: Role, denied: Any, text: str
) -> None:
    response = client_for(allowed).get(_url(template, objects))
    assert response.status_code == 200
    assert text in response.content.decode()


@pytest.mark.parametrize(
    ("template", "allowed", "denied", "text"), [p for p in PAGES if p[2] is not None]
)
def test_page_is_403_for_disallowed_role(
    client_for: Any, objects: dict[str, Any], template: str, allowed: Role, denied: Role, text: str
) -> None:
    response = client_for(denied).get(_url(template, objects))
    assert response.status_code == 403
    assert "権限がありません" in response.content.decode()


@pytest.mark.parametrize("template", [p[0] for p in PAGES])
def test_anonymous_is_sent_to_login(client: Client, objects: dict[str, Any], template: str) -> None:
    response = client.get(_url(template, objects))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_unknown_ids_are_404(client_for: Any) -> None:
    client = client_for(Role.ADMIN)
    for url in (
        "/org/employees/999999/",
        "/org/departments/999999/",
        "/org/counterparties/999999/",
    ):
        assert client.get(url).status_code == 404


def test_list_links_rows_to_detail_and_shows_actions_by_role(
    client_for: Any, objects: dict[str, Any]
) -> None:
    employee = objects["employee"]
    hr_page = client_for(Role.HR).get("/org/employees/").content.decode()
    assert f'href="/org/employees/{employee.pk}/"' in hr_page
    assert "/org/employees/new/" in hr_page and "/org/employees/export/" in hr_page
    plain_page = client_for(Role.EMPLOYEE).get("/org/employees/").content.decode()
    assert f'href="/org/employees/{employee.pk}/"' in plain_page
    assert "/org/employees/new/" not in plain_page
    assert "/org/employees/export/" not in plain_page


def test_employee_list_filters_by_employment_type(client_for: Any) -> None:
    EmployeeFactory(code="K0001", employment_type="contract", first_name="契約")
    EmployeeFactory(code="K0002", employment_type="regular", first_name="正規")
    response = client_for(Role.EMPLOYEE).get("/org/employees/?employment_type=contract")
    body = response.content.decode()
    assert "K0001" in body and "K0002" not in body
    partial = client_for(Role.EMPLOYEE).get(
        "/org/employees/?employment_type=contract", HTTP_HX_REQUEST="true"
    )
    assert "<html" not in partial.content.decode() and "K0001" in partial.content.decode()


def test_company_nav_item_only_for_admin(client_for: Any) -> None:
    assert "/org/company/" in client_for(Role.ADMIN).get("/").content.decode()
    assert "/org/company/" not in client_for(Role.HR).get("/").content.decode()


def test_employee_export_page_downloads_filtered_csv(client_for: Any) -> None:
    EmployeeFactory(code="X0001", employment_type="contract")
    EmployeeFactory(code="X0002", employment_type="regular")
    response = client_for(Role.HR).get("/org/employees/export/?employment_type=contract&format=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8-sig")
    assert "X0001" in body and "X0002" not in body
    xlsx = client_for(Role.HR).get("/org/employees/export/?format=xlsx")
    assert xlsx.content.startswith(b"PK")
    assert client_for(Role.EMPLOYEE).get("/org/employees/export/").status_code == 403


def test_counterparty_export_page_for_accounting(client_for: Any) -> None:
    CounterpartyFactory(code="C777")
    response = client_for(Role.ACCOUNTING).get("/org/counterparties/export/?format=csv")
    assert response.status_code == 200 and "C777" in response.content.decode("utf-8-sig")
    assert client_for(Role.MANAGER).get("/org/counterparties/export/").status_code == 403


def test_export_links_follow_the_htmx_filters(client_for: Any) -> None:
    partial = client_for(Role.HR).get(
        "/org/employees/?employment_type=contract&q=%E5%B1%B1", HTTP_HX_REQUEST="true"
    )
    html = partial.content.decode()
    assert "/org/employees/export/?employment_type=contract&amp;q=%E5%B1%B1&amp;format=xlsx" in html
    plain = client_for(Role.EMPLOYEE).get("/org/employees/", HTTP_HX_REQUEST="true")
    assert "export-links" not in plain.content.decode()
