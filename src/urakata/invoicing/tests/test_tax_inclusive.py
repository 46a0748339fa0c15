"""Tax-inclusive (税込) invoices: tax per rate = Σ tax-inclusive amounts × r/(100+r), rounded once
(facts.md §1.4); the PDF shows the 税込 totals, the journal books 税抜 sales + the tax, and the
JP PINT export is tax-exclusive and passes our rules and the official ones."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from pypdf import PdfReader

from urakata.core.permissions import SYSTEM
from urakata.invoicing import delivery, pint_official, services
from urakata.invoicing.calc import rate_totals
from urakata.invoicing.pint_amounts import basis_shift, fits
from urakata.invoicing.pint_read import pint_read, pint_validate
from urakata.invoicing.tests.factories import issued
from urakata.ledger.models import JournalLine


def _line(desc: str, price: int, category: str, qty: str = "1") -> dict[str, Any]:
    return {"description": desc, "quantity": qty, "unit": "個", "unit_price": price,
            "tax_category": category}  # fmt: skip


# 10%: 1,100 + 2,200 + 567 = 3,867 税込 → 3,867 × 10/110 = 351.545… → 351 (切捨て), 税抜 3,516
# 8%: 1,080 + 999 = 2,079 税込 → 2,079 × 8/108 = 154.0 → 154, 税抜 1,925
LINES = [
    _line("コンサルティング", 1100, "S"),
    _line("保守", 2200, "S"),
    _line("資料", 567, "S"),
    _line("弁当", 1080, "AA"),
    _line("お茶", 999, "AA"),
]


def test_rate_totals_inclusive_hand_computed() -> None:
    pairs = [(x["tax_category"], x["unit_price"]) for x in LINES]
    blocks = rate_totals(pairs, "floor", inclusive=True)
    assert [(b.category, b.taxable, b.tax) for b in blocks] == [
        ("S", 3516, 351),
        ("AA", 1925, 154),
    ]
    # 四捨五入: 351.545… → 352; 切上げ likewise; 8% is exact (154) in every mode
    up = rate_totals(pairs, "half_up", inclusive=True)
    assert [(b.taxable, b.tax) for b in up] == [(3515, 352), (1925, 154)]
    # one rounding per rate, not per line: three ¥21 lines → 63 × 10/110 = 5.72… → 5
    # (rounding each line, 21 × 10/110 = 1.9 → 1, would give 3 — not allowed)
    three = rate_totals([("S", 21)] * 3, "floor", inclusive=True)
    assert (three[0].taxable, three[0].tax) == (58, 5)


def test_the_official_tax_check_and_the_shift() -> None:
    # ¥21 税込 at 10%, 切捨て: tax 1, taxable 20 → 20 × 0.1 = 2 exactly: outside [2, 2]
    assert not fits(1, 20, Decimal("0.10"))
    assert basis_shift(1, 20, Decimal("0.10")) == -1 and fits(1, 19, Decimal("0.10"))
    assert basis_shift(351, 3516, Decimal("0.10")) == 0


@pytest.mark.django_db
def test_inclusive_invoice_totals_pdf_journal_and_pint() -> None:
    invoice = issued(lines=LINES, prices_include_tax="1")
    assert invoice.prices_include_tax
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (5441, 505, 5946)
    assert invoice.total == sum(x["unit_price"] for x in LINES)

    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(delivery.pdf_bytes(invoice))).pages
    )
    assert "金額(税込)" in text and "内消費税額等" in text
    assert "¥3,867" in text and "¥351" in text and "¥2,079" in text and "¥154" in text

    entry_lines = JournalLine.objects.filter(entry=invoice.journal_entry)
    debit = sum(x.debit for x in entry_lines)
    credit = sum(x.credit for x in entry_lines)
    assert debit == credit == 5946  # 売掛金 5,946 = 売上 5,441 + 仮受消費税等 505

    data = delivery.pint_bytes(invoice)
    assert pint_official.official_problems(data) == []
    assert pint_validate(data)["valid"], pint_validate(data)["errors"]
    doc, _errors, _warnings = pint_read(data)
    assert doc is not None
    assert [(s.category, int(s.taxable), int(s.tax)) for s in doc.subtotals] == [
        ("S", 3516, 351),
        ("AA", 1925, 154),
    ]
    assert int(sum(line.net for line in doc.lines)) == 5441 and int(doc.payable) == 5946


@pytest.mark.django_db
@pytest.mark.parametrize("rounding", ["floor", "half_up", "ceiling"])
def test_edge_totals_pass_the_official_rules_with_a_declared_rounding(rounding: str) -> None:
    """¥21 at 10% and ¥26 at 8% (税込) sit on the edge of aligned-ibrp-051-jp."""
    invoice = issued(
        lines=[_line("A", 21, "S"), _line("B", 26, "AA")],
        prices_include_tax="1",
        rounding=rounding,
    )
    data = delivery.pint_bytes(invoice)
    assert pint_official.official_problems(data) == []
    result = pint_validate(data)
    assert result["valid"], result["errors"]
    doc, _e, _w = pint_read(data)
    assert doc is not None and int(doc.payable) == invoice.total == 47
    assert int(doc.tax_total) == invoice.tax_total


@pytest.mark.django_db
def test_credit_note_of_an_inclusive_invoice() -> None:
    invoice = issued(lines=LINES, prices_include_tax="1")
    note = services.credit_note_create(
        actor=SYSTEM,
        original=invoice,
        data={
            "issue_date": invoice.issue_date,
            "prices_include_tax": True,
            "lines": [_line("返品 弁当", 1080, "AA")],
        },
    )
    # 1,080 × 8/108 = 80 exactly → 税抜 1,000
    assert (note.subtotal, note.tax_total, note.total) == (1000, 80, 1080)
    note = services.invoice_issue(actor=SYSTEM, invoice=note)
    data = delivery.pint_bytes(note)
    assert pint_official.official_problems(data) == []
