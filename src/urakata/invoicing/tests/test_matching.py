"""Payment matching: payer-name normalising, exact / fee / combined / partial proposals, bulk
confirm posting 消込 entries, and the aging report."""

from __future__ import annotations

import datetime as dt

import pytest

from urakata.core.permissions import SYSTEM
from urakata.invoicing import reconcile, selectors
from urakata.invoicing.matching import Deposit, OpenItem, normalise_name, propose
from urakata.invoicing.models import Invoice
from urakata.invoicing.tests.factories import customer, issued
from urakata.ledger import bank_import
from urakata.ledger.models import BankTransaction, JournalLine


@pytest.mark.parametrize(
    "payer",
    [
        "ﾌﾘｺﾐ ｶ)ﾔﾏﾀﾞｼｮｳｼﾞ",
        "ｶ)ﾔﾏﾀﾞｼﾖｳｼﾞ",
        "ﾔﾏﾀﾞｼｮｳｼﾞ(ｶ",
        "(ｶ)ﾔﾏﾀﾞ ｼｮｳｼﾞ",
        "やまだしょうじ",
        "カブシキガイシャ ヤマダショウジ",
    ],
)
def test_payer_names_normalise_like_the_bank(payer: str) -> None:
    assert normalise_name(payer) == normalise_name("ヤマダショウジ") == "ヤマダシヨウジ"


def test_legal_form_in_kanji_is_dropped() -> None:
    assert normalise_name("株式会社 山田商事") == normalise_name("山田商事（株）") == "山田商事"


def _item(pk: int, name: str, amount: int, customer_id: int = 1, due: int = 0) -> OpenItem:
    return OpenItem(pk, f"INV-{pk}", customer_id, (normalise_name(name),), amount, due)


def test_proposals_cover_exact_fee_combined_partial() -> None:
    items = [
        _item(1, "ヤマダシヨウジ", 110000, 1),
        _item(2, "スズキコウギヨウ", 55000, 2),
        _item(3, "タナカセイサクシヨ", 30000, 3, due=1),
        _item(4, "タナカセイサクシヨ", 20000, 3, due=2),
        _item(5, "サトウブツサン", 500000, 4),
    ]
    deposits = [
        Deposit(10, normalise_name("ｶ)ﾔﾏﾀﾞｼｮｳｼﾞ"), 110000),
        Deposit(11, normalise_name("ｽｽﾞｷｺｳｷﾞｮｳ(ｶ"), 55000 - 660),
        Deposit(12, normalise_name("ﾀﾅｶｾｲｻｸｼｮ"), 50000 - 440),
        Deposit(13, normalise_name("ｻﾄｳﾌﾞｯｻﾝ"), 200000),
        Deposit(14, normalise_name("ﾐｼﾗﾇ ｼｬ"), 123),
    ]
    found = {p.line_id: p for p in propose(deposits, items)}
    assert (
        found[10].kind == "exact"
        and found[10].allocations == [(1, 110000, 0)]
        and found[10].score == 1.0
    )
    assert found[11].kind == "fee" and found[11].allocations == [(2, 54340, 660)]
    assert found[12].kind == "combined" and found[12].allocations == [
        (3, 30000, 0),
        (4, 19560, 440),
    ]
    assert found[13].kind == "partial" and found[13].allocations == [(5, 200000, 0)]
    assert 14 not in found
    assert found[10].score > found[11].score > found[13].score


def test_an_invoice_is_proposed_once() -> None:
    items = [_item(1, "ヤマダシヨウジ", 1000)]
    deposits = [Deposit(1, "ヤマダシヨウジ", 1000), Deposit(2, "ヤマダシヨウジ", 1000)]
    assert [p.line_id for p in propose(deposits, items)] == [1]


STATEMENT = (
    "日付,摘要,入金,出金,残高\n"
    "2026/06/10,ﾌﾘｺﾐ ｶ)ﾔﾏﾀﾞｼｮｳｼﾞ,6178,,1006178\n"
    "2026/06/11,ﾌﾘｺﾐ ｽｽﾞｷｺｳｷﾞｮｳ(ｶ,3000,,1009178\n"
)


@pytest.mark.django_db
def test_confirm_posts_the_clearing_entries() -> None:
    yamada = issued(cp=customer())
    suzuki = issued(cp=customer(name="鈴木工業株式会社", name_kana="スズキコウギョウ"))
    bank_import.bank_feed_create(actor=SYSTEM, name="入金口座", account_code="1140")
    bank_import.statement_import(
        actor=SYSTEM, feed_name="入金口座", preset="generic", data=STATEMENT.encode()
    )
    proposals = reconcile.match_proposals(actor=SYSTEM)
    kinds = {p["invoices"][0]: p["kind"] for p in proposals}
    assert kinds == {yamada.number: "fee", suzuki.number: "partial"}
    result = reconcile.matches_confirm(actor=SYSTEM, selections=proposals)
    assert len(result["confirmed"]) == 2 and result["failed"] == []
    yamada.refresh_from_db()
    suzuki.refresh_from_db()
    assert yamada.status == Invoice.Status.PAID and suzuki.status == Invoice.Status.PARTLY_PAID
    assert suzuki.open_amount == 6838 - 3000
    tx = BankTransaction.objects.get(amount=6178)
    assert tx.status == BankTransaction.Status.CONFIRMED and tx.entry_id is not None
    sums: dict[str, int] = {}
    for line in JournalLine.objects.filter(entry_id=tx.entry_id).select_related("account"):
        sums[line.account.code] = sums.get(line.account.code, 0) + line.debit - line.credit
    assert sums == {"1140": 6178, "7380": 600, "1570": 60, "1220": -6838}
    # confirmed lines are not proposed again; a second confirm of the same selection fails softly
    assert reconcile.match_proposals(actor=SYSTEM) == []
    again = reconcile.matches_confirm(actor=SYSTEM, selections=proposals)
    assert again["confirmed"] == [] and len(again["failed"]) == 2


@pytest.mark.django_db
def test_aging_buckets_by_days_past_due() -> None:
    cp = customer()
    issued(cp=cp, day=dt.date(2026, 1, 10))  # due 2026-02-09
    issued(cp=cp, day=dt.date(2026, 4, 1))  # due 2026-05-01
    issued(cp=cp, day=dt.date(2026, 5, 20))  # due 2026-06-19
    report = selectors.aging(actor=SYSTEM, today=dt.date(2026, 6, 1))
    assert report["totals"] == {
        "current": 6838,
        "1-30": 0,
        "31-60": 6838,
        "61-90": 0,
        "over_90": 6838,
        "total": 3 * 6838,
    }
    assert [o["days"] for o in report["overdue"]] == [112, 31]
