"""Catalogue, purchase orders, partial receipts into stock, low stock, loans."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from urakata.core.errors import Conflict, ValidationFailed
from urakata.core.roles import Role
from urakata.facilities import supplies
from urakata.facilities.models import GoodsReceipt, PurchaseOrder, SupplyItem
from urakata.facilities.tests import factories
from urakata.org.models import Counterparty

pytestmark = pytest.mark.django_db


@pytest.fixture
def vendor() -> Counterparty:
    return Counterparty.objects.create(code="V001", name="文具商事", is_supplier=True)


def test_order_partial_receipts_and_stock(make_user: Any, vendor: Counterparty) -> None:
    staff = make_user(Role.GENERAL_AFFAIRS)
    paper = factories.item(actor=staff, vendor_id=vendor.pk, stock=Decimal("5"))
    assert [i.pk for i in supplies.item_list(actor=staff, low_stock=True)] == [paper.pk]
    order = supplies.purchase_order_create(
        actor=staff,
        vendor_id=vendor.pk,
        lines=[{"item_id": paper.pk, "quantity": "30"}],
        ordered_on=dt.date(2026, 12, 1),
    )
    assert order.number == "PO-202612-0001" and order.total == 13_500
    line = order.lines.get()
    supplies.order_receive(actor=staff, order_id=order.pk, quantities={line.pk: "10"})
    order.refresh_from_db()
    paper.refresh_from_db()
    assert order.status == PurchaseOrder.Status.PARTIAL and paper.stock == Decimal("15")
    with pytest.raises(ValidationFailed, match="入荷を記録できません") as failed:
        supplies.order_receive(actor=staff, order_id=order.pk, quantities={line.pk: "21"})
    assert f"lines.{line.pk}.quantity" in failed.value.errors
    paper.refresh_from_db()
    assert paper.stock == Decimal("15") and GoodsReceipt.objects.count() == 1
    supplies.order_receive(actor=staff, order_id=order.pk, quantities={line.pk: "20"})
    order.refresh_from_db()
    assert order.status == PurchaseOrder.Status.RECEIVED
    assert not supplies.item_list(actor=staff, low_stock=True).exists()
    with pytest.raises(Conflict):
        supplies.order_receive(actor=staff, order_id=order.pk, quantities={line.pk: "1"})


def test_bad_orders_are_refused(make_user: Any, vendor: Counterparty) -> None:
    staff = make_user(Role.GENERAL_AFFAIRS)
    with pytest.raises(ValidationFailed) as failed:
        supplies.purchase_order_create(
            actor=staff, vendor_id=999_999, lines=[{"item_id": 12345, "quantity": "-1"}]
        )
    assert {"vendor_id", "lines.0.item_id", "lines.0.quantity"} <= set(failed.value.errors)
    assert not PurchaseOrder.objects.exists()


def test_duplicate_item_code_is_refused(make_user: Any) -> None:
    staff = make_user(Role.GENERAL_AFFAIRS)
    factories.item(actor=staff)
    with pytest.raises(ValidationFailed) as failed:
        factories.item(actor=staff)
    assert "code" in failed.value.errors
    assert SupplyItem.objects.count() == 1


def test_loans_listed_for_leavers_until_returned(make_user: Any) -> None:
    staff = make_user(Role.GENERAL_AFFAIRS)
    leaver = make_user(Role.EMPLOYEE).employee
    leaver.retire_date = dt.date(2026, 12, 31)
    leaver.save(update_fields=["retire_date"])
    loan = supplies.loan_create(
        actor=staff, employee_id=leaver.pk, kind="pc", name="ノートPC", serial_number="SN-1"
    )
    with pytest.raises(ValidationFailed):
        supplies.loan_create(
            actor=staff, employee_id=leaver.pk, kind="pc", name="ノートPC", serial_number="SN-1"
        )
    assert [x.pk for x in supplies.loans_open(actor=staff, leaving_only=True)] == [loan.pk]
    supplies.loan_return(actor=staff, loan_id=loan.pk)
    assert not supplies.loans_open(actor=staff, leaving_only=True).exists()


def test_capitalised_items_become_assets_on_receipt(make_user: Any, vendor: Counterparty) -> None:
    from urakata.facilities.models import FixedAsset

    staff = make_user(Role.GENERAL_AFFAIRS)
    laptop = factories.item(
        actor=staff,
        code="PC-15",
        name="ノートPC",
        unit_price=240_000,
        vendor_id=vendor.pk,
        stock=Decimal(0),
        reorder_point=Decimal(0),
        asset_category="equipment",
        asset_life=4,
    )
    assert not laptop.consumable
    order = supplies.purchase_order_create(
        actor=staff, vendor_id=vendor.pk, lines=[{"item_id": laptop.pk, "quantity": "3"}]
    )
    line = order.lines.get()
    with pytest.raises(ValidationFailed):
        supplies.order_receive(actor=staff, order_id=order.pk, quantities={line.pk: "1.5"})
    assert not FixedAsset.objects.exists()
    supplies.order_receive(
        actor=staff,
        order_id=order.pk,
        quantities={line.pk: "2"},
        received_on=dt.date(2026, 11, 5),
    )
    registered = list(FixedAsset.objects.order_by("number"))
    assert [(a.name, a.cost, a.life, a.method) for a in registered] == [
        ("ノートPC", 240_000, 4, "declining")
    ] * 2
    laptop.refresh_from_db()
    assert laptop.stock == Decimal(0)  # equipment is not stock


def test_receipt_posts_the_acquisition_with_input_tax(make_user: Any) -> None:
    """Two PCs at 240,000 (10 %) and a 8 % line that is not capitalised: 固定資産 480,000,
    仮払消費税等 48,000 (floor once per rate), 未払金 528,000 to the vendor."""
    from urakata.facilities.models import FixedAsset
    from urakata.ledger.models import JournalEntry

    staff = make_user(Role.GENERAL_AFFAIRS)
    vendor = Counterparty.objects.create(
        code="V-REG", name="登録事業者商事", is_supplier=True, registration_number="T1234567890123"
    )
    laptop = factories.item(
        actor=staff,
        code="PC-14",
        name="ノートPC",
        unit_price=240_000,
        vendor_id=vendor.pk,
        asset_category="equipment",
        asset_life=4,
    )
    order = supplies.purchase_order_create(
        actor=staff, vendor_id=vendor.pk, lines=[{"item_id": laptop.pk, "quantity": "2"}]
    )
    supplies.order_receive(
        actor=staff,
        order_id=order.pk,
        quantities={order.lines.get().pk: "2"},
        received_on=dt.date(2026, 11, 5),
    )
    assets = list(FixedAsset.objects.order_by("number"))
    assert len({a.acquisition_entry_id for a in assets}) == 1
    entry = JournalEntry.objects.get(pk=assets[0].acquisition_entry_id)
    assert entry.date == dt.date(2026, 11, 5) and entry.source == "asset"
    lines = sorted((x.account.code, x.debit, x.credit) for x in entry.lines.all())
    assert lines == [("1570", 48_000, 0), ("2160", 480_000, 0), ("3150", 0, 528_000)]
    assert entry.lines.get(account__code="3150").counterparty_id == vendor.pk
