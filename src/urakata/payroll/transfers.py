"""Salary transfers through the payments domain (contract: `payment_request_add(kind="salary")`).

Payroll sits above payments, but this branch is built before payments is merged: the calls go
through `import_string` when `urakata.payments` is installed, and do nothing otherwise.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from urakata.core.permissions import SYSTEM

SOURCE = "payroll"


def _installed() -> bool:
    return apps.is_installed("urakata.payments")


def payee_problems(*, employee_id: int) -> list[str]:
    """Flags for the check step: an employee without a bank account cannot be paid by transfer."""
    if not _installed():
        return []
    payee_account = import_string("urakata.payments.selectors.payee_account")
    if payee_account(employee_id=employee_id) is None:
        return [_("振込口座が登録されていません。")]
    return []


def request_salary_transfers(*, run: Any) -> int:
    """One payment request per payslip with a positive net pay; returns how many were made."""
    if not _installed():
        return 0
    add = import_string("urakata.payments.services.payment_request_add")
    kind = "salary" if run.kind == "salary" else "bonus"
    count = 0
    for slip in run.payslips.select_related("employee").filter(net__gt=0):
        add(
            actor=SYSTEM,
            source=SOURCE,
            source_id=slip.pk,
            payee_employee_id=slip.employee_id,
            amount=slip.net,
            due_date=run.pay_date,
            description=f"{run.month:%Y-%m} {run.get_kind_display()} {slip.employee.code}",
            kind=kind,
            liability_account_code="3160",
        )
        count += 1
    return count
