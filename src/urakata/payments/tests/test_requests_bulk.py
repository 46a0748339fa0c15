"""The bulk payment request contract: same validation and idempotency, one audit event."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urakata.core.errors import PermissionDenied, ValidationFailed
from urakata.core.models import AuditEvent
from urakata.core.permissions import SYSTEM
from urakata.org.tests.factories import CounterpartyFactory, EmployeeFactory
from urakata.payments.bulk import payment_requests_add_bulk
from urakata.payments.models import PaymentRequest
from urakata.payments.services import payment_request_add

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 12, 25)


def _item(source_id: int, payee: int, amount: int, **extra: Any) -> dict[str, Any]:
    return {
        "source_id": source_id,
        "payee_employee_id": payee,
        "amount": amount,
        "due_date": DUE,
        "description": f" 給与 {source_id} ",
        "kind": "salary",
        "liability_account_code": "3160",
        **extra,
    }


def _bulk_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action="payments.request.add_bulk").order_by("seq"))


def test_bulk_creates_then_updates_idempotently_with_one_event_per_call() -> None:
    a, b, c = EmployeeFactory(), EmployeeFactory(), EmployeeFactory()
    before = AuditEvent.objects.count()
    counts = payment_requests_add_bulk(
        actor=SYSTEM,
        source="payroll",
        items=[_item(1, a.pk, 250_000), _item(2, b.pk, 300_000), _item(3, c.pk, 1)],
    )
    assert counts == {"created": 3, "updated": 0, "unchanged": 0}
    assert AuditEvent.objects.count() == before + 1
    (event,) = _bulk_events()
    assert event.changes["count"] == 3
    assert event.changes["created"] == 3
    assert event.changes["amount"] == 550_001
    first = PaymentRequest.objects.get(source="payroll", source_id=1)
    assert (first.payee_employee_id, first.amount, first.description) == (a.pk, 250_000, "給与 1")
    assert first.kind == "salary"

    # Again: 1 changed, 2 the same, 3 batched (left alone), 3 cancelled → reopened in a 2nd case.
    PaymentRequest.objects.filter(source_id=3).update(status=PaymentRequest.Status.BATCHED)
    counts = payment_requests_add_bulk(
        actor=SYSTEM,
        source="payroll",
        items=[_item(1, a.pk, 260_000), _item(2, b.pk, 300_000), _item(3, c.pk, 9)],
    )
    assert counts == {"created": 0, "updated": 1, "unchanged": 2}
    assert PaymentRequest.objects.count() == 3
    assert PaymentRequest.objects.get(source_id=1).amount == 260_000
    assert PaymentRequest.objects.get(source_id=3).amount == 1
    assert len(_bulk_events()) == 2


def test_bulk_reopens_a_cancelled_request_and_matches_the_single_contract() -> None:
    employee = EmployeeFactory()
    single = payment_request_add(
        **{"actor": SYSTEM, "source": "payroll", **_item(5, employee.pk, 10)}
    )
    PaymentRequest.objects.filter(pk=single.pk).update(status=PaymentRequest.Status.CANCELLED)
    counts = payment_requests_add_bulk(
        actor=SYSTEM, source="payroll", items=[_item(5, employee.pk, 10)]
    )
    assert counts["updated"] == 1
    single.refresh_from_db()
    assert single.status == PaymentRequest.Status.OPEN
    assert PaymentRequest.objects.filter(source="payroll", source_id=5).count() == 1


def test_bulk_is_all_or_nothing_with_errors_per_item() -> None:
    employee = EmployeeFactory()
    counterparty = CounterpartyFactory()
    with pytest.raises(ValidationFailed) as caught:
        payment_requests_add_bulk(
            actor=SYSTEM,
            source="payroll",
            items=[
                _item(1, employee.pk, 1_000),
                _item(2, 999_999, 1_000),
                _item(3, employee.pk, 0),
                _item(3, employee.pk, 5, liability_account_code="0000"),
                _item(4, employee.pk, 5, payee_counterparty_id=counterparty.pk),
            ],
        )
    errors = caught.value.errors
    assert set(errors) == {
        "items.1.payee",
        "items.2.amount",
        "items.3.source_id",
        "items.3.liability_account_code",
        "items.4.payee",
    }
    assert PaymentRequest.objects.count() == 0
    assert _bulk_events() == []
    with pytest.raises(ValidationFailed) as caught:
        payment_requests_add_bulk(actor=SYSTEM, source="nowhere", items=[_item(1, employee.pk, 1)])
    assert "items.0.source" in caught.value.errors


def test_bulk_refuses_no_actor() -> None:
    employee = EmployeeFactory()
    with pytest.raises(PermissionDenied):
        payment_requests_add_bulk(actor=None, source="payroll", items=[_item(1, employee.pk, 1)])
    assert PaymentRequest.objects.count() == 0


def test_bulk_with_no_items_records_nothing() -> None:
    assert payment_requests_add_bulk(actor=SYSTEM, source="payroll", items=[]) == {
        "created": 0,
        "updated": 0,
        "unchanged": 0,
    }
    assert _bulk_events() == []
