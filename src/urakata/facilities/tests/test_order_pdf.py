"""発注書: the PDF parsed back (vendor 御中, lines, tax once per rate, totals), e-mailed to the
vendor and filed in the document store as 注文書."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from pypdf import PdfReader

from urakata.core.errors import ValidationFailed
from urakata.core.models import AuditEvent
from urakata.core.roles import Role
from urakata.documents.models import Document
from urakata.facilities import order_send, supplies
from urakata.facilities.order_pdf import order_tax
from urakata.facilities.tests import factories
from urakata.org.models import Counterparty

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.fixture
def staff(make_user: Any) -> Any:
    return make_user(Role.GENERAL_AFFAIRS)


@pytest.fixture
def order(staff: Any) -> Any:
    vendor = Counterparty.objects.create(
        code="V-PO", name="文具商事株式会社", is_supplier=True, email="order@bungu.example"
    )
    paper = factories.item(actor=staff, vendor_id=vendor.pk)  # 450 円, 10 %
    tea = factories.item(
        actor=staff,
        code="TEA",
        name="緑茶 ペットボトル",
        unit="本",
        unit_price=135,
        tax_rate=Decimal("0.08"),
    )
    return supplies.purchase_order_create(
        actor=staff,
        vendor_id=vendor.pk,
        lines=[
            {"item_id": paper.pk, "quantity": "3"},
            {"item_id": tea.pk, "quantity": "1"},
            {"item_id": tea.pk, "quantity": "1"},
        ],
        delivery_address="東京都千代田区1-1 総務部",
        ordered_on=dt.date(2026, 12, 1),
        due_on=dt.date(2026, 12, 10),
    )


def test_tax_is_rounded_once_per_rate(order: Any) -> None:
    rates = order_tax(list(order.lines.all()))
    # 10 %: 1,350 × 0.10 = 135. 8 %: (135 + 135) × 0.08 = 21.6 → 21 (per line it would be 10 + 10).
    assert [(r.label, r.net, r.tax) for r in rates] == [("10%", 1_350, 135), ("8%", 270, 21)]


def test_the_pdf_reads_back(staff: Any, order: Any) -> None:
    _order, pdf = order_send.order_pdf_get(actor=staff, order_id=order.pk)
    text = _text(pdf)
    for expected in (
        "発注書",
        "文具商事株式会社 御中",
        order.number,
        "2026年12月01日",
        "2026年12月10日",
        "東京都千代田区1-1 総務部",
        "コピー用紙 A4 500枚",
        "緑茶 ペットボトル",
        "10%対象(税抜)\n¥1,350",
        "消費税(10%)\n¥135",
        "8%対象(税抜)\n¥270",
        "消費税(8%)\n¥21",
        "合計(税込)\n¥1,776",
    ):
        assert expected in text, expected
    embedded = [
        str(font.get_object()["/BaseFont"])
        for page in PdfReader(io.BytesIO(pdf)).pages
        for font in page["/Resources"]["/Font"].values()
        if "/FontFile2" in font.get_object().get("/FontDescriptor", {})
    ]
    assert embedded, "the Japanese font is embedded (IPAex subset)"


def test_send_mails_the_vendor_and_files_the_order(
    staff: Any, order: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        sent = order_send.purchase_order_send(actor=staff, order_id=order.pk)
    assert sent.sent_to == "order@bungu.example" and sent.sent_at is not None
    message = mail.outbox[-1]
    assert message.to == ["order@bungu.example"] and order.number in message.subject
    name, content, kind = message.attachments[0]
    assert (name, kind) == (f"{order.number}.pdf", "application/pdf")
    assert "文具商事株式会社 御中" in _text(content)
    document = Document.objects.get(pk=sent.document_id)
    assert (document.doc_type, document.amount, document.counterparty_id) == (
        "purchase_order",
        1_776,
        order.vendor_id,
    )
    assert AuditEvent.objects.filter(action="facilities.order.send").count() == 1


def test_send_without_an_address_is_refused(staff: Any, order: Any) -> None:
    Counterparty.objects.filter(pk=order.vendor_id).update(email="")
    with pytest.raises(ValidationFailed) as error:
        order_send.purchase_order_send(actor=staff, order_id=order.pk)
    assert "email" in error.value.errors
    order.refresh_from_db()
    assert order.sent_at is None and order.document_id is None
    assert not Document.objects.exists() and not mail.outbox


def test_pages_and_api(client_for: Any, order: Any) -> None:
    client = client_for(Role.GENERAL_AFFAIRS)
    pdf = client.get(f"/facilities/orders/{order.pk}/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert client.get(f"/api/v1/facilities/orders/{order.pk}/pdf").content[:5] == b"%PDF-"
    sent = client.post(
        f"/api/v1/facilities/orders/{order.pk}/send",
        {"email": "buyer@bungu.example"},
        content_type="application/json",
    )
    assert sent.status_code == 200 and sent.json()["sent_to"] == "buyer@bungu.example"
    page = client.post(f"/facilities/orders/{order.pk}/send/", {"email": "not-an-address"})
    assert page.status_code == 302
    assert client_for(Role.EMPLOYEE).get(f"/facilities/orders/{order.pk}/pdf/").status_code == 403
