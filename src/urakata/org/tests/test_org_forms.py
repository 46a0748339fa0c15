"""Org create/edit forms: POST to the services, errors beside the fields, input kept, audited."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from urakata.core.models import AuditEvent
from urakata.core.roles import Role
from urakata.org.models import Company, Counterparty, Department, Employee
from urakata.org.tests.factories import (
    CounterpartyFactory,
    DepartmentFactory,
    EmployeeFactory,
    PositionFactory,
    valid_corporate_number,
)

pytestmark = pytest.mark.django_db


def field_errors(html: str, name: str) -> list[str]:
    """The messages rendered beside one field (`<ul class="errorlist" id="err_<name>">`)."""
    match = re.search(rf'<ul class="errorlist" id="err_{name}">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", match.group(1)) if match else []


def input_value(html: str, name: str) -> str | None:
    match = re.search(rf'<input type="[a-z]+" id="id_{name}" name="{name}" value="([^"]*)"', html)
    return match.group(1) if match else None


EMPLOYEE_POST = {
    "code": "N0001",
    "last_name": "中村",
    "first_name": "葵",
    "last_name_kana": "なかむら",
    "first_name_kana": "アオイ",
    "email": "n0001@example.jp",
    "employment_type": "regular",
    "hire_date": "2025-04-01",
    "status": "active",
    "create_login": "1",
}


def test_employee_create_success_redirects_with_message(client_for: Any) -> None:
    client: Client = client_for(Role.HR)
    department = DepartmentFactory()
    position = PositionFactory()
    boss = EmployeeFactory(code="B0001")
    data = {
        **EMPLOYEE_POST,
        "department": department.pk,
        "position": position.pk,
        "manager_code": "b0001",
    }
    response = client.post("/org/employees/new/", data, follow=True)
    employee = Employee.objects.get(code="N0001")
    assert response.redirect_chain[-1][0] == f"/org/employees/{employee.pk}/"
    assert "を登録しました" in response.content.decode()
    assert employee.last_name_kana == "ナカムラ"
    assert (employee.department, employee.position, employee.manager) == (
        department,
        position,
        boss,
    )
    assert employee.user is not None and employee.user.username == "n0001"
    assert AuditEvent.objects.filter(action="org.employee.create").count() == 1


def test_employee_create_errors_are_shown_beside_fields_and_input_kept(client_for: Any) -> None:
    client = client_for(Role.HR)
    EmployeeFactory(code="T1")
    data = {
        **EMPLOYEE_POST,
        "code": "T1",
        "last_name": "",
        "first_name_kana": "Aoi",
        "email": "not-an-email",
        "manager_code": "NOBODY",
        "hire_date": "2025-04-01",
        "retire_date": "2024-01-01",
    }
    response = client.post("/org/employees/new/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "既に使われています" in field_errors(html, "code")[0]
    assert field_errors(html, "last_name") == ["必須項目です。"]
    assert "カタカナ" in field_errors(html, "first_name_kana")[0]
    assert "メールアドレス" in field_errors(html, "email")[0]
    assert "NOBODY" in field_errors(html, "manager_code")[0]
    assert "退職日" in field_errors(html, "retire_date")[0]
    # what the user typed is still there
    assert input_value(html, "first_name_kana") == "Aoi"
    assert input_value(html, "email") == "not-an-email"
    assert input_value(html, "manager_code") == "NOBODY"
    assert 'aria-invalid="true"' in html
    assert Employee.objects.filter(code="T1").count() == 1
    assert not AuditEvent.objects.filter(action="org.employee.create").exists()


def test_employee_create_reports_taken_login_name(client_for: Any, make_user: Any) -> None:
    make_user(Role.EMPLOYEE, username="n0001", employee=False)
    response = client_for(Role.HR).post("/org/employees/new/", EMPLOYEE_POST)
    assert response.status_code == 422
    assert "n0001" in field_errors(response.content.decode(), "code")[0]
    assert not Employee.objects.filter(code="N0001").exists()


def test_employee_edit_success_and_error(client_for: Any) -> None:
    client = client_for(Role.HR)
    employee = EmployeeFactory(code="E0001", last_name="山田")
    page = client.get(f"/org/employees/{employee.pk}/edit/").content.decode()
    assert input_value(page, "last_name") == "山田"
    data = {
        **EMPLOYEE_POST,
        "code": "E0001",
        "last_name": "山本",
        "department": employee.department_id,
        "position": employee.position_id,
    }
    response = client.post(f"/org/employees/{employee.pk}/edit/", data)
    assert response.status_code == 302 and response["Location"] == f"/org/employees/{employee.pk}/"
    employee.refresh_from_db()
    assert employee.last_name == "山本"
    event = AuditEvent.objects.get(action="org.employee.update")
    assert event.changes["last_name"] == ["山田", "山本"]
    # blanking a required field on edit is refused, and nothing changes
    response = client.post(f"/org/employees/{employee.pk}/edit/", {**data, "last_name": ""})
    assert response.status_code == 422
    assert field_errors(response.content.decode(), "last_name") == ["必須項目です。"]
    employee.refresh_from_db()
    assert employee.last_name == "山本"


def test_employee_forms_refuse_post_without_capability(client_for: Any) -> None:
    employee = EmployeeFactory(last_name="山田")
    client = client_for(Role.EMPLOYEE)
    assert client.post("/org/employees/new/", EMPLOYEE_POST).status_code == 403
    response = client.post(f"/org/employees/{employee.pk}/edit/", {"last_name": "X"})
    assert response.status_code == 403
    employee.refresh_from_db()
    assert employee.last_name == "山田" and not Employee.objects.filter(code="N0001").exists()


def test_forms_need_csrf_token(make_user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(Role.HR))
    assert client.post("/org/employees/new/", EMPLOYEE_POST).status_code == 403
    assert not Employee.objects.filter(code="N0001").exists()


def test_department_create_edit_and_cycle_error(client_for: Any) -> None:
    client = client_for(Role.GENERAL_AFFAIRS)
    parent = DepartmentFactory(code="D1", name="本社")
    response = client.post(
        "/org/departments/new/",
        {"code": "D2", "name": "営業部", "parent": parent.pk, "sort_order": "5", "is_active": "1"},
    )
    child = Department.objects.get(code="D2")
    assert response.status_code == 302 and response["Location"] == f"/org/departments/{child.pk}/"
    assert child.parent == parent and child.sort_order == 5 and child.is_active
    # moving the parent under its own child is refused beside the 上位部署 field
    response = client.post(
        f"/org/departments/{parent.pk}/edit/",
        {"code": "D1", "name": "本社", "parent": child.pk, "sort_order": "0", "is_active": "1"},
    )
    assert response.status_code == 422
    assert "上位部署" in field_errors(response.content.decode(), "parent")[0]
    parent.refresh_from_db()
    assert parent.parent is None
    # an unticked checkbox switches the department off
    response = client.post(
        f"/org/departments/{child.pk}/edit/",
        {"code": "D2", "name": "営業本部", "parent": parent.pk, "sort_order": "5"},
    )
    child.refresh_from_db()
    assert response.status_code == 302 and child.name == "営業本部" and not child.is_active


def test_counterparty_create_with_identifiers_and_bank(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    number = valid_corporate_number(4242)
    data = {
        "code": "C1",
        "name": "株式会社北斗",
        "name_kana": "ﾎｸﾄ",
        "corporate_number": number,
        "registration_number": f"T{number}",
        "is_supplier": "1",
        "is_active": "1",
        "bank_code": "０００５",
        "branch_code": "135",
        "account_type": "1",
        "account_number": "1234567",
        "account_holder_kana": "ｶ)ﾎｸﾄ",
    }
    response = client.post("/org/counterparties/new/", data, follow=True)
    counterparty = Counterparty.objects.get(code="C1")
    assert response.redirect_chain[-1][0] == f"/org/counterparties/{counterparty.pk}/"
    html = response.content.decode()
    assert number in html and f"T{number}" in html and "1234567" in html
    assert counterparty.bank_code == "0005" and counterparty.name_kana == "ホクト"
    assert counterparty.is_supplier and not counterparty.is_customer


def test_counterparty_invalid_identifiers_shown_beside_fields(client_for: Any) -> None:
    client = client_for(Role.ACCOUNTING)
    good = valid_corporate_number(1)
    bad = good[:-1] + str((int(good[-1]) + 1) % 10)
    data = {
        "code": "C2",
        "name": "株式会社誤り",
        "corporate_number": bad,
        "registration_number": "T12",
        "bank_code": "12",
        "account_type": "9",
    }
    response = client.post("/org/counterparties/new/", data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "チェックデジット" in field_errors(html, "corporate_number")[0]
    assert "13桁" in field_errors(html, "registration_number")[0]
    assert field_errors(html, "bank_code")
    assert field_errors(html, "account_type")
    assert input_value(html, "corporate_number") == bad
    assert not Counterparty.objects.filter(code="C2").exists()


def test_counterparty_edit(client_for: Any) -> None:
    counterparty = CounterpartyFactory(code="C3", name="旧社名")
    client = client_for(Role.GENERAL_AFFAIRS)
    page = client.get(f"/org/counterparties/{counterparty.pk}/edit/").content.decode()
    assert input_value(page, "name") == "旧社名"
    data = {
        "code": "C3",
        "name": "新社名",
        "corporate_number": counterparty.corporate_number,
        "registration_number": counterparty.registration_number,
        "is_customer": "1",
        "is_active": "1",
    }
    response = client.post(f"/org/counterparties/{counterparty.pk}/edit/", data)
    assert response.status_code == 302
    counterparty.refresh_from_db()
    assert counterparty.name == "新社名"


def test_company_settings_save_and_validate(client_for: Any) -> None:
    client = client_for(Role.ADMIN)
    number = valid_corporate_number(99)
    data = {
        "name": "株式会社うらかた",
        "corporate_number": number,
        "registration_number": f"T{number}",
        "fiscal_year_start_month": "10",
        "address": "東京都千代田区1-1",
        "bank_code": "0001",
        "branch_code": "001",
        "account_type": "1",
        "account_number": "1234567",
    }
    response = client.post("/org/company/", data, follow=True)
    assert response.redirect_chain[-1][0] == "/org/company/"
    assert "自社情報を保存しました" in response.content.decode()
    company = Company.objects.get()
    assert company.fiscal_year_start_month == 10 and company.registration_number == f"T{number}"
    response = client.post("/org/company/", {**data, "name": "", "registration_number": "X1"})
    assert response.status_code == 422
    html = response.content.decode()
    assert field_errors(html, "name") == ["必須項目です。"]
    assert field_errors(html, "registration_number")
    company.refresh_from_db()
    assert company.name == "株式会社うらかた"
    assert client_for(Role.HR).post("/org/company/", data).status_code == 403
