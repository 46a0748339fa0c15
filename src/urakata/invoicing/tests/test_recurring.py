"""Recurring invoices (monthly, catching up, once each) and dunning reminders (logged, weekly)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail

from urakata.core.audit import AuditEvent
from urakata.core.errors import ValidationFailed
from urakata.core.permissions import SYSTEM
from urakata.invoicing.models import Invoice
from urakata.invoicing.recurring import dunning_send, recurring_create, recurring_run
from urakata.invoicing.tests.factories import company, customer, issued

pytestmark = pytest.mark.django_db


def test_monthly_invoices_are_issued_once_each() -> None:
    company()
    cp = customer()
    template = recurring_create(
        actor=SYSTEM,
        data={
            "counterparty_id": cp.pk,
            "next_date": dt.date(2026, 1, 25),
            "lines": [{"description": "保守 月額", "unit_price": 55000, "tax_category": "S"}],
        },
    )
    first = recurring_run(actor=SYSTEM, today=dt.date(2026, 3, 26))
    assert [i.issue_date for i in first] == [
        dt.date(2026, 1, 25),
        dt.date(2026, 2, 25),
        dt.date(2026, 3, 25),
    ]
    assert all(i.status == Invoice.Status.ISSUED and i.total == 60500 for i in first)
    assert first[1].period_start == dt.date(2026, 2, 1) and first[1].due_date == dt.date(
        2026, 3, 27
    )
    template.refresh_from_db()
    assert template.next_date == dt.date(2026, 4, 25) and template.last_invoice == first[-1]
    assert recurring_run(actor=SYSTEM, today=dt.date(2026, 3, 31)) == []


def test_recurring_input_is_checked() -> None:
    with pytest.raises(ValidationFailed) as caught:
        recurring_create(actor=SYSTEM, data={"next_date": dt.date(2026, 1, 31), "lines": []})
    assert {"counterparty_id", "next_date", "lines"} <= set(caught.value.errors)


def test_dunning_reminds_overdue_invoices_weekly() -> None:
    overdue = issued(day=dt.date(2026, 4, 1))  # due 2026-05-01
    issued(day=dt.date(2026, 6, 1))  # not yet due
    reminded = dunning_send(actor=SYSTEM, today=dt.date(2026, 6, 10))
    assert reminded == [overdue]
    assert len(mail.outbox) == 1 and overdue.number in mail.outbox[0].subject
    assert mail.outbox[0].to == ["billing@yamada.example"]
    assert AuditEvent.objects.filter(action="invoicing.invoice.remind").count() == 1
    assert dunning_send(actor=SYSTEM, today=dt.date(2026, 6, 11)) == []
