"""Carry-forward and contra accounts: 残高試算表 and 貸借対照表 over fiscal-year boundaries."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from urakata.ledger import reports
from urakata.ledger.cache import chart_cache_clear
from urakata.ledger.models import Balance, EntryCounter, JournalEntry, JournalLine
from urakata.ledger.tests.factories import post_simple

pytestmark = pytest.mark.django_db

# 普通預金, 売掛金, 貸倒引当金, 機械装置, 減価償却累計額, 買掛金, 資本金, 自己株式, 売上高,
# 仕入高, 減価償却費, 貸倒引当金繰入額, 受取利息
ACCOUNTS = [
    "1140",
    "1220",
    "1590",
    "2140",
    "2190",
    "3120",
    "4110",
    "4160",
    "5110",
    "6120",
    "7410",
    "7470",
    "8110",
]


def _month_ends(first: int, last: int) -> list[int]:
    months = []
    year, month = first // 100, first % 100
    while year * 100 + month <= last:
        months.append(year * 100 + month)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _assert_balanced(actor: Any, start: int, end: int) -> None:
    tb = reports.trial_balance(actor=actor, from_period=start, to_period=end)
    t = tb.totals
    assert t["debit"] == t["credit"], (start, end)
    assert t["debit_side_opening"] == t["credit_side_opening"], (start, end, t)
    assert t["debit_side_balance"] == t["credit_side_balance"], (start, end, t)
    assert t["debit_balance"] == t["credit_balance"], (start, end, t)
    assert tb.balanced


def test_prior_year_profit_opens_retained_earnings(accountant: Any) -> None:
    post_simple(day=dt.date(2025, 6, 1), debit="1140", credit="5110", amount=300_000)
    post_simple(day=dt.date(2025, 7, 1), debit="7330", credit="1140", amount=100_000)
    post_simple(day=dt.date(2026, 5, 1), debit="1140", credit="5110", amount=50_000)
    tb = reports.trial_balance(actor=accountant, from_period=202605, to_period=202605)
    rows = {r["account_code"]: r for r in tb.rows}
    assert rows["4150"]["opening"] == 200_000 == rows["4150"]["balance"]
    assert "7330" not in rows  # last year's expense does not open this year
    assert rows["5110"]["opening"] == 0 and rows["5110"]["credit"] == 50_000
    assert rows["1140"]["opening"] == 200_000
    assert tb.balanced
    _assert_balanced(accountant, 202604, 202703)
    bs = reports.balance_sheet(actor=accountant, as_of=202605)
    assert bs["balanced"] and bs["assets"] == 250_000


def test_treasury_stock_reduces_net_assets(accountant: Any) -> None:
    post_simple(day=dt.date(2025, 4, 1), debit="1140", credit="4110", amount=10_000_000)
    post_simple(day=dt.date(2025, 5, 1), debit="4160", credit="1140", amount=1_000_000)
    bs = reports.balance_sheet(actor=accountant, as_of=202505)
    assert bs["balanced"]
    assert bs["assets"] == 9_000_000 == bs["equity"]
    equity = {
        r["account_code"]: r["amount"] for s in bs["blocks"][2]["sections"] for r in s["rows"]
    }
    assert equity["4160"] == -1_000_000
    tb = reports.trial_balance(actor=accountant, from_period=202505, to_period=202505)
    rows = {r["account_code"]: r for r in tb.rows}
    assert rows["4160"]["normal_side"] == "debit" and rows["4160"]["balance"] == 1_000_000
    assert tb.balanced


def test_contra_assets_reduce_assets(accountant: Any) -> None:
    post_simple(day=dt.date(2025, 4, 1), debit="2140", credit="4110", amount=5_000_000)
    post_simple(day=dt.date(2025, 4, 2), debit="1220", credit="5110", amount=1_000_000)
    post_simple(day=dt.date(2026, 3, 31), debit="7410", credit="2190", amount=1_000_000)
    post_simple(day=dt.date(2026, 3, 31), debit="7470", credit="1590", amount=10_000)
    bs = reports.balance_sheet(actor=accountant, as_of=202603)
    assert bs["balanced"]
    assert bs["assets"] == 5_000_000 + 1_000_000 - 1_000_000 - 10_000
    assert bs["equity"] == 5_000_000 + (1_000_000 - 1_010_000)


def _reset_books() -> None:
    chart_cache_clear()
    JournalLine.objects.all().delete()
    JournalEntry.objects.all().delete()
    Balance.objects.all().delete()
    EntryCounter.objects.all().delete()


entry_strategy = st.tuples(
    st.dates(min_value=dt.date(2025, 4, 1), max_value=dt.date(2027, 3, 31)),
    st.sampled_from(ACCOUNTS),
    st.sampled_from(ACCOUNTS),
    st.integers(min_value=1, max_value=50_000_000),
)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(entries=st.lists(entry_strategy, min_size=1, max_size=14))
def test_every_month_end_balances_over_two_years(entries: list, accountant: Any) -> None:
    _reset_books()
    for day, debit, credit, amount in entries:
        if debit == credit:
            continue
        post_simple(day=day, debit=debit, credit=credit, amount=amount)
    for month in _month_ends(202504, 202703):
        fy_start = 202504 if month < 202604 else 202604
        _assert_balanced(accountant, fy_start, month)
        _assert_balanced(accountant, month, month)
        bs = reports.balance_sheet(actor=accountant, as_of=month)
        assert bs["assets"] == bs["liabilities"] + bs["equity"], month
    _assert_balanced(accountant, 202510, 202609)  # a range across the year end
