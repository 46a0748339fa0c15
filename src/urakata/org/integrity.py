"""Tamper evidence for the org master (`urakata audit verify`, check "org").

Employees, departments and counterparties are compared field by field with their latest audited
change, so an employee's name edited by hand in the database is named with the row and field.
"""

from __future__ import annotations

from urakata.core.master_integrity import master_rows_problems
from urakata.org.models import Counterparty, Department, Employee
from urakata.org.services import COUNTERPARTY_FIELDS, DEPARTMENT_FIELDS, EMPLOYEE_FIELDS


def org_verify() -> list[str]:
    """Every employee, department and counterparty field that disagrees with its audit trail."""
    return [
        *master_rows_problems(
            Employee, label="employee", key="code", fields=dict.fromkeys(EMPLOYEE_FIELDS, "")
        ),
        *master_rows_problems(
            Department, label="department", key="code", fields=dict.fromkeys(DEPARTMENT_FIELDS, "")
        ),
        *master_rows_problems(
            Counterparty,
            label="counterparty",
            key="code",
            fields=dict.fromkeys(COUNTERPARTY_FIELDS, ""),
        ),
    ]
