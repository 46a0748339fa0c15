"""Org services validate every field, refuse bad input without writing, and audit each change."""

from __future__ import annotations

import datetime as dt

import pytest

from urakata.core.errors import ValidationFailed
from urakata.core.models import AuditEvent
from urakata.core.permissions import SYSTEM
from urakata.org import services
from urakata.org.models import Counterparty, Employee
from urakata.org.tests.factories import DepartmentFactory, EmployeeFactory

pytestmark = pytest.mark.django_db

VALID = {
    "code": "E9001",
    "last_name": "山田",
    "first_name": "花子",
    "last_name_kana": "やまだ",
    "first_name_kana": "ﾊﾅｺ",
    "email": "hanako@example.jp",
    "hire_date": "2024/04/01",
}


def test_employee_create_normalises_and_audits() -> None:
    employee = services.employee_create(actor=SYSTEM, data=VALID)
    assert employee.last_name_kana == "ヤマダ" and employee.first_name_kana == "ハナコ"
    assert employee.hire_date == dt.date(2024, 4, 1)
    assert employee.user is not None and employee.user.groups.filter(name="employee").exists()
    event = AuditEvent.objects.get(action="org.employee.create")
    assert event.target_id == str(employee.pk) and event.changes["code"] == [None, "E9001"]


def test_employee_create_reports_every_problem_and_writes_nothing() -> None:
    EmployeeFactory(code="E9001")
    before = Employee.objects.count()
    bad = {**VALID, "first_name_kana": "Hanako", "email": "not-an-email", "hire_date": "2024-13-45"}
    with pytest.raises(ValidationFailed) as info:
        services.employee_create(actor=SYSTEM, data=bad)
    assert set(info.value.errors) == {"code", "first_name_kana", "email", "hire_date"}
    assert "既に使われています" in info.value.errors["code"][0]
    assert Employee.objects.count() == before
    assert not AuditEvent.objects.filter(action="org.employee.create").exists()


def test_employee_update_records_old_and_new() -> None:
    employee = EmployeeFactory()
    new_department = DepartmentFactory()
    services.employee_update(actor=SYSTEM, employee=employee, data={"department": new_department})
    event = AuditEvent.objects.get(action="org.employee.update")
    assert event.changes == {"department": [employee.department_id, new_department.pk]}


def test_employee_cannot_manage_themselves() -> None:
    employee = EmployeeFactory()
    with pytest.raises(ValidationFailed) as info:
        services.employee_update(actor=SYSTEM, employee=employee, data={"manager": employee})
    assert "manager" in info.value.errors


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("corporate_number", "1234567890123", "チェックデジット"),
        ("corporate_number", "12345", "13桁"),
        ("registration_number", "T1234567890123", "チェックデジット"),
        ("registration_number", "7123456789012", "「T」"),
        ("bank_code", "12", "4桁"),
    ],
)
def test_counterparty_identifiers_are_checked(field: str, value: str, message: str) -> None:
    with pytest.raises(ValidationFailed) as info:
        services.counterparty_create(
            actor=SYSTEM, data={"code": "C1", "name": "株式会社A", field: value}
        )
    assert message in info.value.errors[field][0]
    assert not Counterparty.objects.exists()


def test_counterparty_accepts_full_width_numbers() -> None:
    counterparty = services.counterparty_create(
        actor=SYSTEM,
        data={
            "code": "C1",
            "name": "株式会社A",
            "corporate_number": "７１２３４５６７８９０１２",
            "registration_number": "t7123456789012",
        },
    )
    assert counterparty.corporate_number == "7123456789012"
    assert counterparty.registration_number == "T7123456789012"


def test_department_tree_cannot_loop() -> None:
    parent = services.department_create(actor=SYSTEM, data={"code": "A", "name": "本部"})
    child = services.department_create(
        actor=SYSTEM, data={"code": "B", "name": "課", "parent": parent}
    )
    with pytest.raises(ValidationFailed) as info:
        services.department_update(actor=SYSTEM, department=parent, data={"parent": child})
    assert "parent" in info.value.errors


def test_company_fiscal_month_and_t_number() -> None:
    with pytest.raises(ValidationFailed) as info:
        services.company_update(
            actor=SYSTEM,
            data={
                "name": "自社",
                "fiscal_year_start_month": 13,
                "registration_number": "T7123456789013",
            },
        )
    assert set(info.value.errors) == {"fiscal_year_start_month", "registration_number"}
    company = services.company_update(
        actor=SYSTEM, data={"name": "自社", "registration_number": "T7123456789012"}
    )
    assert company.registration_number == "T7123456789012"
