"""The demo invoices: a year of them with every kind of payment, verifiable books."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from urakata.core.audit import audit_verify
from urakata.core.permissions import SYSTEM
from urakata.invoicing import demo, reconcile, selectors
from urakata.invoicing.models import Invoice, InvoicePayment, ReceivedInvoice, RecurringInvoice
from urakata.ledger.integrity import ledger_verify
from urakata.org import demo as org_demo

pytestmark = pytest.mark.django_db


def test_demo_invoices_cover_the_cases() -> None:
    today = dt.date(2026, 11, 24)
    org_demo.seed(actor=None, today=today, rng=random.Random(1))
    demo.seed(actor=None, today=today, rng=random.Random(2))
    statuses = set(Invoice.objects.values_list("status", flat=True))
    assert {"paid", "partly_paid", "issued"} <= statuses
    assert Invoice.objects.filter(kind="credit_note", status="issued").count() == 1
    # a year of monthly invoices to five customers, and one 税込 invoice with 値引き and 送料
    assert Invoice.objects.filter(kind="invoice").count() == 12 * 5 + 1
    shop = Invoice.objects.get(prices_include_tax=True)
    assert shop.allowances.count() == 2 and shop.status == "issued"
    # 8%: 32,400 − 1,080 = 31,320 × 8/108 = 2,320; 10%: 5,500 + 1,100 = 6,600 × 10/110 = 600
    assert (shop.tax_total, shop.total) == (2920, 37920)
    assert RecurringInvoice.objects.filter(is_active=True).count() == 1
    assert RecurringInvoice.objects.filter(is_active=False).count() == 1
    assert InvoicePayment.objects.filter(fee__gt=0).exists()
    assert selectors.aging(actor=SYSTEM, today=today)["overdue"]
    assert reconcile.match_proposals(actor=SYSTEM)
    assert ReceivedInvoice.objects.filter(registration_ok=False).exists()
    # Approved; "scheduled" once payments took them into its payment requests.
    assert ReceivedInvoice.objects.filter(status__in=["approved", "scheduled"]).count() == 2
    assert ledger_verify() == []
    assert audit_verify().ok
