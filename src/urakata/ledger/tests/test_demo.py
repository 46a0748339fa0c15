"""The demo books: believable, balanced, verifiable, with held-out suggestion accuracy."""

from __future__ import annotations

import datetime as dt
import random

import pytest

from urakata.core.audit import audit_verify
from urakata.ledger import demo, reports
from urakata.ledger.integrity import ledger_verify
from urakata.ledger.models import Period
from urakata.ledger.permissions import SYSTEM
from urakata.org import demo as org_demo

pytestmark = pytest.mark.django_db


def test_demo_books_are_balanced_profitable_and_verified() -> None:
    today = dt.date(2026, 11, 24)
    org_demo.seed(actor=None, today=today, rng=random.Random(1))
    result = demo.seed(actor=None, today=today, rng=random.Random(2))
    assert result["entries"] > 1500
    accuracy = result["suggestion_accuracy_holdout"]
    assert accuracy["test"] > 50 and 0.7 <= accuracy["accuracy"] <= 1.0
    pl = reports.profit_and_loss(actor=SYSTEM, from_period=202504, to_period=202603)
    assert pl["gross_profit"] > 0 and pl["net_income"] > 0
    assert 0 < pl["operating_income"] < pl["gross_profit"]
    for as_of in (202603, 202610):
        assert reports.balance_sheet(actor=SYSTEM, as_of=as_of)["balanced"]
    tb = reports.trial_balance(actor=SYSTEM, from_period=202504, to_period=202603)
    assert tb.totals["debit"] == tb.totals["credit"]
    assert Period.objects.filter(is_closed=True).count() == 12
    assert ledger_verify() == []
    assert audit_verify().ok
