"""インボイス at posting: registration picks the credit, typed tax is checked, 少額特例."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from urakata.core.errors import ValidationFailed
from urakata.core.permissions import SYSTEM
from urakata.ledger import services
from urakata.ledger.models import InvoiceRegistration, JournalLine, LedgerSettings
from urakata.org.tests.factories import CounterpartyFactory

pytestmark = pytest.mark.django_db


def _purchase(
    day: dt.date, amount: int, *, code: str = "P10", tax: int | None = None, cp: Any = None
) -> dict[str, int]:
    line: dict[str, Any] = {"account": "7390", "debit": amount, "tax_code": code}
    if tax is not None:
        line["tax_amount"] = tax
    if cp is not None:
        line["counterparty_id"] = cp.pk
    entry = services.journal_entry_post(
        actor=SYSTEM,
        date=day,
        description="仕入",
        lines=[line, {"account": "1140", "credit": amount}],
        tax_entry="inclusive",
    )
    return {
        f"{x.account.code}:{x.tax_code.code if x.tax_code else ''}": x.debit or x.credit
        for x in entry.lines.select_related("account", "tax_code")
        if x.account.code != "1140"
    }


def test_typed_tax_on_transitional_code_gets_the_dated_percentage() -> None:
    booked = _purchase(dt.date(2026, 9, 30), 11_000, code="P10U", tax=1_000)
    assert booked == {"7390:P10U": 10_200, "1570:": 800}
    booked = _purchase(dt.date(2026, 10, 1), 11_000, code="P10U", tax=1_000)
    assert booked == {"7390:P10U": 10_300, "1570:": 700}
    line = JournalLine.objects.filter(tax_code__code="P10U").order_by("-pk").first()
    assert line is not None and line.tax_amount == 700


def test_typed_tax_that_does_not_fit_the_line_is_refused() -> None:
    with pytest.raises(ValidationFailed) as info:
        _purchase(dt.date(2026, 5, 1), 1_001, tax=900)
    message = info.value.errors["lines.0.tax_amount"][0]
    assert "900" in message and "91" in message
    # the invoice's own rounding (±1 yen) is accepted
    assert _purchase(dt.date(2026, 5, 1), 1_001, tax=90)["1570:"] == 90
    assert _purchase(dt.date(2026, 5, 1), 1_001, tax=92)["1570:"] == 92


def test_unregistered_supplier_gets_the_reduced_credit_by_default() -> None:
    unregistered = CounterpartyFactory(registration_number="")
    registered = CounterpartyFactory(registration_number="T1234567890123")
    assert _purchase(dt.date(2025, 5, 1), 11_000, cp=registered) == {
        "7390:P10": 10_000,
        "1570:": 1_000,
    }
    assert _purchase(dt.date(2025, 5, 1), 11_000, cp=unregistered) == {
        "7390:P10U": 10_200,
        "1570:": 800,
    }
    assert _purchase(dt.date(2026, 10, 1), 11_000, cp=unregistered)["1570:"] == 700


def test_registration_dates_decide() -> None:
    cp = CounterpartyFactory(registration_number="T1234567890123")
    InvoiceRegistration.objects.create(
        counterparty=cp,
        number="T1234567890123",
        valid_from=dt.date(2025, 7, 1),
        valid_to=dt.date(2026, 3, 31),
    )
    assert _purchase(dt.date(2025, 6, 30), 11_000, cp=cp)["1570:"] == 800
    assert _purchase(dt.date(2025, 7, 1), 11_000, cp=cp)["1570:"] == 1_000
    assert _purchase(dt.date(2026, 4, 1), 11_000, cp=cp)["1570:"] == 800


def test_small_amount_exception_is_a_company_option() -> None:
    cp = CounterpartyFactory(registration_number="")
    assert _purchase(dt.date(2025, 5, 1), 9_900, cp=cp)["1570:"] == 720
    LedgerSettings.objects.update_or_create(pk=1, defaults={"small_amount_exception": True})
    from urakata.ledger.cache import chart_cache_clear

    chart_cache_clear()
    assert _purchase(dt.date(2025, 5, 1), 9_900, cp=cp) == {"7390:P10": 9_000, "1570:": 900}
    assert _purchase(dt.date(2025, 5, 1), 11_000, cp=cp)["1570:"] == 800  # ¥10,000 or more
    assert _purchase(dt.date(2029, 10, 1), 9_900, cp=cp)["1570:"] < 900  # after 2029-09-30
