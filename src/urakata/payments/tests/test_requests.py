"""The payment request contract: add (idempotent), cancel, validation, audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urakata.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from urakata.core.models import AuditEvent
from urakata.core.permissions import SYSTEM
from urakata.org.tests.factories import CounterpartyFactory, EmployeeFactory
from urakata.payments.models import PaymentRequest
from urakata.payments.services import payment_request_add, payment_request_cancel

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 12, 10)


def _add(**kwargs: Any) -> PaymentRequest:
    values: dict[str, Any] = {
        "actor": SYSTEM,
        "source": "payments",
        "source_id": 7,
        "amount": 5_500,
        "due_date": DUE,
        "description": "立替経費 12月",
        "liability_account_code": "3150",
    }
    values.update(kwargs)
    if "payee_counterparty_id" not in values:
        values.setdefault("payee_employee_id", EmployeeFactory().pk)
    return payment_request_add(**values)


def test_add_is_idempotent_and_updates_while_open() -> None:
    employee = EmployeeFactory()
    first = _add(payee_employee_id=employee.pk)
    again = _add(payee_employee_id=employee.pk, amount=6_600)
    assert again.pk == first.pk
    assert PaymentRequest.objects.count() == 1
    again.refresh_from_db()
    assert again.amount == 6_600
    actions = list(
        AuditEvent.objects.filter(target_id=str(first.pk), action__startswith="payments.request")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["payments.request.add", "payments.request.update"]


def test_batched_request_is_returned_unchanged() -> None:
    request = _add()
    PaymentRequest.objects.filter(pk=request.pk).update(status=PaymentRequest.Status.BATCHED)
    again = _add(payee_employee_id=request.payee_employee_id, amount=1)
    assert again.amount == 5_500


def test_counterparty_payee_and_kinds() -> None:
    counterparty = CounterpartyFactory()
    request = _add(payee_counterparty_id=counterparty.pk, kind="salary", source_id=9)
    assert request.payee == counterparty
    assert request.kind == "salary"


def test_every_problem_is_reported() -> None:
    with pytest.raises(ValidationFailed) as error:
        payment_request_add(
            actor=SYSTEM,
            source="nowhere",
            source_id=0,
            amount=0,
            due_date="2026-12-10",  # type: ignore[arg-type]
            description=" ",
            kind="cash",
            liability_account_code="9999",
        )
    assert set(error.value.errors) == {
        "source",
        "source_id",
        "payee",
        "amount",
        "due_date",
        "description",
        "kind",
        "liability_account_code",
    }
    assert PaymentRequest.objects.count() == 0


def test_actor_none_is_refused() -> None:
    with pytest.raises(PermissionDenied):
        _add(actor=None)


def test_cancel_and_reopen() -> None:
    request = _add()
    cancelled = payment_request_cancel(actor=SYSTEM, source="payments", source_id=7)
    assert cancelled.status == PaymentRequest.Status.CANCELLED
    reopened = _add(payee_employee_id=request.payee_employee_id)
    assert reopened.status == PaymentRequest.Status.OPEN
    with pytest.raises(NotFound):
        payment_request_cancel(actor=SYSTEM, source="payments", source_id=8)


def test_paid_request_cannot_be_cancelled() -> None:
    request = _add()
    PaymentRequest.objects.filter(pk=request.pk).update(status=PaymentRequest.Status.PAID)
    with pytest.raises(Conflict):
        payment_request_cancel(actor=SYSTEM, source="payments", source_id=7)
