"""Property tests (hypothesis): for any lines, the per-rate tax is the per-rate taxable total
rounded once, and the PDF, the JP PINT XML and the journal agree with it to the yen."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from urakata.core.permissions import SYSTEM
from urakata.invoicing import delivery, services
from urakata.invoicing.calc import RATES, line_amount, rate_totals
from urakata.invoicing.pdf import RATE_LABEL
from urakata.invoicing.pint_read import pint_read
from urakata.invoicing.tests.factories import company, customer
from urakata.ledger.models import JournalLine
from urakata.ledger.tax import round_yen

line_strategy = st.tuples(
    st.sampled_from(["S", "AA", "G", "E"]),
    st.decimals(min_value=Decimal("0.001"), max_value=Decimal("999"), places=3),
    st.integers(min_value=0, max_value=2_000_000),
)
ROUNDING = st.sampled_from(["floor", "half_up", "ceiling"])


@given(lines=st.lists(line_strategy, min_size=1, max_size=30), rounding=ROUNDING)
def test_tax_is_rounded_once_per_rate(lines: list[tuple[str, Decimal, int]], rounding: str) -> None:
    amounts = [(category, line_amount(qty, price)) for category, qty, price in lines]
    blocks = {b.category: b for b in rate_totals(amounts, rounding)}
    for category in {c for c, _a in amounts}:
        taxable = sum(a for c, a in amounts if c == category)
        exact = Decimal(taxable) * RATES[category]
        assert blocks[category].taxable == taxable
        # one rounding of the per-rate total, in the chosen direction, within one yen of exact
        assert blocks[category].tax == round_yen(exact, rounding)
        assert abs(Decimal(blocks[category].tax) - exact) < 1


def _flat_pdf_text(data: bytes) -> str:
    return "".join(
        "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split()
    )


@pytest.mark.django_db
@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    lines=st.lists(
        st.tuples(
            st.sampled_from(["S", "AA", "G", "E"]),
            st.decimals(min_value=Decimal("0.5"), max_value=Decimal("50"), places=1),
            st.integers(min_value=1, max_value=300_000),
        ),
        min_size=1,
        max_size=8,
    ),
    rounding=ROUNDING,
)
def test_pdf_xml_and_journal_agree(lines: list[tuple[str, Decimal, int]], rounding: str) -> None:
    company()
    invoice = services.invoice_create(
        actor=SYSTEM,
        data={
            "counterparty_id": customer().pk,
            "issue_date": dt.date(2026, 7, 1),
            "rounding": rounding,
            "lines": [
                {"description": f"品目{i}", "quantity": str(q), "unit_price": p, "tax_category": c}
                for i, (c, q, p) in enumerate(lines)
            ],
        },
    )
    invoice = services.invoice_issue(actor=SYSTEM, invoice=invoice)
    blocks = list(invoice.tax_totals.all())
    # XML
    doc, errors, _warnings = pint_read(delivery.pint_bytes(invoice))
    assert doc is not None and errors == []
    assert [(s.category, int(s.taxable), int(s.tax)) for s in doc.subtotals] == [
        (b.tax_category, b.taxable, b.tax) for b in blocks
    ]
    assert int(doc.payable) == invoice.total
    # PDF
    text = _flat_pdf_text(delivery.pdf_bytes(invoice))
    for b in blocks:
        assert f"{RATE_LABEL[b.tax_category]}¥{b.taxable:,}¥{b.tax:,}" in text
    assert f"¥{invoice.total:,}" in text
    # journal: 売掛金 = total, 仮受消費税等 = Σ per-rate tax, sales = Σ per-rate taxable
    sums: dict[str, int] = {}
    for line in JournalLine.objects.filter(entry=invoice.journal_entry).select_related("account"):
        sums[line.account.code] = sums.get(line.account.code, 0) + line.credit - line.debit
    assert -sums["1220"] == invoice.total
    assert sums.get("3240", 0) == sum(b.tax for b in blocks) == invoice.tax_total
    assert sums.get("5110", 0) + sums.get("5130", 0) == invoice.subtotal
