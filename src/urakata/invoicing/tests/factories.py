"""Invoicing test helpers: the issuing company, customers and invoices through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from urakata.core.permissions import SYSTEM
from urakata.invoicing import services
from urakata.invoicing.models import Invoice
from urakata.org.models import Company, Counterparty
from urakata.org.tests.factories import CounterpartyFactory

DAY = dt.date(2026, 5, 15)


def company() -> Company:
    """The issuer (自社) with a valid 登録番号 and a bank account."""
    found = Company.objects.order_by("pk").first()
    if found is not None:
        return found
    return Company.objects.create(
        name="株式会社裏方テスト",
        corporate_number="7123456789012",
        registration_number="T7123456789012",
        postal_code="150-0001",
        address="東京都渋谷区神宮前1-1-1",
        phone="03-1234-5678",
        bank_code="0005",
        bank_name="三菱UFJ銀行",
        branch_code="135",
        branch_name="渋谷支店",
        account_type="1",
        account_number="1234567",
        account_holder_kana="カ)ウラカタテスト",
    )


def customer(**kwargs: Any) -> Counterparty:
    defaults = {
        "name": "株式会社山田商事",
        "name_kana": "ヤマダシヨウジ",
        "email": "billing@yamada.example",
    }
    return CounterpartyFactory(**{**defaults, **kwargs})


LINES = [
    {
        "description": "コンサルティング",
        "quantity": "1",
        "unit": "式",
        "unit_price": 1234,
        "tax_category": "S",
    },
    {"description": "保守", "quantity": "1", "unit": "式", "unit_price": 2345, "tax_category": "S"},
    {"description": "資料", "quantity": "1", "unit": "", "unit_price": 567, "tax_category": "S"},
    {
        "description": "弁当",
        "quantity": "1",
        "unit": "個",
        "unit_price": 1111,
        "tax_category": "AA",
    },
    {"description": "お茶", "quantity": "1", "unit": "本", "unit_price": 999, "tax_category": "AA"},
]


def draft(
    *,
    actor: Any = SYSTEM,
    lines: list[dict[str, Any]] | None = None,
    cp: Counterparty | None = None,
    day: dt.date = DAY,
    **kwargs: Any,
) -> Invoice:
    company()
    cp = cp or customer()
    data = {
        "counterparty_id": cp.pk,
        "issue_date": day,
        "due_date": day + dt.timedelta(days=30),
        "lines": lines or LINES,
        **kwargs,
    }
    return services.invoice_create(actor=actor, data=data)


def issued(*, actor: Any = SYSTEM, **kwargs: Any) -> Invoice:
    return services.invoice_issue(actor=actor, invoice=draft(actor=actor, **kwargs))
