"""Demo books for 株式会社みどり精工 (期首4月): the last full fiscal year and this year to date.

Sales on credit and their collection, material purchases and payments, subcontracting, monthly
payroll with withholdings and social insurance, rent, utilities and small expenses from the bank
and the corporate card (as confirmed statement lines, so the suggestion model has history),
depreciation, loan interest, and year-end income taxes. Last year's months are closed.
Domains that build on the books register the hook "ledger.demo_books_seeded" in their manifest
(`hook(*, actor, today)`); it is called once the books are posted and closed. A domain that posts
the salaries itself (payroll) registers "ledger.demo_salary_periods" (`hook(*, today)` → the
periods YYYYMM whose salaries it will post); the books leave those months' salaries to it, so they
are counted once.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from urakata.core.domains import hook_targets
from urakata.core.permissions import SYSTEM
from urakata.ledger import bank_import, cache, services
from urakata.ledger.bulk import bulk_post
from urakata.ledger.chart import chart_ensure_seeded
from urakata.ledger.demo_books import _Books, _month, _months, _opening
from urakata.ledger.models import BankRule, BankTransaction, JournalEntry
from urakata.org.models import Counterparty, Department

RULES = [
    ("振込手数料", "contains", "テスウリヨウ", "7380", "P10"),
    ("法人カード引落", "contains", "カ-ドヒキオトシ", "3150", None),
]


def _tax_settlement(actor: Any, fiscal_year: int, today: dt.date) -> None:
    """The year's 消費税 settlement from the return's figures (百円未満切捨て, the rounding
    difference to 雑収入), then its payment two months later."""
    from urakata.ledger import tax_return

    first, last = cache.fiscal_year_bounds(fiscal_year)
    entry = tax_return.tax_settlement_post(actor=actor, from_period=first, to_period=last)
    payable = entry.lines.filter(account__code="3180").values_list("credit", flat=True).first()
    due = (entry.date + dt.timedelta(days=40)).replace(day=31)
    if payable and due <= today:
        services.journal_entry_post(
            actor=actor,
            date=due,
            description="消費税等の納付",
            lines=[
                {"account": "3180", "debit": payable},
                {"account": "1140", "sub_account": "01", "credit": payable},
            ],
            source="bank",
            tax_entry="none",
        )


def seed(*, actor: Any, today: dt.date, rng: random.Random) -> dict[str, Any]:
    """Two fiscal years of books (last full year closed, this year to last month)."""
    actor = _system() if actor is None else actor  # the demo command runs as the system
    chart_ensure_seeded()
    cache.chart_cache_clear()
    feeds = _feeds(actor)
    chart = cache.chart(reload=True)
    for name, match, pattern, account, tax in RULES:
        BankRule.objects.create(
            name=name,
            match=match,
            pattern=pattern,
            account=chart.accounts_by_code[account],
            tax_code_id=chart.tax_by_code[tax].id if tax else None,
        )
    depts = dict(Department.objects.values_list("code", "pk"))
    customers = list(Counterparty.objects.filter(is_customer=True).values_list("pk", flat=True))
    suppliers = list(Counterparty.objects.filter(is_supplier=True).values_list("pk", flat=True))
    this_year = cache.fiscal_year_of(today)
    first_month, _ = cache.fiscal_year_bounds(this_year - 1)
    start = dt.date(first_month // 100, first_month % 100, 1)
    last_complete = today.replace(day=1) - dt.timedelta(days=1)
    books = _Books()
    _opening(books, start)
    months = _months(start, last_complete)
    posted_elsewhere = salary_periods_elsewhere(today)
    for month in months:
        period = month.year * 100 + month.month
        fy_end = cache.fiscal_year_bounds(cache.fiscal_year_of(month))[1]
        _month(
            books,
            rng,
            month,
            customers,
            suppliers,
            depts,
            period == fy_end,
            salaries=period not in posted_elsewhere,
        )
    # nothing after today (payments scheduled next month for the last month stay unpaid)
    due = [e for e in books.entries if e.date <= today]
    entry_ids = bulk_post(actor=actor, entries=due)
    by_object = {id(source): pk for source, pk in zip(due, entry_ids, strict=True)}
    _statement_lines(books, feeds, by_object, today)
    _tax_settlement(_system(), this_year - 1, today)
    _closing_and_corrections(actor, this_year, today)
    accuracy = bank_import.suggestion_accuracy(holdout=0.2)
    suggested = bank_import.suggestions_refresh(actor=_system())
    _seed_dependants(actor, today)
    return {
        "entries": JournalEntry.objects.count(),
        "bank_lines": BankTransaction.objects.count(),
        "suggestions": suggested,
        "suggestion_accuracy_holdout": accuracy,
    }


def salary_periods_elsewhere(today: dt.date) -> set[int]:
    """Periods (YYYYMM) whose salaries another domain's demo posts (hook "ledger.demo_salary_periods")."""
    periods: set[int] = set()
    for periods_of in hook_targets("ledger.demo_salary_periods").values():
        periods.update(int(p) for p in periods_of(today=today))
    return periods


def _feeds(actor: Any) -> dict[str, Any]:
    """The bank account and the corporate card whose statements the demo imports."""
    return {
        "bank": bank_import.bank_feed_create(
            actor=actor,
            name="普通預金 三菱UFJ銀行",
            account_code="1140",
            sub_account_code="01",
            preset="mufg",
        ),
        "card": bank_import.bank_feed_create(
            actor=actor,
            name="法人カード",
            account_code="3150",
            sub_account_code="01",
            preset="card",
        ),
    }


def _seed_dependants(actor: Any, today: dt.date) -> None:
    """Domains that build on the books (the assistant's 月次報告) seed their part now."""
    for seed_more in hook_targets("ledger.demo_books_seeded").values():
        seed_more(actor=actor, today=today)


def _system() -> Any:
    return SYSTEM


def _statement_lines(
    books: _Books, feeds: dict[str, Any], by_object: dict[int, int], today: dt.date
) -> None:
    """Confirmed statement lines for every bank/card expense; last month's left to confirm."""
    cutoff = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    rows = []
    for position, (index, feed, amount, text) in enumerate(books.bank_lines):
        source = books.entries[index]
        entry_id = by_object.get(id(source))
        if entry_id is None:
            continue
        pending = source.date >= cutoff and position % 2 == 0
        account_line = source.lines[0]
        rows.append(
            BankTransaction(
                feed=feeds[feed],
                date=source.date,
                description=text,
                amount=amount,
                fingerprint=f"demo-{entry_id}",
                status="new" if pending else "confirmed",
                account_id=None if pending else account_line.account_id,
                tax_code_id=None if pending else account_line.tax_code_id,
                department_id=None if pending else account_line.department_id,
                entry_id=None if pending else entry_id,
            )
        )
    BankTransaction.objects.bulk_create(rows, batch_size=1000)


def _closing_and_corrections(actor: Any, this_year: int, today: dt.date) -> None:
    """Close last year's months; show one correction (訂正削除履歴) in this year's books."""
    first, last = cache.fiscal_year_bounds(this_year - 1)
    period = first
    while period <= last:
        services.period_close(actor=actor, period=period)
        year, month = period // 100, period % 100
        period = (year + 1) * 100 + 1 if month == 12 else period + 1
    day = today.replace(day=1) - dt.timedelta(days=1)
    original = services.journal_entry_post(
        actor=actor,
        date=day,
        description="会議用弁当代",
        lines=[
            {"account": "7250", "debit": 16_200, "tax_code": "P08"},
            {"account": "1110", "credit": 16_200},
        ],
        tax_entry="inclusive",
    )
    services.journal_entry_correct(
        actor=actor,
        entry=original,
        reason="科目誤り(社内会議ではなく取引先との会食)",
        lines=[
            {"account": "7240", "debit": 16_200, "tax_code": "P08"},
            {"account": "1110", "credit": 16_200},
        ],
        tax_entry="inclusive",
    )
