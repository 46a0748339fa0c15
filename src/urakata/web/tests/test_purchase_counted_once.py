"""A capitalised purchase is counted once across facilities and invoicing (issue #16 §5).

Order → goods receipt (facilities posts 固定資産 + 仮払消費税等 / 未払金) → the vendor's invoice
recorded in invoicing (three-way match) → approval (books only the difference) → payment
(payments clears 未払金). Ledger balances are checked against hand-computed figures.
This test lives in `web` because it drives three sibling domains at once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Sum

from urakata.core.roles import Role
from urakata.facilities import matching, supplies
from urakata.facilities.models import PurchaseOrder, ReceiptBooking, SupplyItem
from urakata.facilities.tests import factories
from urakata.invoicing.models import ReceivedInvoice
from urakata.invoicing.received import received_approve, received_create
from urakata.ledger.models import JournalEntry, JournalLine
from urakata.payments import batches, settle
from urakata.payments.tests.factories import CompanyBankAccountFactory, counterparty_with_account
from urakata.workflow import services as workflow_services
from urakata.workflow.models import ApprovalRequest

pytestmark = pytest.mark.django_db

RECEIVED_ON = dt.date(2026, 11, 5)
PAY_DAY = dt.date(2026, 12, 10)  # a Thursday
ASSET, INPUT_TAX, PAYABLE, EXPENSE, BANK = "2160", "1570", "3150", "7290", "1140"


def _balance(code: str) -> int:
    """Debit − credit of one account over every posted line."""
    sums = JournalLine.objects.filter(account__code=code).aggregate(d=Sum("debit"), c=Sum("credit"))
    return (sums["d"] or 0) - (sums["c"] or 0)


@pytest.fixture
def people(make_user: Any) -> dict[str, Any]:
    return {
        "staff": make_user(Role.GENERAL_AFFAIRS),
        "accountant": make_user(Role.ACCOUNTING),
        "checker": make_user(Role.ACCOUNTING),
    }


@pytest.fixture
def vendor() -> Any:
    counterparty = counterparty_with_account()
    counterparty.name = "サーバー商事"
    counterparty.registration_number = "T7123456789012"
    counterparty.save()
    return counterparty


def _order_and_receive(staff: Any, vendor: Any) -> Any:
    """One server (capitalised, 300,000) and 10 reams of paper (expense, 450 each), both 10 %."""
    server = factories.item(
        actor=staff,
        code="SRV-1",
        name="ファイルサーバー",
        unit_price=300_000,
        vendor_id=vendor.pk,
        asset_category="equipment",
        asset_life=5,
    )
    paper = SupplyItem.objects.filter(code="A4-500").first() or factories.item(actor=staff)
    order = supplies.purchase_order_create(
        actor=staff,
        vendor_id=vendor.pk,
        lines=[
            {"item_id": server.pk, "quantity": "1"},
            {"item_id": paper.pk, "quantity": "10"},
        ],
        ordered_on=dt.date(2026, 11, 1),
    )
    supplies.order_receive(
        actor=staff,
        order_id=order.pk,
        quantities={line.pk: str(line.quantity) for line in order.lines.all()},
        received_on=RECEIVED_ON,
    )
    return order


def _invoice(actor: Any, vendor: Any, order: Any, taxable: int, tax: int) -> ReceivedInvoice:
    return received_create(
        actor=actor,
        data={
            "issuer_name": vendor.name,
            "registration_number": vendor.registration_number,
            "counterparty": vendor,
            "number": "S-2026-118",
            "issue_date": dt.date(2026, 11, 30),
            "due_date": PAY_DAY,
            "description": f"ご注文 {order.number}",
            "taxable_10": taxable,
            "tax_10": tax,
        },
    )


def _pay(people: dict[str, Any]) -> None:
    CompanyBankAccountFactory(fee_same_bank=0, fee_other_bank=0)
    batch, _skipped = batches.batch_create(actor=people["accountant"], transfer_date=PAY_DAY)
    batches.batch_submit(actor=people["accountant"], batch_id=batch.pk)
    approval = ApprovalRequest.objects.get(
        subject_type="payments.paymentbatch", subject_id=batch.pk
    )
    workflow_services.request_approve(actor=people["checker"], request_id=approval.pk)
    settle.batch_file(actor=people["accountant"], batch_id=batch.pk)
    settle.batch_mark_paid(actor=people["accountant"], batch_id=batch.pk, paid_on=PAY_DAY)


def test_order_receipt_invoice_approval_payment_books_the_purchase_once(
    people: dict[str, Any], vendor: Any
) -> None:
    order = _order_and_receive(people["staff"], vendor)
    # receipt: 固定資産 300,000 + 仮払消費税等 30,000 / 未払金 330,000 (paper is not booked yet)
    assert (_balance(ASSET), _balance(INPUT_TAX), _balance(PAYABLE)) == (300_000, 30_000, -330_000)
    # the invoice: 304,500 net (300,000 + 4,500), tax 30,450 (floor 10 % once), 334,950
    received = _invoice(people["accountant"], vendor, order, 304_500, 30_450)
    assert [s.status for s in matching.order_matches(order)] == ["matched"]
    received = received_approve(actor=people["accountant"], received=received)
    assert received.status == ReceivedInvoice.Status.SCHEDULED
    # only the difference: 消耗品 4,500 + 仮払消費税等 450 / 未払金 4,950
    entry_lines = sorted(
        (x.account.code, x.debit, x.credit) for x in received.journal_entry.lines.all()
    )
    assert entry_lines == [(INPUT_TAX, 450, 0), (PAYABLE, 0, 4_950), (EXPENSE, 4_500, 0)]
    assert _balance(ASSET) == 300_000  # not 604,500: the server is not expensed again
    assert _balance(EXPENSE) == 4_500
    assert _balance(INPUT_TAX) == 30_450
    assert _balance(PAYABLE) == -334_950  # exactly what the vendor asked for
    assert ReceiptBooking.objects.get(order=order).claimed_by == received.pk
    _pay(people)
    received.refresh_from_db()
    assert received.status == ReceivedInvoice.Status.PAID
    assert _balance(PAYABLE) == 0
    assert _balance(BANK) == -334_950
    assert (_balance(ASSET), _balance(EXPENSE), _balance(INPUT_TAX)) == (300_000, 4_500, 30_450)


def test_invoice_equal_to_the_receipt_links_the_receipt_entry(
    people: dict[str, Any], vendor: Any
) -> None:
    staff = people["staff"]
    server = factories.item(
        actor=staff,
        code="SRV-2",
        name="ラックサーバー",
        unit_price=480_000,
        vendor_id=vendor.pk,
        asset_category="equipment",
        asset_life=5,
    )
    order = supplies.purchase_order_create(
        actor=staff, vendor_id=vendor.pk, lines=[{"item_id": server.pk, "quantity": "1"}]
    )
    supplies.order_receive(
        actor=staff,
        order_id=order.pk,
        quantities={order.lines.get().pk: "1"},
        received_on=RECEIVED_ON,
    )
    entries = JournalEntry.objects.count()
    received = _invoice(people["accountant"], vendor, order, 480_000, 48_000)
    received = received_approve(actor=people["accountant"], received=received)
    assert JournalEntry.objects.count() == entries  # nothing booked twice
    assert received.journal_entry.source == "asset"
    assert received.status == ReceivedInvoice.Status.SCHEDULED  # still paid through payments
    assert (_balance(ASSET), _balance(INPUT_TAX), _balance(PAYABLE)) == (480_000, 48_000, -528_000)
    _pay(people)
    assert (_balance(PAYABLE), _balance(BANK), _balance(EXPENSE)) == (0, -528_000, 0)


@pytest.mark.parametrize(
    ("taxable", "tax", "expense", "payable"),
    [
        (310_000, 31_000, 10_000, -341_000),  # invoiced 10,000 above the order: the difference
        (290_000, 29_000, -10_000, -319_000),  # a discount on the invoice: credited back
    ],
)
def test_a_price_difference_books_only_the_difference(
    people: dict[str, Any], vendor: Any, taxable: int, tax: int, expense: int, payable: int
) -> None:
    staff = people["staff"]
    server = factories.item(
        actor=staff,
        code="SRV-3",
        name="NAS",
        unit_price=300_000,
        vendor_id=vendor.pk,
        asset_category="equipment",
        asset_life=5,
    )
    order = supplies.purchase_order_create(
        actor=staff, vendor_id=vendor.pk, lines=[{"item_id": server.pk, "quantity": "1"}]
    )
    supplies.order_receive(
        actor=staff,
        order_id=order.pk,
        quantities={order.lines.get().pk: "1"},
        received_on=RECEIVED_ON,
    )
    received = _invoice(people["accountant"], vendor, order, taxable, tax)
    assert [s.status for s in matching.order_matches(order)] == ["price_difference"]
    received_approve(actor=people["accountant"], received=received)
    assert _balance(ASSET) == 300_000
    assert _balance(EXPENSE) == expense
    assert _balance(INPUT_TAX) == tax
    assert _balance(PAYABLE) == payable
    _pay(people)
    assert _balance(PAYABLE) == 0 and _balance(BANK) == payable


def test_an_invoice_without_an_order_books_in_full(people: dict[str, Any], vendor: Any) -> None:
    received = received_create(
        actor=people["accountant"],
        data={
            "issuer_name": vendor.name,
            "registration_number": vendor.registration_number,
            "counterparty": vendor,
            "number": "S-1",
            "issue_date": dt.date(2026, 11, 30),
            "taxable_10": 12_000,
            "tax_10": 1_200,
        },
    )
    received_approve(actor=people["accountant"], received=received)
    assert (_balance(EXPENSE), _balance(INPUT_TAX), _balance(PAYABLE)) == (12_000, 1_200, -13_200)


def test_demo_server_order_has_its_invoice_matched_and_booked_once() -> None:
    """The facilities demo's capitalised server: the vendor's invoice (recorded by invoicing
    through the hook `facilities.demo_order_received`) matches it (一致) and books nothing more."""
    import random

    from urakata.core.permissions import SYSTEM
    from urakata.facilities import demo as facilities_demo
    from urakata.org import demo as org_demo

    today = dt.date(2026, 11, 24)
    org_demo.seed(actor=None, today=today, rng=random.Random(1))
    vendor = counterparty_with_account()
    facilities_demo._capitalised_order(SYSTEM, vendor, today)
    order = PurchaseOrder.objects.get(vendor=vendor)
    assert [(s.status, s.label) for s in matching.order_matches(order)] == [("matched", "一致")]
    received = ReceivedInvoice.objects.get(counterparty=vendor)
    assert received.status in ("approved", "scheduled")
    assert received.journal_entry is not None and received.journal_entry.source == "asset"
    assert ReceiptBooking.objects.get(order=order).claimed_by == received.pk
    # 480,000 + 48,000 owed once: the receipt's 未払金, not doubled by the invoice
    assert _balance(PAYABLE) == -528_000 and _balance(ASSET) == 480_000
