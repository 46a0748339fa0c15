"""Bank suggestions you can trust: sign, 取引先 kana names, low confidence for unseen payees,
nothing pre-selected under the threshold, accuracy on payees never seen in training."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urakata.ledger import bank_import
from urakata.ledger.cache import account_by_code
from urakata.ledger.models import BankTransaction
from urakata.org.tests.factories import CounterpartyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def feed(accountant: Any) -> Any:
    return bank_import.bank_feed_create(
        actor=accountant, name="普通預金", account_code="1140", sub_account_code="01"
    )


def _line(feed: Any, n: int, text: str, amount: int, code: str | None, status: str) -> Any:
    return BankTransaction.objects.create(
        feed=feed,
        date=dt.date(2025, 4, 1) + dt.timedelta(days=n % 300),
        description=text,
        amount=amount,
        fingerprint=f"x{n}",
        status=status,
        account=account_by_code(code) if code else None,
    )


def test_payee_key_normalises_legal_forms_and_width() -> None:
    assert bank_import.payee_key("振込 ｶ)ｻｸﾗﾃﾞﾝｷ") == bank_import.payee_key("サクラデンキ(カ")
    assert bank_import.payee_key("フリコミ カブシキガイシャ サクラデンキ") == "サクラデンキ"


def test_incoming_transfer_from_a_customer_goes_to_receivables(accountant: Any, feed: Any) -> None:
    customer = CounterpartyFactory(name_kana="サクラデンキ", is_customer=True)
    for n in range(10):  # the model has only seen 福利厚生費 payments mentioning the name
        _line(feed, n, "サクラデンキ コウジョウ シヨクドウ", -33_000, "7170", "confirmed")
    tx = _line(feed, 99, "振込 カ)サクラデンキ", 330_000, None, "new")
    bank_import.suggestions_refresh(actor=accountant)
    tx.refresh_from_db()
    assert tx.account.code == "1220" and tx.counterparty_id == customer.pk
    assert tx.suggestion_source == "partner" and tx.preselected


def test_the_model_is_sign_aware_and_unseen_payees_are_not_preselected(
    accountant: Any, feed: Any
) -> None:
    for n in range(12):
        _line(feed, n, "ヤチン ミドリフドウサン", -250_000, "7330", "confirmed")
        _line(feed, 100 + n, "リソク", 12, "8110", "confirmed")
    incoming = _line(feed, 200, "ヤチン ミドリフドウサン ヘンキン", 50_000, None, "new")
    seen = _line(feed, 201, "ヤチン ミドリフドウサン", -250_000, None, "new")
    unseen = _line(feed, 202, "ヤチン アオバビル", -180_000, None, "new")
    bank_import.suggestions_refresh(actor=accountant)
    for tx in (incoming, seen, unseen):
        tx.refresh_from_db()
    assert incoming.account.code == "8110"  # the only label ever seen with money coming in
    assert seen.account.code == "7330" and seen.preselected
    assert unseen.account.code == "7330" and float(unseen.confidence) <= 0.5
    assert not unseen.preselected


def test_accuracy_on_unseen_payees_with_calibration(accountant: Any, feed: Any) -> None:
    kinds = [("デンキ", "7280"), ("ツウシン", "7270"), ("ジムヨウヒン", "7290"), ("ヤチン", "7330")]
    for n in range(200):
        word, code = kinds[n % 4]
        _line(feed, n, f"{word} シハライ{n % 25:02d}", -1000 - n, code, "confirmed")
    result = bank_import.suggestion_accuracy(holdout=0.2)["by_description"]
    assert result["test"] > 0 and result["train"] + result["test"] == 200
    assert result["test_payees"] > 0
    test_keys = {
        bank_import.payee_key(t.description)
        for t in BankTransaction.objects.all()
        if bank_import._held_out_payee(bank_import.payee_key(t.description), 0.2)
    }
    assert len(test_keys) == result["test_payees"]
    assert sum(band["lines"] for band in result["calibration"]) == result["test"]
    assert result["preselected_share"] == 0  # unseen payees are never pre-ticked
    assert 0 <= result["accuracy"] <= 1
