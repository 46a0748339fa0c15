"""Suggestion accuracy on 取引先 from the master that no bank line mentions."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from urakata.ledger import bank_import
from urakata.ledger.cache import account_by_code
from urakata.ledger.models import BankTransaction
from urakata.ledger.suggestion_holdout import bank_kana, holdout_accuracy, holdout_lines
from urakata.org.tests.factories import CounterpartyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def books(accountant: Any) -> None:
    feed = bank_import.bank_feed_create(
        actor=accountant, name="普通預金", account_code="1140", sub_account_code="01"
    )
    for n in range(40):
        text, amount, code = (
            ("フリコミ カ)サクラデンキ", 330_000, "1220")
            if n % 2
            else ("デンキダイ トウキヨウデンリヨク", -12_100, "7280")
        )
        BankTransaction.objects.create(
            feed=feed,
            date=dt.date(2025, 4, 1) + dt.timedelta(days=n),
            description=text,
            amount=amount,
            fingerprint=f"h{n}",
            status=BankTransaction.Status.CONFIRMED,
            account=account_by_code(code),
        )
    # Seen in training: not part of the held-out set.
    CounterpartyFactory(name_kana="サクラデンキ", is_customer=True, is_supplier=False)
    # Never seen: a customer, a supplier, and one that is both.
    CounterpartyFactory(name_kana="アオバショウジ", is_customer=True, is_supplier=False)
    CounterpartyFactory(name_kana="ワカバカイケイジムショ", is_customer=False, is_supplier=True)
    CounterpartyFactory(name_kana="ミナトブッサン", is_customer=True, is_supplier=True)


def test_bank_kana_is_half_width_with_large_small_kana() -> None:
    assert bank_kana("フリコミ カ)アオバショウジ") == "ﾌﾘｺﾐ ｶ)ｱｵﾊﾞｼﾖｳｼﾞ"
    assert bank_import.payee_key(bank_kana("ミナトブッサン")) == bank_import.payee_key(
        "ミナトブッサン"
    )


def test_held_out_lines_cover_unseen_payees_with_the_expected_side(books: None) -> None:
    everything = holdout_lines()
    lines = [line for line in everything if line.kind == "master"]
    assert len(everything) - len(lines) == 10  # the hand-written payees, none seen here
    assert all("サクラ" not in line.description and "ｻｸﾗ" not in line.description for line in lines)
    assert len(lines) == 2 * 4  # two spellings: アオバ in, ワカバ out, ミナト in and out
    assert {(line.amount > 0, line.expected) for line in lines} == {(True, "1220"), (False, "3120")}
    assert all(len(line.description) <= 30 for line in lines)
    truncated = next(line for line in lines if line.description.startswith("ﾌﾘｺﾐ ｶ)ﾜｶﾊﾞ"))
    assert truncated.description == "ﾌﾘｺﾐ ｶ)ﾜｶﾊﾞｶｲｹｲｼﾞﾑｼﾖ"[:30]


def test_accuracy_and_calibration_on_unseen_payees(books: None) -> None:
    result = holdout_accuracy()
    assert result["train"] == 40 and result["test"] == 18 and result["test_payees"] == 13
    master, handwritten = result["by_kind"]["master"], result["by_kind"]["handwritten"]
    # Every spelling is matched to the master through payee_key: right side, right account.
    assert master == {"lines": 8, "accuracy": 1.0, "preselected": 8}
    # Payees outside the master reach the model: capped confidence, never pre-selected.
    assert handwritten["lines"] == 10 and handwritten["preselected"] == 0
    assert sum(band["lines"] for band in result["calibration"]) == 18
    bands = {band["band"]: band["lines"] for band in result["calibration"]}
    assert bands["0.8–0.9"] == 8  # the 取引先 match's confidence
    assert bands["0.0–0.5"] + bands["0.5–0.7"] == 10
    assert result["preselected_accuracy"] == 1.0


def test_cli_reports_the_master_holdout(books: None) -> None:
    out = StringIO()
    call_command("ledger", "suggestion-accuracy", stdout=out)
    report = json.loads(out.getvalue())
    assert report["unseen_master_payees"]["test"] == 18
