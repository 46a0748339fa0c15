"""Payments selectors (reads): payee accounts, requests, batches; account numbers masked by scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from urakata.core.errors import NotFound
from urakata.core.permissions import can, require, same_user
from urakata.org.models import Counterparty, Employee
from urakata.payments.models import (
    CompanyBankAccount,
    PayeeBankAccount,
    PaymentBatch,
    PaymentBatchItem,
    PaymentRequest,
)


@dataclass(frozen=True)
class PayeeAccount:
    """Where a payee's transfers go, as the 全銀 file needs it."""

    bank_code: str
    bank_name: str
    branch_code: str
    branch_name: str
    account_type: str
    account_number: str
    account_holder_kana: str


def _as_account(row: Any) -> PayeeAccount | None:
    if not (row.bank_code and row.branch_code and row.account_number and row.account_holder_kana):
        return None
    return PayeeAccount(
        bank_code=row.bank_code,
        bank_name=row.bank_name,
        branch_code=row.branch_code,
        branch_name=row.branch_name,
        account_type=row.account_type or "1",
        account_number=row.account_number,
        account_holder_kana=row.account_holder_kana,
    )


def payee_account(
    *, employee_id: int | None = None, counterparty_id: int | None = None
) -> PayeeAccount | None:
    """The account transfers to this employee or counterparty go to, or None (no permission check:
    for services; pages and the API use `payee_account_for`).

    A counterparty without its own payments account falls back to the bank fields on the
    counterparty master (org).
    """
    if employee_id is not None:
        row = PayeeBankAccount.objects.filter(employee_id=employee_id).first()
        return _as_account(row) if row else None
    if counterparty_id is not None:
        row = PayeeBankAccount.objects.filter(counterparty_id=counterparty_id).first()
        if row is not None:
            return _as_account(row)
        master = Counterparty.objects.filter(pk=counterparty_id).first()
        return _as_account(master) if master else None
    return None


def account_number_visible(user: Any, *, owner_user: Any = None) -> bool:
    """Account numbers are shown to accounting and to the account's owner only."""
    return can(user, "payments.view_account_numbers") or (
        owner_user is not None and same_user(user, owner_user)
    )


def mask(number: str) -> str:
    return "****" + number[-3:] if number else ""


def own_employee(user: Any) -> Employee | None:
    pk = getattr(user, "pk", None)
    return Employee.objects.filter(user_id=pk).first() if pk is not None else None


def payee_account_for(*, actor: Any, employee_id: int) -> PayeeBankAccount | None:
    """An employee's payee account for the employee themself or accounting (else NotFound)."""
    employee = Employee.objects.select_related("user").filter(pk=employee_id).first()
    if employee is None:
        raise NotFound(_("社員が見つかりません。"))
    if not (
        can(actor, "payments.manage_payees")
        or (can(actor, "payments.own_account") and same_user(actor, employee.user))
    ):
        raise NotFound(_("社員が見つかりません。"))
    return PayeeBankAccount.objects.filter(employee_id=employee_id).first()


def payee_accounts(*, actor: Any) -> QuerySet[PayeeBankAccount]:
    require(actor, "payments.manage_payees")
    return PayeeBankAccount.objects.select_related("employee", "counterparty").order_by("pk")


def company_accounts(*, actor: Any) -> QuerySet[CompanyBankAccount]:
    require(actor, "payments.view")
    return CompanyBankAccount.objects.all()


def requests(*, actor: Any, status: str | None = None) -> QuerySet[PaymentRequest]:
    require(actor, "payments.view")
    rows = PaymentRequest.objects.select_related("payee_employee", "payee_counterparty")
    if status:
        rows = rows.filter(status=status)
    return rows.order_by("due_date", "pk")


def batches(*, actor: Any, status: str | None = None) -> QuerySet[PaymentBatch]:
    require(actor, "payments.view")
    rows = PaymentBatch.objects.select_related("company_account", "created_by", "approved_by")
    if status:
        rows = rows.filter(status=status)
    return rows


def batch_get(*, actor: Any, batch_id: int) -> PaymentBatch:
    require(actor, "payments.view")
    batch = (
        PaymentBatch.objects.select_related("company_account", "created_by", "approved_by", "file")
        .filter(pk=batch_id)
        .first()
    )
    if batch is None:
        raise NotFound(_("振込バッチが見つかりません。"))
    return batch


def batch_items(*, actor: Any, batch: PaymentBatch) -> QuerySet[PaymentBatchItem]:
    require(actor, "payments.view")
    return batch.items.select_related(
        "request", "request__payee_employee", "request__payee_counterparty"
    ).order_by("pk")
