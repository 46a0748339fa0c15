"""Sales invoices through the services: per-rate totals, numbering, issue journal, states."""

from __future__ import annotations

import datetime as dt

import pytest

from urakata.core.audit import AuditEvent
from urakata.core.errors import Conflict, PermissionDenied, ValidationFailed
from urakata.core.permissions import SYSTEM
from urakata.core.roles import Role
from urakata.invoicing import services
from urakata.invoicing.models import Invoice
from urakata.invoicing.tests.factories import company, customer, draft, issued
from urakata.ledger.models import JournalLine

pytestmark = pytest.mark.django_db


def test_worked_example_rounds_once_per_rate() -> None:
    """facts.md §1.4: 10% 4,146 → 414 and 8% 2,110 → 168 (per-line rounding would give 413/167)."""
    invoice = draft()
    blocks = {t.tax_category: (t.taxable, t.tax) for t in invoice.tax_totals.all()}
    assert blocks == {"S": (4146, 414), "AA": (2110, 168)}
    assert (invoice.subtotal, invoice.tax_total, invoice.total) == (6256, 582, 6838)


@pytest.mark.parametrize(
    ("rounding", "tax10", "tax8"),
    [("floor", 414, 168), ("half_up", 415, 169), ("ceiling", 415, 169)],
)
def test_rounding_is_configurable(rounding: str, tax10: int, tax8: int) -> None:
    invoice = draft(rounding=rounding)
    blocks = {t.tax_category: t.tax for t in invoice.tax_totals.all()}
    assert blocks == {"S": tax10, "AA": tax8}


def test_issue_numbers_and_posts_the_journal() -> None:
    invoice = issued()
    assert invoice.status == Invoice.Status.ISSUED
    assert invoice.number == "INV-2026-00001"
    lines = JournalLine.objects.filter(entry=invoice.journal_entry).select_related("account")
    by_account: dict[str, int] = {}
    for line in lines:
        by_account[line.account.code] = (
            by_account.get(line.account.code, 0) + line.debit - line.credit
        )
    assert by_account == {"1220": 6838, "5110": -6256, "3240": -582}
    second = issued()
    assert second.number == "INV-2026-00002"
    assert AuditEvent.objects.filter(action="invoicing.invoice.issue").count() == 2


def test_issued_invoice_is_frozen() -> None:
    invoice = issued()
    with pytest.raises(Conflict):
        services.invoice_update(
            actor=SYSTEM,
            invoice=invoice,
            data={
                "issue_date": dt.date(2026, 5, 1),
                "lines": [{"description": "x", "unit_price": 1}],
            },
        )
    with pytest.raises(Conflict):
        services.invoice_issue(actor=SYSTEM, invoice=invoice)


def test_bad_input_reports_every_problem_and_saves_nothing() -> None:
    company()
    cp = customer()
    with pytest.raises(ValidationFailed) as caught:
        services.invoice_create(
            actor=SYSTEM,
            data={
                "counterparty_id": cp.pk,
                "issue_date": "2026-13-01",
                "lines": [
                    {"description": "", "quantity": "-1", "unit_price": "abc", "tax_category": "X"},
                ],
            },
        )
    keys = set(caught.value.errors)
    assert {
        "issue_date",
        "lines.0.description",
        "lines.0.quantity",
        "lines.0.unit_price",
        "lines.0.tax_category",
    } <= keys
    assert not Invoice.objects.exists()


def test_issuer_needs_a_valid_registration_number() -> None:
    invoice = draft()
    company_row = company()
    company_row.registration_number = "T1234567890123"  # wrong check digit
    company_row.save()
    with pytest.raises(ValidationFailed) as caught:
        services.invoice_issue(actor=SYSTEM, invoice=invoice)
    assert "registration_number" in caught.value.errors


def test_roles(make_user) -> None:  # type: ignore[no-untyped-def]
    auditor = make_user(Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        draft(actor=auditor)
    with pytest.raises(PermissionDenied):
        draft(actor=None)


def test_credit_note_reverses_and_credits() -> None:
    invoice = issued()
    note = services.credit_note_create(
        actor=SYSTEM,
        original=invoice,
        data={
            "issue_date": dt.date(2026, 5, 20),
            "lines": [{"description": "返品 弁当", "unit_price": 1111, "tax_category": "AA"}],
        },
    )
    note = services.invoice_issue(actor=SYSTEM, invoice=note)
    assert note.number == "CN-2026-00001"
    assert note.kind == Invoice.Kind.CREDIT_NOTE and note.total == 1111 + 88
    lines = JournalLine.objects.filter(entry=note.journal_entry).select_related(
        "account", "tax_code"
    )
    by_account = {line.account.code: line.debit - line.credit for line in lines}
    assert by_account == {"5140": 1111, "3240": 88, "1220": -1199}
    invoice.refresh_from_db()
    assert invoice.open_amount == 6838 - 1199
    with pytest.raises(ValidationFailed):
        big = services.credit_note_create(
            actor=SYSTEM,
            original=invoice,
            data={
                "issue_date": dt.date(2026, 5, 21),
                "lines": [{"description": "全額", "unit_price": 99999}],
            },
        )
        services.invoice_issue(actor=SYSTEM, invoice=big)


def test_payments_move_the_state() -> None:
    invoice = issued()
    services.payment_apply(actor=SYSTEM, date=dt.date(2026, 6, 1), allocations=[(invoice, 3000, 0)])
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PARTLY_PAID and invoice.open_amount == 3838
    services.payment_apply(
        actor=SYSTEM, date=dt.date(2026, 6, 5), allocations=[(invoice, 3178, 660)]
    )
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.open_amount == 0
    entry = invoice.payments.last().journal_entry
    by_account: dict[str, int] = {}
    for line in JournalLine.objects.filter(entry=entry).select_related("account"):
        by_account[line.account.code] = (
            by_account.get(line.account.code, 0) + line.debit - line.credit
        )
    assert by_account == {"1140": 3178, "7380": 600, "1570": 60, "1220": -3838}
    with pytest.raises(Conflict):
        services.payment_apply(
            actor=SYSTEM, date=dt.date(2026, 6, 6), allocations=[(invoice, 1, 0)]
        )


def test_simplified_invoice_needs_no_recipient() -> None:
    company()
    invoice = services.invoice_create(
        actor=SYSTEM,
        data={
            "kind": "simplified",
            "issue_date": dt.date(2026, 5, 1),
            "lines": [
                {"description": "弁当", "unit_price": 500, "quantity": "3", "tax_category": "AA"}
            ],
        },
    )
    invoice = services.invoice_issue(actor=SYSTEM, invoice=invoice)
    assert invoice.number.startswith("RCP-2026-") and invoice.total == 1500 + 120
