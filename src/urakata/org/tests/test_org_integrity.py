"""`urakata audit verify` checks employees, departments and counterparties against their audit trail."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from urakata.core.permissions import SYSTEM
from urakata.org import services
from urakata.org.integrity import org_verify
from urakata.org.models import Counterparty, Department, Employee
from urakata.org.tests.factories import valid_corporate_number

pytestmark = pytest.mark.django_db


def _raw_update(model: type, pk: int, column: str, value: object) -> None:
    """A hand edit in the database, past every service and the audit chain."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {quote(model._meta.db_table)} SET {quote(column)} = %s WHERE id = %s",  # noqa: S608
            [value, pk],
        )


def _world() -> tuple[Employee, Department, Counterparty]:
    department = services.department_create(actor=SYSTEM, data={"code": "D1", "name": "営業部"})
    employee = services.employee_create(
        actor=SYSTEM,
        data={
            "code": "E1",
            "last_name": "山田",
            "first_name": "花子",
            "last_name_kana": "ヤマダ",
            "first_name_kana": "ハナコ",
            "email": "hanako@example.jp",
            "hire_date": "2024-04-01",
            "department": department.pk,
        },
    )
    services.employee_update(actor=SYSTEM, employee=employee, data={"last_name": "佐藤"})
    services.department_update(actor=SYSTEM, department=department, data={"manager": employee.pk})
    counterparty = services.counterparty_create(
        actor=SYSTEM,
        data={
            "code": "C1",
            "name": "株式会社テスト",
            "corporate_number": valid_corporate_number(7),
        },
    )
    return employee, department, counterparty


def test_untouched_rows_pass_and_each_hand_edit_is_named() -> None:
    employee, department, counterparty = _world()
    assert org_verify() == []

    _raw_update(Employee, employee.pk, "last_name", "鈴木")
    _raw_update(Employee, employee.pk, "hire_date", "2020-01-01")
    _raw_update(Department, department.pk, "manager_id", None)
    _raw_update(Counterparty, counterparty.pk, "name", "株式会社ニセ")
    assert org_verify() == [
        f"employee E1 (id {employee.pk}): last_name '鈴木', its latest audited change says '佐藤'",
        f"employee E1 (id {employee.pk}): hire_date '2020-01-01', "
        "its latest audited change says '2024-04-01'",
        f"department D1 (id {department.pk}): manager None, "
        f"its latest audited change says {employee.pk}",
        f"counterparty C1 (id {counterparty.pk}): name '株式会社ニセ', "
        "its latest audited change says '株式会社テスト'",
    ]
    with pytest.raises(CommandError) as raised:
        call_command("audit", "verify", stdout=StringIO())
    assert f"employee E1 (id {employee.pk}): last_name" in str(raised.value)


def test_a_row_deleted_by_hand_is_named() -> None:
    _employee, _department, counterparty = _world()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM org_counterparty WHERE id = %s", [counterparty.pk])
    assert org_verify() == [
        f"counterparty id {counterparty.pk}: audited, but the row is gone "
        "(deleted outside the services)"
    ]


def test_rows_without_audited_changes_are_not_judged() -> None:
    # a department written outside the services (as migrations and fixtures do) has no trail
    Department.objects.create(code="D9", name="未監査")
    assert org_verify() == []
