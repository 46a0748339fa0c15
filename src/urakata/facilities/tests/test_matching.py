"""Three-way match: invoicing reports received invoices through the hook; facilities ties them to
orders (order number, else a unique amount) and compares with what arrived."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils.module_loading import import_string

from urakata.core.domains import hook_targets
from urakata.core.models import AuditEvent
from urakata.core.roles import Role
from urakata.facilities import matching, supplies
from urakata.facilities.models import InvoiceMatch, SupplyItem
from urakata.facilities.tests import factories
from urakata.org.models import Counterparty

pytestmark = pytest.mark.django_db
DAY = dt.date(2026, 12, 1)


@pytest.fixture
def staff(make_user: Any) -> Any:
    return make_user(Role.GENERAL_AFFAIRS)


@pytest.fixture
def vendor() -> Counterparty:
    return Counterparty.objects.create(
        code="V-3W", name="三方商事", is_supplier=True, registration_number="T1234567890123"
    )


def _order(staff: Any, vendor: Counterparty, quantity: str = "10") -> Any:
    item = SupplyItem.objects.filter(code="A4-500").first() or factories.item(
        actor=staff, vendor_id=vendor.pk
    )
    return supplies.purchase_order_create(
        actor=staff,
        vendor_id=vendor.pk,
        lines=[{"item_id": item.pk, "quantity": quantity}],
        ordered_on=DAY,
    )  # 450 × 10 = 4,500


def _receive(staff: Any, order: Any, quantity: str) -> None:
    supplies.order_receive(
        actor=staff, order_id=order.pk, quantities={order.lines.get().pk: quantity}
    )


def _invoice(n: int, vendor: Counterparty, subtotal: int, **extra: Any) -> None:
    data = {
        "id": n,
        "counterparty_id": vendor.pk,
        "number": f"INV-{n}",
        "issue_date": DAY,
        "description": "",
        "subtotal": subtotal,
        "tax_total": subtotal // 10,
        "total": subtotal + subtotal // 10,
        "source_xml": "",
        **extra,
    }
    for hook in hook_targets("invoicing.received_invoice_recorded").values():
        hook(actor=None, received_invoice_data=data)


def _states(order: Any) -> list[tuple[str, int]]:
    return [(s.status, s.difference) for s in matching.order_matches(order)]


def test_match_by_order_number_and_statuses(staff: Any, vendor: Counterparty) -> None:
    order = _order(staff, vendor)
    _receive(staff, order, "6")  # 2,700 arrived
    _invoice(1, vendor, 2_700, description=f"ご注文 {order.number} 分")
    assert _states(order) == [("matched", 0)]
    _invoice(2, vendor, 2_800, number=f"{order.number}-B")
    assert _states(order)[1] == ("price_difference", 100)
    # JP PINT OrderReference (ibt-013), billed for the whole order while 6 of 10 arrived
    xml = f"<Invoice><cac:OrderReference><cbc:ID>{order.number}</cbc:ID></cac:OrderReference>"
    _invoice(3, vendor, 4_500, source_xml=xml)
    assert _states(order)[2] == ("quantity_difference", 1_800)
    assert InvoiceMatch.objects.filter(matched_by="order_number").count() == 3
    # the same invoice reported twice is matched once; another vendor's never
    _invoice(3, vendor, 4_500, source_xml=xml)
    other = Counterparty.objects.create(code="V-X", name="他社", is_supplier=True)
    _invoice(4, other, 2_700, description=order.number)
    assert InvoiceMatch.objects.count() == 3
    assert AuditEvent.objects.filter(action="facilities.order.invoice_match").count() == 3


def test_match_by_a_unique_amount(staff: Any, vendor: Counterparty) -> None:
    first = _order(staff, vendor)
    _invoice(10, vendor, 4_500)  # no order number: the one open 4,500 order
    assert _states(first) == [("not_received", 4_500)]
    _receive(staff, first, "10")
    assert _states(first) == [("matched", 0)]
    _order(staff, vendor)
    _order(staff, vendor)
    _invoice(11, vendor, 4_500)  # two open orders of 4,500: no guess
    assert InvoiceMatch.objects.count() == 1


def test_invoicing_reports_received_invoices(
    staff: Any, vendor: Counterparty, make_user: Any, client_for: Any
) -> None:
    order = _order(staff, vendor, "4")  # 1,800
    _receive(staff, order, "4")
    # invoicing's own service (a sibling domain: loaded by name, not imported)
    received_create = import_string("urakata.invoicing.received.received_create")
    received_create(
        actor=make_user(Role.ACCOUNTING),
        data={
            "issuer_name": vendor.name,
            "registration_number": vendor.registration_number,
            "counterparty": vendor,
            "issue_date": DAY,
            "description": f"{order.number} コピー用紙",
            "taxable_10": 1_800,
            "tax_10": 180,
        },
    )
    assert _states(order) == [("matched", 0)]
    page = client_for(Role.GENERAL_AFFAIRS).get(f"/facilities/orders/{order.pk}/")
    assert "一致" in page.content.decode()
    body = client_for(Role.GENERAL_AFFAIRS).get(f"/api/v1/facilities/orders/{order.pk}").json()
    assert body["invoice_matches"][0]["status"] == "matched"
    assert body["invoice_matches"][0]["total"] == 1_980
