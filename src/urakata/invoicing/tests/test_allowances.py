"""Document-level allowances (値引き) and charges (送料) per tax rate: in the per-rate totals
before the one rounding, on the PDF, in JP PINT (ibg-20/21 with category + rate, passing the
official rules) and in the journal."""

from __future__ import annotations

import io
from typing import Any

import pytest
from pypdf import PdfReader

from urakata.core.errors import ValidationFailed
from urakata.invoicing import delivery, pint_official
from urakata.invoicing.pint_read import pint_read, pint_validate
from urakata.invoicing.tests.factories import LINES, draft, issued
from urakata.ledger.models import JournalLine

pytestmark = pytest.mark.django_db

# factories.LINES: 10% 1,234 + 2,345 + 567 = 4,146; 8% 1,111 + 999 = 2,110.
# 10%: 4,146 − 500 (値引き) + 800 (送料) = 4,446 → × 0.1 = 444.6 → 444 (切捨て, once)
# 8%: 2,110 − 110 = 2,000 → × 0.08 = 160
ALLOWANCES: list[dict[str, Any]] = [
    {"reason": "出精値引き", "amount": 500, "tax_category": "S"},
    {"reason": "送料", "amount": 800, "tax_category": "S", "is_charge": True},
    {"reason": "まとめ買い値引き", "amount": 110, "tax_category": "AA"},
]


def test_totals_per_rate_include_allowances_before_rounding() -> None:
    invoice = issued(allowances=ALLOWANCES)
    blocks = [(b.tax_category, b.taxable, b.tax) for b in invoice.tax_totals.all()]
    assert blocks == [("S", 4446, 444), ("AA", 2000, 160)]
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (6446, 604, 7050)
    lines = JournalLine.objects.filter(entry=invoice.journal_entry)
    assert sum(x.debit for x in lines) == sum(x.credit for x in lines) == 7050


def test_pdf_shows_them() -> None:
    invoice = issued(allowances=ALLOWANCES)
    reader = PdfReader(io.BytesIO(delivery.pdf_bytes(invoice)))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "出精値引き" in text and "-500" in text and "送料" in text and "800" in text
    assert "まとめ買い値引き ※" in text and "-110" in text


def test_pint_carries_them_and_passes_the_official_rules() -> None:
    data = delivery.pint_bytes(issued(allowances=ALLOWANCES))
    assert data.count(b"<cac:AllowanceCharge>") == 3
    assert b'<cbc:AllowanceTotalAmount currencyID="JPY">610<' in data
    assert b'<cbc:ChargeTotalAmount currencyID="JPY">800<' in data
    assert pint_official.official_problems(data) == []
    result = pint_validate(data)
    assert result["valid"], result["errors"]
    doc, _e, _w = pint_read(data)
    assert doc is not None and int(doc.line_total) == 6256 and int(doc.tax_exclusive) == 6446


def test_inclusive_prices_with_allowances() -> None:
    lines = [{"description": "商品", "unit_price": 11000, "tax_category": "S"}]
    allowance = [{"reason": "値引き", "amount": 1100, "tax_category": "S"}]
    invoice = issued(lines=lines, allowances=allowance, prices_include_tax="1")
    # 税込 11,000 − 1,100 = 9,900 → 9,900 × 10/110 = 900 → 税抜 9,000
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (9000, 900, 9900)
    data = delivery.pint_bytes(invoice)
    assert pint_official.official_problems(data) == []
    assert pint_validate(data)["valid"]
    assert b'<cbc:Amount currencyID="JPY">1000<' in data  # the allowance, tax-exclusive


@pytest.mark.parametrize(
    "bad",
    [
        {"reason": "", "amount": 100},
        {"reason": "値引き", "amount": 0},
        {"reason": "値引き", "amount": 100, "tax_category": "X"},
        {"reason": "値引き", "amount": 10**7},  # more than the 10% lines: negative base
    ],
)
def test_bad_allowances_are_refused(bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed):
        draft(lines=LINES, allowances=[bad])


def test_the_invoice_form_takes_an_allowance_and_a_charge(client_for: Any) -> None:
    from urakata.core.roles import Role
    from urakata.invoicing.models import Invoice
    from urakata.invoicing.tests.factories import company, customer

    company()
    cp = customer()
    client = client_for(Role.ACCOUNTING)
    assert "allowance_amount" in client.get("/invoicing/invoices/new/").content.decode()
    response = client.post(
        "/invoicing/invoices/new/",
        {
            "kind": "invoice",
            "counterparty_id": str(cp.pk),
            "issue_date": "2026-05-15",
            "rounding": "floor",
            "description_0": "作業",
            "quantity_0": "1",
            "unit_price_0": "10000",
            "tax_category_0": "S",
            "allowance_reason": "値引き",
            "allowance_amount": "1,000",
            "allowance_tax_category": "S",
            "charge_reason": "送料",
            "charge_amount": "500",
            "charge_tax_category": "S",
        },
    )
    assert response.status_code == 302
    invoice = Invoice.objects.get()
    # 10,000 − 1,000 + 500 = 9,500 → tax 950
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (9500, 950, 10450)
    assert invoice.allowances.count() == 2
