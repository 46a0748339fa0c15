"""Salary transfers through the payments domain (contract: `payment_requests_add_bulk`, kind "salary"/"bonus").

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
    """One payment request per payslip with a positive net pay, added in one bulk call
    (`payment_requests_add_bulk`: one audit event for the run); returns how many."""
    if not _installed():
        return 0
    add_bulk = import_string("urakata.payments.bulk.payment_requests_add_bulk")
    kind = "salary" if run.kind == "salary" else "bonus"
    label = f"{run.month:%Y-%m} {run.get_kind_display()}"
    items = [
        {
            "source_id": slip_id,
            "payee_employee_id": employee_id,
            "amount": net,
            "due_date": run.pay_date,
            "description": f"{label} {code}",
            "kind": kind,
            "liability_account_code": "3160",
        }
        for slip_id, employee_id, net, code in run.payslips.filter(net__gt=0)
        .order_by("pk")
        .values_list("pk", "employee_id", "net", "employee__code")
    ]
    add_bulk(actor=SYSTEM, source=SOURCE, items=items)
    return len(items)
