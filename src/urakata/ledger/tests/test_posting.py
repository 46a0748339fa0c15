"""Posting: balanced or refused with every problem, gapless numbers, closed months, tax split."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db.models import Sum

from urakata.core.errors import Conflict, ValidationFailed
from urakata.core.models import AuditEvent
from urakata.core.permissions import SYSTEM
from urakata.ledger import accounts, selectors, services
from urakata.ledger.models import Balance, JournalEntry, JournalLine
from urakata.ledger.tests.factories import post_simple
from urakata.org.tests.factories import CompanyFactory, DepartmentFactory

pytestmark = pytest.mark.django_db


def test_balanced_entry_posts_with_lines_balances_and_audit(accountant: Any) -> None:
    dept = DepartmentFactory()
    entry = post_simple(actor=accountant, amount=5500, department_id=dept.pk)
    assert entry.number == 1 and entry.fiscal_year == 2025 and entry.amount == 5500
    assert entry.lines.count() == 2
    balance = Balance.objects.get(account__code="7290", period=202505, dept_key=dept.pk)
    assert (balance.debit, balance.credit) == (5500, 0)
    event = AuditEvent.objects.get(action="ledger.journal_entry.post", target_id=str(entry.pk))
    assert len(event.changes["lines"]) == 2 and len(event.changes["lines_hash"]) == 64


def test_unbalanced_entry_is_refused_with_every_problem() -> None:
    with pytest.raises(ValidationFailed) as info:
        services.journal_entry_post(
            actor=SYSTEM,
            date=dt.date(2025, 5, 1),
            description="",
            lines=[
                {"account": "9999", "debit": 100},
                {"account": "1140", "debit": 50, "credit": 50},
                {"account": "7290", "debit": "1.5"},
            ],
        )
    errors = info.value.errors
    assert "description" in errors
    assert "lines.0.account" in errors
    assert "lines.1.amount" in errors
    assert "lines.2.amount" in errors
    assert JournalEntry.objects.count() == 0


def test_difference_is_reported() -> None:
    with pytest.raises(ValidationFailed) as info:
        services.journal_entry_post(
            actor=SYSTEM,
            date=dt.date(2025, 5, 1),
            description="差額",
            lines=[{"account": "7290", "debit": 100}, {"account": "1140", "credit": 90}],
            tax_entry="none",
        )
    assert "差額 10" in info.value.errors["__all__"][0]


def test_numbers_are_gapless_per_fiscal_year_from_company_start_month() -> None:
    CompanyFactory(fiscal_year_start_month=4)
    a = post_simple(day=dt.date(2025, 3, 31))
    b = post_simple(day=dt.date(2025, 4, 1))
    c = post_simple(day=dt.date(2026, 3, 31))
    d = post_simple(day=dt.date(2025, 1, 5))
    assert (a.fiscal_year, a.number) == (2024, 1)
    assert (b.fiscal_year, b.number) == (2025, 1)
    assert (c.fiscal_year, c.number) == (2025, 2)
    assert (d.fiscal_year, d.number) == (2024, 2)


def test_refused_entry_does_not_use_a_number() -> None:
    post_simple()
    services.period_close(actor=SYSTEM, period="2025-06")
    with pytest.raises(ValidationFailed):
        post_simple(day=dt.date(2025, 6, 3))
    assert post_simple().number == 2


def test_closed_month_refuses_posting_and_reopen_is_audited(accountant: Any) -> None:
    services.period_close(actor=accountant, period="2025-05")
    with pytest.raises(ValidationFailed) as info:
        post_simple()
    assert "date" in info.value.errors
    with pytest.raises(Conflict):
        services.period_close(actor=accountant, period="2025-05")
    with pytest.raises(ValidationFailed):
        services.period_reopen(actor=accountant, period="2025-05", reason="")
    services.period_reopen(actor=accountant, period="2025-05", reason="修正のため")
    assert post_simple().number == 1
    actions = list(
        AuditEvent.objects.filter(action__startswith="ledger.period").values_list(
            "action", flat=True
        )
    )
    assert sorted(actions) == ["ledger.period.close", "ledger.period.reopen"]


def test_tax_inclusive_purchase_splits_input_tax() -> None:
    entry = services.journal_entry_post(
        actor=SYSTEM,
        date=dt.date(2025, 5, 1),
        description="消耗品",
        lines=[
            {"account": "7290", "debit": 11000, "tax_code": "P10"},
            {"account": "1140", "credit": 11000},
        ],
        tax_entry="inclusive",
    )
    amounts = {line.account.code: (line.debit, line.credit) for line in entry.lines.all()}
    assert amounts == {"7290": (10000, 0), "1570": (1000, 0), "1140": (0, 11000)}
    expense = entry.lines.get(account__code="7290")
    assert expense.tax_amount == 1000 and expense.tax_code.code == "P10"


def test_tax_exclusive_sale_adds_output_tax() -> None:
    entry = services.journal_entry_post(
        actor=SYSTEM,
        date=dt.date(2025, 5, 1),
        description="売上",
        lines=[
            {"account": "1220", "debit": 10800},
            {"account": "5110", "credit": 10000, "tax_code": "S08"},
        ],
        tax_entry="exclusive",
    )
    amounts = {line.account.code: (line.debit, line.credit) for line in entry.lines.all()}
    assert amounts == {"1220": (10800, 0), "5110": (0, 10000), "3240": (0, 800)}


@pytest.mark.parametrize(
    ("day", "credited"),
    [
        (dt.date(2026, 9, 30), 800),  # 80% until 2026-09-30
        (dt.date(2026, 10, 1), 700),  # 70% from 2026-10-01 (facts.md §1.6)
        (dt.date(2028, 10, 1), 500),
        (dt.date(2030, 10, 1), 300),
        (dt.date(2031, 10, 1), 0),
    ],
)
def test_transitional_deduction_for_unregistered_sellers(day: dt.date, credited: int) -> None:
    entry = services.journal_entry_post(
        actor=SYSTEM,
        date=day,
        description="免税事業者からの仕入",
        lines=[
            {"account": "7290", "debit": 11000, "tax_code": "P10U"},
            {"account": "1110", "credit": 11000},
        ],
        tax_entry="inclusive",
    )
    expense = entry.lines.get(account__code="7290")
    assert expense.tax_amount == credited
    assert expense.debit == 11000 - credited
    assert entry.lines.filter(account__code="1570").aggregate(s=Sum("debit"))["s"] == (
        credited or None
    )


def test_rounding_rule_is_configurable() -> None:
    def tax_for(amount: int) -> int:
        entry = services.journal_entry_post(
            actor=SYSTEM,
            date=dt.date(2025, 5, 1),
            description="端数",
            lines=[
                {"account": "7290", "debit": amount, "tax_code": "P10"},
                {"account": "1140", "credit": amount},
            ],
            tax_entry="inclusive",
        )
        return entry.lines.get(account__code="7290").tax_amount

    assert tax_for(1238) == 112  # 112.54… 切捨て (default)
    assert tax_for(1233) == 112
    accounts.ledger_settings_update(actor=SYSTEM, rounding="half_up")
    assert tax_for(1238) == 113
    assert tax_for(1233) == 112
    accounts.ledger_settings_update(actor=SYSTEM, rounding="ceiling")
    assert tax_for(1233) == 113


def test_correction_reverses_and_replaces_linked_both_ways(accountant: Any) -> None:
    original = post_simple(actor=accountant, amount=1000)
    reversal, replacement = services.journal_entry_correct(
        actor=accountant,
        entry=original,
        reason="金額誤り",
        lines=[{"account": "7290", "debit": 1200}, {"account": "1140", "credit": 1200}],
        tax_entry="none",
    )
    assert replacement is not None
    assert reversal.reverses == original and replacement.replaces == original
    assert list(original.reversed_by.all()) == [reversal]
    assert list(original.replaced_by.all()) == [replacement]
    original.refresh_from_db()
    assert original.amount == 1000  # untouched
    balance = Balance.objects.get(account__code="7290", period=202505)
    assert balance.debit - balance.credit == 1200
    chain = selectors.entry_history(actor=accountant, entry=replacement)
    assert [e.pk for e in chain] == [original.pk, reversal.pk, replacement.pk]
    with pytest.raises(Conflict):
        services.journal_entry_correct(actor=accountant, entry=original, reason="再訂正")
    with pytest.raises(Conflict):
        services.journal_entry_correct(actor=accountant, entry=reversal, reason="x")


def test_cancel_without_replacement_nets_to_zero() -> None:
    original = post_simple(amount=700)
    reversal, replacement = services.journal_entry_correct(
        actor=SYSTEM, entry=original, reason="二重計上"
    )
    assert replacement is None
    totals = JournalLine.objects.filter(account__code="7290").aggregate(
        d=Sum("debit"), c=Sum("credit")
    )
    assert totals["d"] == totals["c"] == 700
    assert reversal.source == JournalEntry.Source.CORRECTION


def test_unknown_department_is_a_validation_error() -> None:
    with pytest.raises(ValidationFailed) as info:
        post_simple(department_id=987654)
    assert "department" in info.value.errors
